#include "runtime/diagnostics_ipc.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <utility>

#include "common/errors.h"

namespace leakgate::diagnostics {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic{"DOTNET_IPC_V1\0", 14};
constexpr std::size_t kHeaderSize = 20;

template <typename T>
void put(std::string& out, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out.push_back(static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xFF));
  }
}

template <typename T>
T get(std::string_view bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return static_cast<T>(value);
}

// A length-prefixed, NUL-terminated UTF-16LE string; names here are ASCII.
void put_string(std::string& out, std::string_view s) {
  if (s.empty()) {
    put<std::uint32_t>(out, 0);
    return;
  }
  put<std::uint32_t>(out, static_cast<std::uint32_t>(s.size() + 1));
  for (char c : s) put<std::uint16_t>(out, static_cast<unsigned char>(c));
  put<std::uint16_t>(out, 0);
}

std::string message(std::uint8_t command_set, std::uint8_t command_id, const std::string& payload) {
  std::string out(kMagic);
  put<std::uint16_t>(out, static_cast<std::uint16_t>(kHeaderSize + payload.size()));
  put<std::uint8_t>(out, command_set);
  put<std::uint8_t>(out, command_id);
  put<std::uint16_t>(out, 0);
  return out + payload;
}

// A connected socket, closed on scope exit.
class Connection {
 public:
  Connection(fs::path socket_path, const Deadline& deadline)
      : path_(std::move(socket_path)), deadline_(deadline) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string p = path_.string();
    if (p.size() >= sizeof(addr.sun_path)) fail("path too long", 0);
    std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) fail("socket", errno);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      const int err = errno;
      ::close(fd_);  // the destructor does not run for a constructor that throws
      fd_ = -1;
      fail("connect (a stale socket of a process that is gone?)", err);
    }
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      wait_for(POLLOUT, "send");
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("send", errno);
      sent += static_cast<std::size_t>(n);
    }
  }

  Reply receive_reply() {
    std::string bytes;
    const auto needed = [&] {
      return bytes.size() < kHeaderSize ? kHeaderSize
                                        : std::max(announced_size(bytes), kHeaderSize);
    };
    while (bytes.size() < needed()) {
      std::string chunk(needed() - bytes.size(), '\0');
      const ssize_t n = read_some(chunk.data(), chunk.size(), "reply");
      if (n == 0) fail("the runtime closed the connection before it replied", 0);
      bytes.append(chunk.data(), static_cast<std::size_t>(n));
    }
    try {
      return parse_reply(bytes);
    } catch (const ParseError& e) {
      fail(std::string("unreadable reply: ") + e.what(), 0);
    }
  }

  // Reads and discards until the runtime closes the stream.
  void drain() {
    char buffer[16384];
    while (read_some(buffer, sizeof buffer, "the end of the event stream") > 0) {
    }
  }

  [[noreturn]] void fail(const std::string& what, int err) const {
    throw ToolError("diagnostics IPC at " + path_.string() + ": " + what +
                    (err != 0 ? std::string(": ") + std::strerror(err) : std::string()));
  }

 private:
  ssize_t read_some(char* into, std::size_t size, const char* what) {
    while (true) {
      wait_for(POLLIN, what);
      const ssize_t n = ::recv(fd_, into, size, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(std::string("receive ").append(what), errno);
      return n;
    }
  }

  void wait_for(short events, const std::string& what) {
    pollfd p{fd_, events, 0};
    while (true) {
      const int ms = static_cast<int>(
          std::min<long long>(deadline_.remaining().count(), std::numeric_limits<int>::max()));
      const int r = ::poll(&p, 1, ms);
      if (r > 0) return;
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) fail("poll", errno);
      fail("no answer in time (waiting for " + what + ")", 0);
    }
  }

  fs::path path_;
  const Deadline& deadline_;
  int fd_ = -1;
};

std::string tmpdir_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  const std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t start = 0;
  while (start < env.size()) {
    std::size_t end = env.find('\0', start);
    if (end == std::string::npos) end = env.size();
    const std::string_view entry(env.data() + start, end - start);
    if (entry.starts_with("TMPDIR=") && entry.size() > 7) return std::string(entry.substr(7));
    start = end + 1;
  }
  return "/tmp";
}

}  // namespace

std::uint32_t Reply::error_code() const {
  return payload.size() >= 4 ? get<std::uint32_t>(payload, 0) : 0;
}

std::uint64_t Reply::session_id() const {
  if (payload.size() < 8) throw ParseError(1, "the reply carries no session id");
  return get<std::uint64_t>(payload, 0);
}

std::string encode_collect_tracing2(std::uint32_t buffer_mb,
                                    const std::vector<Provider>& providers) {
  std::string payload;
  put<std::uint32_t>(payload, buffer_mb);
  put<std::uint32_t>(payload, 1);  // format: nettrace
  put<std::uint8_t>(payload, 0);   // requestRundown: false
  put<std::uint32_t>(payload, static_cast<std::uint32_t>(providers.size()));
  for (const auto& p : providers) {
    put<std::uint64_t>(payload, p.keywords);
    put<std::uint32_t>(payload, p.level);
    put_string(payload, p.name);
    put_string(payload, "");  // no filter data
  }
  return message(0x02, 0x03, payload);
}

std::string encode_stop_tracing(std::uint64_t session_id) {
  std::string payload;
  put<std::uint64_t>(payload, session_id);
  return message(0x02, 0x01, payload);
}

std::size_t announced_size(std::string_view bytes) {
  if (bytes.size() < kHeaderSize) return 0;
  return get<std::uint16_t>(bytes, kMagic.size());
}

Reply parse_reply(std::string_view bytes) {
  if (bytes.size() < kHeaderSize) {
    throw ParseError(1, "a reply is at least 20 bytes, got " + std::to_string(bytes.size()));
  }
  if (bytes.substr(0, kMagic.size()) != kMagic) throw ParseError(1, "no DOTNET_IPC_V1 magic");
  const std::size_t size = announced_size(bytes);
  if (size < kHeaderSize || size != bytes.size()) {
    throw ParseError(1, "the header announces " + std::to_string(size) + " bytes, got " +
                            std::to_string(bytes.size()));
  }
  Reply r;
  r.command_set = get<std::uint8_t>(bytes, 16);
  r.command_id = get<std::uint8_t>(bytes, 17);
  r.payload = std::string(bytes.substr(kHeaderSize));
  return r;
}

fs::path find_socket(pid_t pid) {
  const fs::path dir = tmpdir_of(pid);
  const std::string prefix = "dotnet-diagnostic-" + std::to_string(pid) + "-";
  fs::path best;
  fs::file_time_type best_time;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with("-socket")) continue;
    const auto t = entry.last_write_time(ec);
    if (best.empty() || t > best_time) {
      best = entry.path();
      best_time = t;
    }
  }
  if (best.empty()) {
    throw ToolError(
        "no diagnostics socket of process " + std::to_string(pid) + " in " + dir.string() + " (" +
        prefix + "*-socket): is it a .NET process, started with " + "DOTNET_EnableDiagnostics=0?");
  }
  return best;
}

void induce_full_gc(pid_t pid, const Deadline& deadline) {
  const fs::path socket = find_socket(pid);
  Connection stream(socket, deadline);
  stream.send(encode_collect_tracing2(
      1, {{std::string(kRuntimeProvider), kGcHeapCollectKeyword, /*level=*/4}}));
  const Reply started = stream.receive_reply();
  if (!started.ok()) {
    stream.fail(
        "the runtime refused the session (error 0x" +
            [&] {
              char hex[16];
              std::snprintf(hex, sizeof hex, "%08X", started.error_code());
              return std::string(hex);
            }() +
            ")",
        0);
  }
  // The collection ran while the session was enabled; stop it and let the stream end.
  Connection control(socket, deadline);
  std::uint64_t session = 0;
  try {
    session = started.session_id();
  } catch (const ParseError& e) {
    stream.fail(e.what(), 0);
  }
  control.send(encode_stop_tracing(session));
  const Reply stopped = control.receive_reply();
  if (!stopped.ok()) control.fail("the runtime refused to stop the session", 0);
  stream.drain();
}

}  // namespace leakgate::diagnostics
