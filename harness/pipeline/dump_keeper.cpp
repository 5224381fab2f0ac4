#include "pipeline/dump_keeper.h"

#include <algorithm>
#include <vector>

namespace leakgate {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = std::uint64_t{1024} * 1024;

void DumpKeeper::keep(const fs::path& temp_dir, const fs::path& raw_dir, ScenarioResult& result) {
  const bool wanted =
      policy_ == KeepDumps::kAlways || (policy_ == KeepDumps::kOnFailure && !result.met);
  if (!wanted) return;
  std::vector<fs::path> dumps;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(temp_dir, ec)) {
    if (entry.path().extension() == ".dmp") dumps.push_back(entry.path());
  }
  std::sort(dumps.begin(), dumps.end());
  for (const auto& dump : dumps) {
    const std::uint64_t bytes = fs::file_size(dump, ec);
    if (ec) continue;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (used_bytes_ + bytes > budget_bytes_) {
        result.notes.push_back("dump " + dump.filename().string() + " (" +
                               std::to_string(bytes / kMiB) +
                               " MiB) not kept: the kept dumps of this run would exceed "
                               "--keep-dumps-max-mb (" +
                               std::to_string(budget_bytes_ / kMiB) + " MiB)");
        continue;
      }
      used_bytes_ += bytes;
    }
    const fs::path kept = raw_dir / dump.filename();
    fs::rename(dump, kept, ec);
    if (ec) {  // another file system: copy; the temp dir's owner deletes the original
      ec.clear();
      fs::copy_file(dump, kept, fs::copy_options::overwrite_existing, ec);
    }
    if (ec) {  // a full disk, say: the run goes on without this dump
      fs::remove(kept, ec);
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        used_bytes_ -= bytes;
      }
      result.notes.push_back("dump " + dump.filename().string() + " not kept: cannot move it to " +
                             raw_dir.string() + ": " + ec.message());
      continue;
    }
    fs::permissions(kept, fs::perms::owner_read | fs::perms::owner_write, ec);
    result.kept_dumps.push_back(
        {dump.stem().string(), fs::absolute(kept).lexically_normal().string(), bytes});
  }
}

}  // namespace leakgate
