#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "common/errors.h"

namespace leakgate {

void write_file_atomically(const std::filesystem::path& target, std::string_view content) {
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
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
  if (::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    ::unlink(name.data());
    throw ToolError("cannot write " + target.string() + " (close): " + std::strerror(errno));
  }
  if (::rename(name.data(), target.c_str()) != 0) {
    const int e = errno;
    ::unlink(name.data());
    throw ToolError("cannot write " + target.string() + " (rename): " + std::strerror(e));
  }
}

}  // namespace leakgate
