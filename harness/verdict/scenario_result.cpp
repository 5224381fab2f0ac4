#include "verdict/scenario_result.h"

namespace leakgate {

bool meets(Expectation expected, Verdict verdict) {
  return expected == Expectation::kLeak ? verdict == Verdict::kLeak : verdict == Verdict::kPass;
}

}  // namespace leakgate
