#include "process/process_tree.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace leakgate::process_tree {

namespace {

std::optional<std::string> read_proc(pid_t pid, const char* file) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<pid_t> parse_stat_ppid(const std::string& stat) {
  // "<pid> (<comm>) <state> <ppid> ...": the command ends at the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 4 >= stat.size()) return std::nullopt;
  std::size_t at = close + 2;  // the state
  at = stat.find(' ', at);     // the space before ppid
  if (at == std::string::npos) return std::nullopt;
  ++at;
  pid_t ppid = 0;
  const char* end = stat.data() + stat.size();
  const auto [ptr, ec] = std::from_chars(stat.data() + at, end, ppid);
  if (ec != std::errc() || ptr == stat.data() + at || (ptr != end && *ptr != ' ')) {
    return std::nullopt;
  }
  return ppid;
}

std::optional<pid_t> parent_of(pid_t pid) {
  const auto stat = read_proc(pid, "stat");
  if (!stat) return std::nullopt;
  return parse_stat_ppid(*stat);
}

bool descends_from(pid_t pid, pid_t ancestor) {
  // A chain is at most as long as there are processes; 4096 steps is far more than any real one.
  for (int steps = 0; steps < 4096 && pid > 1; ++steps) {
    if (pid == ancestor) return true;
    const auto parent = parent_of(pid);
    if (!parent) return false;
    pid = *parent;
  }
  return pid == ancestor;
}

std::optional<uid_t> owner_of(pid_t pid) {
  const auto status = read_proc(pid, "status");
  if (!status) return std::nullopt;
  std::istringstream lines(*status);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("Uid:", 0) != 0) continue;
    std::istringstream fields(line.substr(4));
    long long uid = -1;
    if (fields >> uid && uid >= 0) return static_cast<uid_t>(uid);
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace leakgate::process_tree
