#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace leakgate::process_tree {

// The parent of a live process (from /proc/<pid>/stat), or nullopt when it is gone.
std::optional<pid_t> parent_of(pid_t pid);

// Whether `pid` is `ancestor` or one of its descendants (its parent chain reaches it).
bool descends_from(pid_t pid, pid_t ancestor);

// The real user id of a live process (/proc/<pid>/status), or nullopt when it is gone.
std::optional<uid_t> owner_of(pid_t pid);

// Parses the pid field of /proc/<pid>/stat's text: the field after the command name, which is in
// parentheses and may hold spaces and parentheses itself. nullopt on anything else.
std::optional<pid_t> parse_stat_ppid(const std::string& stat);

}  // namespace leakgate::process_tree
