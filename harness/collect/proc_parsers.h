#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakgate {

// One mapping of /proc/PID/smaps with the fields the memory summary uses (sizes in KiB).
struct Vma {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::string perms;  // "rw-p", "r-xp", "rw-s", ...
  std::uint64_t inode = 0;
  std::string path;  // file, "[heap]", "[stack]", "[vdso]", or empty for anonymous memory
  std::uint64_t size_kb = 0;
  std::uint64_t rss_kb = 0;
  std::uint64_t shared_clean_kb = 0;
  std::uint64_t shared_dirty_kb = 0;
  std::uint64_t private_clean_kb = 0;
  std::uint64_t private_dirty_kb = 0;
  std::uint64_t swap_kb = 0;

  bool shared_mapping() const { return perms.size() > 3 && perms[3] == 's'; }
  bool executable() const { return perms.size() > 2 && perms[2] == 'x'; }
  bool writable() const { return perms.size() > 1 && perms[1] == 'w'; }
};

// Pure parsers of /proc text. They throw ParseError naming the line on malformed input.

// /proc/PID/smaps: a header line per mapping ("start-end perms offset dev inode [path]") followed
// by "Field: N kB" lines. Unknown fields are skipped (kernels add them over time). Mappings come
// in address order without overlap; one that overlaps or precedes the one before it is an error,
// or, with `drop_overlaps` (a listing of a running process that changed its mappings while the
// kernel listed them), left out with its fields, counted in `*dropped` when given.
std::vector<Vma> parse_smaps(std::string_view text, bool drop_overlaps = false,
                             std::size_t* dropped = nullptr);

// A "Name:  N kB" field of /proc/PID/status (VmPTE, VmRSS, ...), or nullopt when absent.
std::optional<std::uint64_t> parse_status_kb(std::string_view status, std::string_view field);

// The stack pointer from /proc/PID/task/TID/syscall ("nr a1..a6 sp pc"), or nullopt when the
// thread was running ("running") or not in a system call ("-1 sp pc" gives the sp too).
std::optional<std::uint64_t> parse_syscall_stack_pointer(std::string_view text);

}  // namespace leakgate
