#include "collect/memory_collector.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/errors.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

constexpr int kStackPointerTries = 50;

std::string read_proc(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ToolError("cannot read " + path.string() + ": " + std::strerror(errno) +
                    " (is the process gone, or owned by another user?)");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A thread's stack pointer is in its syscall file while it is blocked; a thread that happens to
// be running is asked again a few times.
std::vector<std::uint64_t> stack_pointers(pid_t pid, int& threads) {
  std::vector<std::uint64_t> sps;
  threads = 0;
  std::error_code ec;
  for (const auto& task :
       fs::directory_iterator(fs::path("/proc") / std::to_string(pid) / "task", ec)) {
    ++threads;
    for (int attempt = 0; attempt < kStackPointerTries; ++attempt) {
      std::ifstream in(task.path() / "syscall");
      std::string text;
      std::getline(in, text);
      if (auto sp = parse_syscall_stack_pointer(text)) {
        sps.push_back(*sp);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return sps;
}

std::string save(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
  return file.filename().string();
}

}  // namespace

ProcessMemory read_process_memory(pid_t pid, std::string* smaps_text, std::string* status_text) {
  const fs::path dir = fs::path("/proc") / std::to_string(pid);
  ProcessMemory p;
  p.page_kb = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) / 1024;
  p.stack_pointers = stack_pointers(pid, p.threads);
  const std::string smaps = read_proc(dir / "smaps");
  const std::string status = read_proc(dir / "status");
  try {
    p.vmas = parse_smaps(smaps);
    p.page_table_kb = parse_status_kb(status, "VmPTE").value_or(0);
  } catch (const ParseError& e) {
    throw ToolError("cannot read the memory map of pid " + std::to_string(pid) + ": " + e.what());
  }
  if (smaps_text != nullptr) *smaps_text = smaps;
  if (status_text != nullptr) *status_text = status;
  return p;
}

void MemoryCollector::collect(const CollectRequest& request, Checkpoint& into) {
  std::string smaps, status;
  into.memory = classify_memory(read_process_memory(request.pid, &smaps, &status));
  into.raw.push_back(
      {"/proc/PID/smaps", save(request.raw_dir / (request.label + ".smaps.txt"), smaps)});
  into.raw.push_back(
      {"/proc/PID/status", save(request.raw_dir / (request.label + ".status.txt"), status)});
}

}  // namespace leakgate
