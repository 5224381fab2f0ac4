#pragma once

#include <cstdint>

namespace leakgate {

// This process's own peak resident set so far, in bytes (getrusage: children not included).
std::uint64_t own_peak_rss_bytes();

}  // namespace leakgate
