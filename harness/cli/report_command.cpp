#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/report_scope.h"
#include "common/errors.h"
#include "process/interrupt.h"
#include "report/merge.h"
#include "report/report_files.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

bool inside(const fs::path& path, const fs::path& folder) {
  const fs::path rel = path.lexically_relative(folder);
  return !rel.empty() && *rel.begin() != ".." && rel != ".";
}

// Where a scenario's raw output goes in the merged folder: <out>/<rawOutput>, or nullopt when it
// already lies inside <out> (merging the per-test folders of a CTest run into their parent) and
// stays where it is. Throws when the copy would land outside <out> (a symbolic link inside it) or
// on an input folder: a merge never deletes or overwrites an input, and never touches anything
// outside <out> (parse_shard_report has confined every path to its own shard).
std::optional<fs::path> copy_target(const fs::path& from, const fs::path& out,
                                    const std::string& sub, const std::vector<fs::path>& inputs) {
  if (inside(from, out)) return std::nullopt;
  const fs::path to = fs::weakly_canonical(out / sub);
  if (!inside(to, out)) {
    throw UsageError("report merge: " + (out / sub).string() + " resolves to " + to.string() +
                     ", outside --out " + out.string() + " (a symbolic link?)");
  }
  for (const auto& input : inputs) {
    if (to == input || inside(input, to) || inside(to, input)) {
      throw UsageError("report merge: copying " + from.string() + " to " + to.string() +
                       " would overwrite the input " + input.string() + "; choose another --out");
    }
  }
  return to;
}

// Copies each scenario's raw output (and kept dumps) into the merged folder and rewrites
// rawOutput and the kept dumps' paths to where the files are now. With `dry_run`, only checks.
void place_raw_output(ShardReport& shard, const fs::path& out, const std::vector<fs::path>& inputs,
                      bool dry_run) {
  for (auto& s : shard.report.run.scenarios) {
    const std::string sub = s.report_subdir;
    if (sub.empty()) continue;
    const fs::path from = fs::weakly_canonical(shard.dir / sub);
    if (!fs::exists(from)) continue;
    const auto target = copy_target(from, out, sub, inputs);
    if (dry_run) continue;
    interrupt::check();
    const fs::path to = target.value_or(from);
    if (target) {
      fs::remove_all(to);
      fs::create_directories(to.parent_path());
      fs::copy(from, to, fs::copy_options::recursive);
    }
    s.report_subdir = to.lexically_relative(out).generic_string();
    for (auto& d : s.kept_dumps) d.path = (to / fs::path(d.path).filename()).string();
  }
}

}  // namespace

int write_merged(const ReportMergeOptions& o, std::vector<ShardReport>& shards, const fs::path& out,
                 const std::vector<fs::path>& inputs);

int report_merge_command(const ReportMergeOptions& o) {
  if (o.inputs.empty()) throw UsageError("report merge: name at least one shard report folder");
  const fs::path out = fs::weakly_canonical(fs::absolute(o.out));
  std::vector<fs::path> inputs;
  for (const auto& dir : o.inputs) {
    inputs.push_back(fs::weakly_canonical(fs::absolute(dir)));
    if (inputs.back() == out) {
      throw UsageError("report merge: --out " + o.out.string() + " is also an input (" +
                       dir.string() +
                       "); the merged report would overwrite it: choose another --out");
    }
  }
  std::vector<ShardReport> shards;
  for (const auto& dir : o.inputs) shards.push_back(read_shard_report(dir));
  (void)merge_reports(shards);  // checks the shards before anything is copied
  // Every copy is checked before the first file is touched.
  for (auto& shard : shards) place_raw_output(shard, out, inputs, true);
  fs::create_directories(o.out);
  return with_fresh_report(o.out, [&] { return write_merged(o, shards, out, inputs); });
}

int write_merged(const ReportMergeOptions& o, std::vector<ShardReport>& shards, const fs::path& out,
                 const std::vector<fs::path>& inputs) {
  for (auto& shard : shards) place_raw_output(shard, out, inputs, false);
  interrupt::check();
  RunReport merged = merge_reports(shards);
  // From each scenario's verdict, expectation and error kind, as `run` decides it.
  const int code = exit_code_for(merged.run);
  merged.exit_code = code;
  write_report_files(o.out, merged);
  std::cout << "leakgate: merged " << shards.size() << " report(s): " << merged.scenarios()
            << " scenario(s), " << merged.met() << " as expected, " << merged.unmet() << " not, "
            << merged.errors() << " error(s); exit code " << code << "\n"
            << "report: " << (o.out / "report.json").string() << "\n";
  return code;
}

}  // namespace leakgate
