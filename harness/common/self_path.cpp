#include "common/self_path.h"

#include <system_error>

namespace leakgate {

std::filesystem::path leakgate_bin_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : exe.parent_path();
}

}  // namespace leakgate
