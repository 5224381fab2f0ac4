#include "pipeline/progress.h"

#include <iostream>

namespace leakgate {

void Progress::say(const std::string& scenario, const std::string& what) const {
  if (quiet_) return;
  std::cerr << "leakgate: " << scenario << ": " << what << std::endl;
}

}  // namespace leakgate
