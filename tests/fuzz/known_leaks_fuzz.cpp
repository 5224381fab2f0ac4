// Fuzz target for baselines/known-leaks.json: any text is either rejected as JSON (read as leakgate
// reads files) or by parse_known_leaks with a leakgate::Error; every accepted entry names a type
// and gives a reason.
#include <nlohmann/json.hpp>

#include "baseline/known_leaks.h"
#include "common/errors.h"
#include "fuzz_json.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  auto doc = fuzz::read_json(fuzz::text_of(data, size), "known-leaks.json");
  if (!doc) return 0;
  try {
    const auto leaks = parse_known_leaks(*doc, "known-leaks.json");
    for (std::size_t i = 0; i < leaks.size(); ++i) {
      fuzz::check(!leaks[i].type.empty() && !leaks[i].reason.empty(),
                  "known leaks: an entry without a type or a reason");
      fuzz::check(leaks[i].index == i, "known leaks: an entry with the wrong position");
    }
  } catch (const Error&) {
  }
  return 0;
}
