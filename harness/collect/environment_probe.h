#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace leakgate {

// Facts about a process's environment that the handshake cannot give, for the fingerprint:
// "containerMemoryLimit" (bytes, or "max") from the process's cgroup (v2 memory.max, v1
// memory.limit_in_bytes), "unknown" when it cannot be read.
std::map<std::string, std::string> probe_environment(pid_t pid);

// For an app that does not speak the protocol: {"runtime": "10.0.12"} when the process has the
// .NET runtime (libcoreclr.so of a Microsoft.NETCore.App folder) mapped, else empty.
std::map<std::string, std::string> probe_runtime(pid_t pid);

}  // namespace leakgate
