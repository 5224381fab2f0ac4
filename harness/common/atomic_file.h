#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace leakgate {

// Writes `content` to a temporary file beside `target`, flushes it to disk and renames it over
// `target`: readers see the old file or the new one, never half of one. Throws ToolError on an
// I/O failure (and leaves `target` as it was).
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

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
