#pragma once

#include <filesystem>
#include <string_view>

namespace leakgate {

// Writes `content` to a temporary file beside `target`, flushes it to disk and renames it over
// `target`: readers see the old file or the new one, never half of one. Throws ToolError on an
// I/O failure (and leaves `target` as it was).
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

}  // namespace leakgate
