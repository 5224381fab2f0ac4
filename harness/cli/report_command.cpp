#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/errors.h"
#include "report/merge.h"
#include "report/report_files.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

bool inside(const fs::path& path, const fs::path& folder) {
  const fs::path rel = path.lexically_relative(folder);
  return !rel.empty() && *rel.begin() != "..";
}

// Each scenario's raw output (and kept dumps) goes along into the merged folder: copied to
// <out>/<rawOutput>, or, when it already lies inside <out> (merging the per-test folders of a
// CTest run into their parent), left where it is. rawOutput and the kept dumps' paths are
// rewritten to where the files are now. Never deletes or overwrites an input folder.
void place_raw_output(ShardReport& shard, const fs::path& out,
                      const std::vector<fs::path>& inputs) {
  for (auto& s : shard.report["scenarios"]) {
    const std::string sub = s.value("rawOutput", "");
    if (sub.empty()) continue;
    const fs::path from = fs::weakly_canonical(shard.dir / sub);
    if (!fs::exists(from)) continue;
    fs::path to = out / sub;
    if (inside(from, out) || from == out) {
      to = from;
    } else {
      for (const auto& input : inputs) {
        if (to == input || inside(input, to)) {
          throw UsageError("report merge: copying " + from.string() + " to " + to.string() +
                           " would overwrite the input " + input.string() +
                           "; choose another --out");
        }
      }
      fs::remove_all(to);
      fs::create_directories(to.parent_path());
      fs::copy(from, to, fs::copy_options::recursive);
    }
    s["rawOutput"] = to.lexically_relative(out).generic_string();
    for (auto& d : s["keptDumps"]) {
      const fs::path dump = to / fs::path(d.value("path", "")).filename();
      d["path"] = dump.string();
      d["open"] = "dotnet-dump analyze '" + dump.string() + "'";
    }
  }
}

}  // namespace

int report_merge_command(const ReportMergeOptions& o) {
  if (o.inputs.empty()) throw UsageError("report merge: name at least one shard report folder");
  fs::create_directories(o.out);
  const fs::path out = fs::weakly_canonical(o.out);
  std::vector<fs::path> inputs;
  for (const auto& dir : o.inputs) inputs.push_back(fs::weakly_canonical(dir));
  std::vector<ShardReport> shards;
  for (const auto& dir : o.inputs) shards.push_back(read_shard_report(dir));
  nlohmann::json merged = merge_reports(shards);  // checks the shards before anything is copied
  for (auto& shard : shards) place_raw_output(shard, out, inputs);
  merged = merge_reports(shards);
  const int code = exit_code_for(merged);
  merged["summary"]["exitCode"] = code;
  write_report_files(o.out, merged);
  const auto& summary = merged["summary"];
  std::cout << "leakgate: merged " << shards.size()
            << " report(s): " << summary.value("scenarios", 0) << " scenario(s), "
            << summary.value("met", 0) << " as expected, " << summary.value("unmet", 0) << " not, "
            << summary.value("errors", 0) << " error(s); exit code " << code << "\n"
            << "report: " << (o.out / "report.json").string() << "\n";
  return code;
}

}  // namespace leakgate
