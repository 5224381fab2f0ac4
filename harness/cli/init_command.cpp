// leakgate init NAME -- ARGV...: a scenario for an app that knows nothing of leakgate, checked by
// one run, and the commands that come next.

#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/self_path.h"
#include "common/work_tree.h"
#include "scenario/manifest.h"
#include "scenario/scaffold.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

// The scenario schema beside an installed leakgate (PREFIX/share/leakgate/schemas) or in the
// source tree of a build (build/bin -> schemas).
std::optional<fs::path> find_schema() {
  const fs::path bin = leakgate_bin_dir();
  for (const fs::path& candidate :
       {bin / ".." / "share" / "leakgate" / "schemas" / "scenario.schema.json",
        bin / ".." / ".." / "schemas" / "scenario.schema.json"}) {
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return fs::weakly_canonical(candidate, ec);
  }
  return std::nullopt;
}

void check_name(const std::string& name) {
  const bool ok = !name.empty() && name[0] != '.' &&
                  name.find_first_not_of(
                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789._-") == std::string::npos;
  if (!ok) {
    throw UsageError("init: \"" + name +
                     "\" is not a scenario name (letters, digits, '.', '_', '-'; it names a "
                     "folder and a baseline file)");
  }
}

}  // namespace

int init_command(const InitOptions& o) {
  check_name(o.name);
  const fs::path dir = fs::absolute(o.scenarios_dir / o.name).lexically_normal();
  const fs::path file = dir / "scenario.json";
  std::error_code ec;
  if (fs::exists(file, ec)) {
    throw UsageError("init: " + file.string() +
                     " exists, and init never overwrites a scenario: edit it, or choose another "
                     "name");
  }
  ScaffoldRequest request;
  request.argv = o.argv;
  request.get_paths = o.get_paths;
  request.post_paths = o.post_paths;
  request.post_body = o.post_body;
  request.commands = o.commands;
  request.iterations = o.iterations;
  request.from = fs::current_path();
  request.scenario_dir = dir;
  request.schema = find_schema();
  const auto manifest = scaffold_manifest(request);
  const bool made_dir = !fs::exists(dir, ec);
  fs::create_directories(dir);
  write_file_atomically(file, manifest.dump(2) + "\n");
  try {
    load_manifest(dir);  // what the user gave may still be wrong (a folder that is not there)
  } catch (const InputError&) {
    fs::remove(file, ec);
    if (made_dir) fs::remove(dir, ec);
    throw;
  }
  std::cout << "wrote " << file.string() << "\n";
  int code = kExitOk;
  if (!o.no_run) {
    std::cout << "running it once to check it (leakgate run --scenario " << o.name << "):\n";
    std::cout.flush();
    RunOptions run = o.run;
    run.scenarios = {o.name};
    run.scenarios_dir = o.scenarios_dir;
    code = run_command(run);
  }
  const std::string s = o.scenarios_dir.string(), b = o.run.baselines_dir.string();
  std::cout << "\nnext:\n";
  if (code == kExitFailure) {
    std::cout << "  the run failed (above, and " << (o.run.report_dir / o.name).string()
              << "/): fix " << file.string() << ", then: leakgate run --scenario " << o.name
              << "\n";
  }
  std::cout << "  edit " << file.string()
            << " (the round trip, the warm-up, what a request sends and expects: "
               "scenarios/README.md)\n"
            << "  leakgate baseline update --scenario " << o.name << " --scenarios-dir " << s
            << " --baselines-dir " << b << "\n";
  if (in_git_work_tree(dir)) {
    std::cout << "  git add " << (o.scenarios_dir / o.name).string() << " "
              << (o.run.baselines_dir / (o.name + ".json")).string() << "\n";
  }
  return code;
}

}  // namespace leakgate
