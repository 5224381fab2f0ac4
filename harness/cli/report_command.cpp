#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/errors.h"
#include "report/merge.h"
#include "report/report_files.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

// Each scenario's raw output (and kept dumps) goes along into the merged folder.
void copy_raw_output(const ShardReport& shard, const fs::path& out) {
  for (const auto& s : shard.report["scenarios"]) {
    const std::string sub = s.value("rawOutput", "");
    if (sub.empty()) continue;
    const fs::path from = shard.dir / sub;
    const fs::path to = out / sub;
    std::error_code ec;
    if (!fs::exists(from) || fs::equivalent(from, to, ec)) continue;
    fs::remove_all(to);
    fs::create_directories(to.parent_path());
    fs::copy(from, to, fs::copy_options::recursive);
  }
}

}  // namespace

int report_merge_command(const ReportMergeOptions& o) {
  if (o.inputs.empty()) throw UsageError("report merge: name at least one shard report folder");
  std::vector<ShardReport> shards;
  for (const auto& dir : o.inputs) shards.push_back(read_shard_report(dir));
  nlohmann::json merged = merge_reports(shards);
  const int code = exit_code_for(merged);
  merged["summary"]["exitCode"] = code;
  fs::create_directories(o.out);
  for (const auto& shard : shards) copy_raw_output(shard, o.out);
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
