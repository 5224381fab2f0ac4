#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/deadline.h"

namespace leakgate::diagnostics {

// The .NET runtime's diagnostics IPC (the protocol dotnet-trace, dotnet-counters and
// dotnet-gcdump speak over $TMPDIR/dotnet-diagnostic-<pid>-<key>-socket). The encoders and the
// reply parser are pure; induce_full_gc does the socket work.

struct Provider {
  std::string name;
  std::uint64_t keywords = 0;
  std::uint32_t level = 4;  // EventLevel.Informational
};

// Microsoft-Windows-DotNETRuntime's GCHeapCollect keyword: enabling it makes the runtime run a
// full, blocking, compacting collection before it answers (what dotnet-gcdump relies on).
inline constexpr std::uint64_t kGcHeapCollectKeyword = 0x800000;
inline constexpr std::string_view kRuntimeProvider = "Microsoft-Windows-DotNETRuntime";

// EventPipe CollectTracing2 (command set 0x02, id 0x03): nettrace format, no rundown.
std::string encode_collect_tracing2(std::uint32_t buffer_mb,
                                    const std::vector<Provider>& providers);
// EventPipe StopTracing (0x02, 0x01).
std::string encode_stop_tracing(std::uint64_t session_id);

struct Reply {
  std::uint8_t command_set = 0;
  std::uint8_t command_id = 0;  // 0x00 OK, 0xFF error
  std::string payload;
  bool ok() const { return command_set == 0xFF && command_id == 0x00; }
  // The runtime's HRESULT when !ok() (0 when absent).
  std::uint32_t error_code() const;
  // The first 8 bytes of the payload (a session id), or throws ParseError.
  std::uint64_t session_id() const;
};

// Parses one reply (header and payload). Throws ParseError on a bad magic, a short or oversized
// message.
Reply parse_reply(std::string_view bytes);
// The size a reply announces in its header, once `bytes` holds the 20-byte header; 0 before.
std::size_t announced_size(std::string_view bytes);

// The diagnostics socket of `pid`: the newest dotnet-diagnostic-<pid>-*-socket in the app's
// TMPDIR (read from /proc/<pid>/environ), else /tmp. Throws ToolError when there is none.
std::filesystem::path find_socket(pid_t pid);

// Makes the runtime of `pid` run a full blocking GC and returns once it has: it opens an
// EventPipe session with the GCHeapCollect keyword (the runtime collects synchronously while
// enabling it, before it replies), then stops the session. Throws ToolError naming the socket
// and the step that failed.
void induce_full_gc(pid_t pid, const Deadline& deadline);

}  // namespace leakgate::diagnostics
