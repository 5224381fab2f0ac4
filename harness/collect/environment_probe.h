#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace leakgate {

// Facts about a process's environment that the handshake cannot give, for the fingerprint:
// "containerMemoryLimit" (bytes, or "max") from the process's cgroup (v2 memory.max, v1
// memory.limit_in_bytes), "unknown" when it cannot be read.
std::map<std::string, std::string> probe_environment(pid_t pid);

}  // namespace leakgate
