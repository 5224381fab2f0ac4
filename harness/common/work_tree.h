#pragma once

#include <filesystem>

namespace leakgate {

// Whether `dir` is inside a git work tree (a .git folder or file in it or in a folder above): only
// then do messages speak of git.
bool in_git_work_tree(const std::filesystem::path& dir);

}  // namespace leakgate
