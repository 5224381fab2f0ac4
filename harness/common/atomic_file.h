#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace leakgate {

// Whether a file written is flushed to disk before it replaces its target. Either way readers see
// the old file or the new one, never half of one, if leakgate is killed meanwhile; kOnDisk also
// holds through a crash of the machine, at the cost of a wait for the disk (tens of ms when other
// files are still being written back): for what the user keeps (baselines, manifests), not for
// what every run writes again (reports, the raw files of checkpoints).
enum class Durability { kOnDisk, kRewrittenEachRun };

// Writes `content` to a temporary file beside `target` and renames it over `target`. Throws
// ToolError on an I/O failure (and leaves `target` as it was).
void write_file_atomically(const std::filesystem::path& target, std::string_view content,
                           Durability durability = Durability::kOnDisk);

struct FileContent {
  std::filesystem::path path;
  std::string content;
};

// Writes every file or none: each new content first goes to a temporary file beside its target
// (flushed to disk), then `before_commit` runs (it may throw to call the batch off), then each
// target is replaced by rename, then `after_commit` runs (it too may throw). When anything throws,
// the temporary files are removed, the targets already replaced get their previous content back
// (or are removed when they are new), and the exception propagates.
void write_files_atomically(const std::vector<FileContent>& files,
                            const std::function<void()>& before_commit = {},
                            const std::function<void()>& after_commit = {});

}  // namespace leakgate
