#pragma once

#include <filesystem>

namespace leakgate {

// The folder of the running leakgate binary (the build puts the native scenario app and the heap
// engine beside it); the working folder when /proc/self/exe cannot be read.
std::filesystem::path leakgate_bin_dir();

}  // namespace leakgate
