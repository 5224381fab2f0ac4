#include "collect/sos_session.h"

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/text_lines.h"
#include "process/child_process.h"

namespace leakgate {

namespace {

// The raw output beside the report; a file that cannot be written (a full disk) fails the
// checkpoint rather than leaving a truncated record behind.
void save(const std::filesystem::path& file, const ToolRun& run,
          const std::vector<std::string>& argv) {
  std::string text = "$ " + render_argv(argv) + "\n" + run.out;
  if (!run.err.empty()) text += "\n--- stderr ---\n" + run.err;
  text += "\n--- " + (run.timed_out ? std::string("timed out") : run.status.describe()) + " ---\n";
  write_file_atomically(file, text, Durability::kRewrittenEachRun);
}

std::string failure_text(const ToolRun& run) {
  if (run.timed_out) return "timed out";
  std::string detail(text::trim(run.err.empty() ? run.out : run.err));
  if (detail.size() > 2000) detail = "..." + detail.substr(detail.size() - 2000);
  return run.status.describe() + (detail.empty() ? "" : ": " + detail);
}

}  // namespace

void collect_heap_dump(const DotnetDumpCommand& tool, int pid, const std::filesystem::path& dump,
                       Deadline deadline, const std::filesystem::path& raw_file,
                       const std::map<std::string, std::string>& env) {
  SpawnSpec spec;
  spec.cwd = tool.cwd;
  spec.env = env;
  spec.argv = tool.prefix;
  for (const char* a : {"collect", "-p"}) spec.argv.emplace_back(a);
  spec.argv.push_back(std::to_string(pid));
  for (const char* a : {"--type", "Heap", "-o"}) spec.argv.emplace_back(a);
  spec.argv.push_back(dump.string());
  const ToolRun run = run_to_completion(spec, deadline);
  save(raw_file, run, spec.argv);
  if (!run.status.success() || run.timed_out || !std::filesystem::exists(dump)) {
    throw ToolError("dotnet-dump collect of pid " + std::to_string(pid) +
                    " failed: " + failure_text(run));
  }
}

std::string run_sos_session(const DotnetDumpCommand& tool, const std::filesystem::path& dump,
                            const std::vector<std::string>& commands, Deadline deadline,
                            const std::filesystem::path& raw_file,
                            const std::map<std::string, std::string>& env) {
  SpawnSpec spec;
  spec.cwd = tool.cwd;
  spec.env = env;
  spec.argv = tool.prefix;
  spec.argv.emplace_back("analyze");
  spec.argv.push_back(dump.string());
  for (const auto& c : commands) {
    spec.argv.emplace_back("-c");
    spec.argv.push_back(c);
  }
  spec.argv.emplace_back("-c");
  spec.argv.emplace_back("exit");
  const ToolRun run = run_to_completion(spec, deadline);
  save(raw_file, run, spec.argv);
  if (run.timed_out || !run.status.success()) {
    throw ToolError("dotnet-dump analyze failed: " + failure_text(run) + " (output in " +
                    raw_file.string() + ")");
  }
  return run.out;
}

}  // namespace leakgate
