#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/errors.h"
#include "process/interrupt.h"

namespace leakgate {

namespace {

// Writes all of [data, data + size) to fd; false when the other end is gone.
bool write_all(int fd, const char* data, std::size_t size, bool socket) {
  while (size > 0) {
    const ssize_t n = socket ? ::send(fd, data, size, MSG_NOSIGNAL) : ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

// The launched "app" of a scenario whose app is another process that serves the control protocol
// on a Unix socket (LeakGate.Testing's test process): what leakgate writes to the relay's stdin
// goes to the socket, what comes from the socket goes to its stdout. The end of its stdin is passed
// on (the socket shut for writing); the relay ends when the app ends the connection.
int relay_command(const RelayOptions& o) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path = o.socket.string();
  if (path.empty() || path.size() >= sizeof(address.sun_path)) {
    throw UsageError("--socket " + path + ": a Unix socket path must have 1 to " +
                     std::to_string(sizeof(address.sun_path) - 1) + " bytes");
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const Socket socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (socket.fd() < 0) throw ToolError(std::string("relay: socket: ") + std::strerror(errno));
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's own cast
  if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    throw ToolError("relay: cannot connect to " + path + ": " + std::strerror(errno));
  }
  std::array<pollfd, 2> fds{{{STDIN_FILENO, POLLIN, 0}, {socket.fd(), POLLIN, 0}}};
  std::array<char, std::size_t{64} * 1024> buffer{};
  while (true) {
    interrupt::check();
    const int ready = ::poll(fds.data(), fds.size(), 200);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw ToolError(std::string("relay: poll: ") + std::strerror(errno));
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      const ssize_t n = ::read(fds[k].fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      const bool to_socket = k == 0;
      if (n <= 0 && to_socket) {
        // leakgate is done sending: the app is told (end of its input) and may still answer.
        ::shutdown(socket.fd(), SHUT_WR);
        fds[0].fd = -1;
        continue;
      }
      if (n <= 0) return kExitOk;  // the app ended the connection
      if (!write_all(to_socket ? socket.fd() : STDOUT_FILENO, buffer.data(),
                     static_cast<std::size_t>(n), to_socket)) {
        return kExitOk;
      }
    }
  }
}

}  // namespace leakgate
