#pragma once

#include <filesystem>

namespace leakgate {

// A private (0700) temporary directory under $TMPDIR (or /tmp), removed with its contents when
// the owner goes out of scope: dumps hold process memory and must not outlive the run.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace leakgate
