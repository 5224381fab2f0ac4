#include "common/work_tree.h"

namespace leakgate {

bool in_git_work_tree(const std::filesystem::path& dir) {
  std::error_code ec;
  for (auto at = std::filesystem::absolute(dir, ec); !ec && !at.empty(); at = at.parent_path()) {
    if (std::filesystem::exists(at / ".git", ec)) return true;
    if (at == at.parent_path()) break;
  }
  return false;
}

}  // namespace leakgate
