#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace leakgate::test {

// The text of tests/fixtures/<relative>.
std::string fixture(const std::string& relative);
// tests/fixtures/report/forms-pair.json: report.json of a real run of the forms pair.
nlohmann::json forms_pair_report();

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
