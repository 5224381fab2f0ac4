// Fuzz target for scenario manifests: any text is either rejected as JSON (read as leakgate reads
// files) or by parse_manifest with a leakgate::Error; an accepted manifest holds what the runner
// relies on (a program to launch, at least one iteration step, checkpoints that fit the
// iterations).
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "fuzz_json.h"
#include "fuzz_support.h"
#include "scenario/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  auto doc = fuzz::read_json(fuzz::text_of(data, size), "scenario.json");
  if (!doc) return 0;
  Manifest m;
  try {
    // A folder that does not exist: relative paths resolve against it and nothing is read.
    m = parse_manifest(*doc, "/nonexistent/fuzz-scenario");
  } catch (const Error&) {
    return 0;
  }
  fuzz::check(!m.argv.empty() && !m.argv[0].empty(), "manifest: accepted without a program");
  fuzz::check(!m.iteration.empty(), "manifest: accepted without an iteration step");
  fuzz::check(m.iterations >= 1, "manifest: accepted with no iterations");
  fuzz::check(m.intermediate_checkpoints >= 0 && m.intermediate_checkpoints < m.iterations,
              "manifest: more intermediate checkpoints than iterations");
  fuzz::check(m.cwd.is_absolute(), "manifest: a relative working directory");
  return 0;
}
