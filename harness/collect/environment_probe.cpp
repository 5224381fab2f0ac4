#include "collect/environment_probe.h"

#include <filesystem>
#include <fstream>

#include "common/text_lines.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return std::string(text::trim(line));
}

std::string container_memory_limit(pid_t pid) {
  // /proc/PID/cgroup: "0::/path" (v2) or "N:memory:/path" (v1).
  std::ifstream cgroups("/proc/" + std::to_string(pid) + "/cgroup");
  for (std::string line; std::getline(cgroups, line);) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const fs::path path = fs::path(line.substr(second + 1)).relative_path();
    if (controllers.empty()) {
      for (fs::path dir = fs::path("/sys/fs/cgroup") / path;; dir = dir.parent_path()) {
        std::string limit = first_line(dir / "memory.max");
        if (!limit.empty() && limit != "max") return limit;
        if (dir == "/sys/fs/cgroup" || dir == dir.parent_path()) break;
      }
      if (!first_line("/sys/fs/cgroup/memory.max").empty() ||
          fs::exists("/sys/fs/cgroup/cgroup.controllers")) {
        return "max";
      }
    } else if (controllers.find("memory") != std::string::npos) {
      const std::string limit =
          first_line(fs::path("/sys/fs/cgroup/memory") / path / "memory.limit_in_bytes");
      if (!limit.empty()) return limit.size() >= 19 ? "max" : limit;  // v1 "no limit" is ~2^63
    }
  }
  return "unknown";
}

}  // namespace

std::map<std::string, std::string> probe_runtime(pid_t pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  for (std::string line; std::getline(maps, line);) {
    const auto at = line.find("/Microsoft.NETCore.App/");
    if (at == std::string::npos || line.find("/libcoreclr.so") == std::string::npos) continue;
    const auto start = at + std::string("/Microsoft.NETCore.App/").size();
    const auto end = line.find('/', start);
    return {{"runtime", line.substr(start, end - start)}, {"kind", "dotnet"}};
  }
  return {};
}

std::map<std::string, std::string> probe_environment(pid_t pid) {
  return {{"containerMemoryLimit", container_memory_limit(pid)}};
}

}  // namespace leakgate
