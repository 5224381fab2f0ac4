#include "common/peak_rss.h"

#include <sys/resource.h>

namespace leakgate {

std::uint64_t own_peak_rss_bytes() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux counts in KiB
}

}  // namespace leakgate
