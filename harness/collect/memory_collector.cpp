#include "collect/memory_collector.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "common/atomic_file.h"
#include "common/errors.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

constexpr int kStackPointerTries = 50;
constexpr int kSmapsReads = 4;  // reads of a running process's smaps that came out inconsistent

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

// A thread's stack pointer is in its syscall file while it is blocked; the threads that happen to
// be running are asked again, all of them each millisecond, until `tries` reads.
std::vector<std::uint64_t> stack_pointers(pid_t pid, int& threads, int tries) {
  std::vector<std::uint64_t> sps;
  std::vector<fs::path> running;
  std::error_code ec;
  for (const auto& task :
       fs::directory_iterator(fs::path("/proc") / std::to_string(pid) / "task", ec)) {
    running.push_back(task.path() / "syscall");
  }
  threads = static_cast<int>(running.size());
  for (int attempt = 0; attempt < tries && !running.empty(); ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::erase_if(running, [&sps](const fs::path& syscall) {
      std::ifstream in(syscall);
      std::string text;
      std::getline(in, text);
      const auto sp = parse_syscall_stack_pointer(text);
      if (sp) sps.push_back(*sp);
      return sp.has_value() || !in;  // found, or the thread is gone
    });
  }
  std::sort(sps.begin(), sps.end());
  return sps;
}

std::string save(const fs::path& file, const std::string& text) {
  // a full disk fails the checkpoint, never truncates it
  write_file_atomically(file, text, Durability::kRewrittenEachRun);
  return file.filename().string();
}

// Resident pages below each thread's stack pointer that hold only zeros (ProcessMemory::
// idle_stack_kb). /proc/PID/pagemap says which pages are present without touching them; only
// those are read, through /proc/PID/mem. When either cannot be read, nothing is left out.
std::map<std::uint64_t, std::uint64_t> idle_stack_kb(pid_t pid, const std::vector<Vma>& vmas,
                                                     const std::vector<std::uint64_t>& sps) {
  std::map<std::uint64_t, std::uint64_t> idle;
  const fs::path dir = fs::path("/proc") / std::to_string(pid);
  const int pagemap = ::open((dir / "pagemap").c_str(), O_RDONLY | O_CLOEXEC);
  const int mem = ::open((dir / "mem").c_str(), O_RDONLY | O_CLOEXEC);
  const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  std::vector<std::uint64_t> entries;
  std::vector<char> bytes(page);
  for (const auto& v : vmas) {
    if (pagemap < 0 || mem < 0) break;
    if (v.rss_kb == 0) continue;
    // The lowest stack pointer in this mapping: the pages below it are not in use now.
    std::uint64_t sp = 0;
    for (const auto p : sps) {
      if (p >= v.start && p < v.end && (sp == 0 || p < sp)) sp = p;
    }
    if (sp == 0) continue;
    const std::uint64_t first = v.start / page, last = sp / page;  // [first, last)
    if (last <= first) continue;
    entries.resize(last - first);
    const auto want = static_cast<ssize_t>(entries.size() * sizeof(std::uint64_t));
    if (::pread(pagemap, entries.data(), static_cast<std::size_t>(want),
                static_cast<off_t>(first * sizeof(std::uint64_t))) != want) {
      continue;
    }
    std::uint64_t zero_pages = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if ((entries[i] >> 63 & 1) == 0) continue;  // not present
      const auto at = static_cast<off_t>((first + i) * page);
      if (::pread(mem, bytes.data(), page, at) != static_cast<ssize_t>(page)) continue;
      if (std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; })) ++zero_pages;
    }
    if (zero_pages > 0) idle[v.start] = zero_pages * page / 1024;
  }
  if (pagemap >= 0) ::close(pagemap);
  if (mem >= 0) ::close(mem);
  return idle;
}

}  // namespace

nlohmann::json memory_inputs_to_json(const ProcessMemory& p) {
  nlohmann::json idle = nlohmann::json::array();
  for (const auto& [start, kb] : p.idle_stack_kb) idle.push_back({start, kb});
  return {{"pageKb", p.page_kb},
          {"threads", p.threads},
          {"stackPointers", p.stack_pointers},
          {"idleStackKb", idle}};
}

ProcessMemory recorded_process_memory(std::string_view smaps, std::string_view status,
                                      const nlohmann::json* inputs) {
  ProcessMemory p;
  p.vmas = parse_smaps(smaps);
  p.page_table_kb = parse_status_kb(status, "VmPTE").value_or(0);
  if (inputs == nullptr) return p;
  const auto number = [](const nlohmann::json& v) {
    if (!v.is_number_unsigned()) throw ParseError(1, "memory inputs: not a non-negative integer");
    return v.get<std::uint64_t>();
  };
  if (!inputs->is_object()) throw ParseError(1, "memory inputs: not a JSON object");
  if (const auto it = inputs->find("pageKb"); it != inputs->end()) p.page_kb = number(*it);
  if (const auto it = inputs->find("threads"); it != inputs->end()) {
    p.threads = static_cast<int>(std::min<std::uint64_t>(number(*it), 1u << 30));
  }
  if (const auto it = inputs->find("stackPointers"); it != inputs->end() && it->is_array()) {
    for (const auto& sp : *it) p.stack_pointers.push_back(number(sp));
  }
  if (const auto it = inputs->find("idleStackKb"); it != inputs->end() && it->is_array()) {
    for (const auto& pair : *it) {
      if (!pair.is_array() || pair.size() != 2) throw ParseError(1, "memory inputs: idleStackKb");
      p.idle_stack_kb[number(pair[0])] = number(pair[1]);
    }
  }
  return p;
}

ProcessMemory read_process_memory(pid_t pid, std::string* smaps_text, std::string* status_text,
                                  StackWait stack_wait) {
  const fs::path dir = fs::path("/proc") / std::to_string(pid);
  ProcessMemory p;
  p.page_kb = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) / 1024;
  p.stack_pointers =
      stack_pointers(pid, p.threads, stack_wait == StackWait::kNow ? 1 : kStackPointerTries);
  // The kernel lists a running process's mappings in parts, letting it run between them: a
  // mapping split or merged meanwhile can come out overlapping the one before it. Such a listing
  // is read again; when the mappings keep changing, the last listing is taken without the
  // mappings that overlap (what changed while it was read).
  const auto unreadable = [pid](const ParseError& e) {
    return ToolError("cannot read the memory map of pid " + std::to_string(pid) + ": " + e.what());
  };
  std::string smaps;
  for (int attempt = 1;; ++attempt) {
    smaps = read_proc(dir / "smaps");
    try {
      p.vmas = parse_smaps(smaps, attempt == kSmapsReads);
      break;
    } catch (const ParseError& e) {
      if (attempt == kSmapsReads) throw unreadable(e);
    }
  }
  const std::string status = read_proc(dir / "status");
  try {
    p.page_table_kb = parse_status_kb(status, "VmPTE").value_or(0);
    p.idle_stack_kb = idle_stack_kb(pid, p.vmas, p.stack_pointers);
  } catch (const ParseError& e) {
    throw unreadable(e);
  }
  if (smaps_text != nullptr) *smaps_text = smaps;
  if (status_text != nullptr) *status_text = status;
  return p;
}

void MemoryCollector::collect(const CollectRequest& request, Checkpoint& into) {
  // Memory only reported (a leak test's host, whose memory is its test runner's too): the summary
  // goes in the report, not the raw text it was read from (a third of a megabyte a checkpoint, in
  // every test's report folder), and no running thread is waited for.
  if (!request.memory_judged) {
    into.memory =
        classify_memory(read_process_memory(request.pid, nullptr, nullptr, StackWait::kNow));
    return;
  }
  std::string smaps, status;
  const ProcessMemory process = read_process_memory(request.pid, &smaps, &status);
  into.memory = classify_memory(process);
  into.raw.push_back(
      {"/proc/PID/smaps", save(request.raw_dir / (request.label + ".smaps.txt"), smaps)});
  into.raw.push_back(
      {"/proc/PID/status", save(request.raw_dir / (request.label + ".status.txt"), status)});
  // What the summary took from the process besides the two files (thread stacks), so that
  // `leakgate rejudge` classifies the same memory again.
  into.raw.push_back(
      {"memory inputs", save(request.raw_dir / (request.label + ".memory-inputs.json"),
                             memory_inputs_to_json(process).dump() + "\n")});
}

}  // namespace leakgate
