#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/errors.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

// Writes `content` to a new temporary file beside `target` (flushed to disk with kOnDisk); returns
// its path.
fs::path write_temp(const fs::path& target, std::string_view content, Durability durability) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : ".";
  std::string pattern = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    throw ToolError("cannot write " + target.string() + ": " + std::strerror(errno));
  }
  auto fail = [&](const char* what) {
    const int e = errno;
    ::close(fd);
    ::unlink(name.data());
    throw ToolError("cannot write " + target.string() + " (" + what + "): " + std::strerror(e));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write");
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) fail("chmod");
  if (durability == Durability::kOnDisk && ::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(name.data());
    throw ToolError("cannot write " + target.string() + " (close): " + std::strerror(e));
  }
  return name.data();
}

void rename_over(const fs::path& temp, const fs::path& target) {
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int e = errno;
    ::unlink(temp.c_str());
    throw ToolError("cannot write " + target.string() + " (rename): " + std::strerror(e));
  }
}

// The bytes of `path`, or nullopt when there is no such file.
std::optional<std::string> previous_content(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in.good() && !in.eof()) {
    throw ToolError("cannot read " + path.string() + " before replacing it");
  }
  return buffer.str();
}

}  // namespace

void write_file_atomically(const fs::path& target, std::string_view content,
                           Durability durability) {
  rename_over(write_temp(target, content, durability), target);
}

void write_files_atomically(const std::vector<FileContent>& files,
                            const std::function<void()>& before_commit,
                            const std::function<void()>& after_commit) {
  std::vector<std::optional<std::string>> before;
  std::vector<fs::path> temps;
  const auto remove_temps = [&] {
    for (const auto& t : temps) ::unlink(t.c_str());
  };
  try {
    for (const auto& f : files) {
      before.push_back(previous_content(f.path));
      temps.push_back(write_temp(f.path, f.content, Durability::kOnDisk));
    }
    if (before_commit) before_commit();
  } catch (...) {
    remove_temps();
    throw;
  }
  // Every new file is on disk: now the renames, each atomic. Should one fail (or the caller call
  // the batch off after them), the files already replaced get their previous content back.
  std::size_t renamed = 0;
  const auto roll_back = [&] {
    for (std::size_t i = 0; i < renamed; ++i) {
      std::error_code ec;
      if (before[i]) {
        try {
          write_file_atomically(files[i].path, *before[i]);
        } catch (const Error&) {  // NOLINT(bugprone-empty-catch): best effort; the cause is thrown
        }
      } else {
        fs::remove(files[i].path, ec);
      }
    }
    for (std::size_t i = renamed; i < temps.size(); ++i) ::unlink(temps[i].c_str());
  };
  try {
    for (; renamed < files.size(); ++renamed) rename_over(temps[renamed], files[renamed].path);
    if (after_commit) after_commit();
  } catch (...) {
    roll_back();
    throw;
  }
}

}  // namespace leakgate
