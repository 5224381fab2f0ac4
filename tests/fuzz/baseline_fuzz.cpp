// Fuzz target for baselines: any text is either rejected as JSON (read as leakgate reads files) or
// by baseline_from_json with a leakgate::Error. An accepted baseline, rendered as the checked-in
// file and read back, must be the same baseline and render the same bytes: `baseline update` leaves
// an unchanged file byte for byte as it was.
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "baseline/baseline.h"
#include "common/errors.h"
#include "fuzz_json.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  auto doc = fuzz::read_json(fuzz::text_of(data, size), "fuzz.json");
  if (!doc) return 0;
  Baseline first;
  try {
    first = baseline_from_json(*doc, "fuzz.json");
  } catch (const Error&) {
    return 0;
  }
  const std::string rendered = render_baseline(first);
  Baseline second;
  try {
    second = baseline_from_json(parse_json_text(rendered, "fuzz.json"), "fuzz.json");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    fuzz::check(false, "baseline: its own rendering does not read back");
  }
  fuzz::check(second == first, "baseline: read back from its rendering, it differs");
  fuzz::check(render_baseline(second) == rendered, "baseline: rendered twice, it differs");
  return 0;
}
