#pragma once

#include <filesystem>
#include <string>

namespace leakgate::test {

// The text of tests/fixtures/<relative>.
std::string fixture(const std::string& relative);

std::string read_file(const std::filesystem::path& path);
// The whole file, or "" when it cannot be read (yet).
std::string read_file_or_empty(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

// A fresh private directory, removed when the object goes out of scope.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace leakgate::test
