// leakgate check: every manifest, baseline and known-leaks file read and validated as a run
// would, nothing launched; every problem printed (not just the first), exit 2 if any.

#include <algorithm>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "baseline/baseline.h"
#include "baseline/known_leaks.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "scenario/manifest.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

// Runs `read`; an input error is a problem of its own, printed, and the check goes on.
template <typename Read>
bool check_one(Read read, std::vector<std::string>& problems) {
  try {
    read();
    return true;
  } catch (const InputError& e) {
    problems.emplace_back(e.what());
    return false;
  }
}

}  // namespace

int check_command(const CheckOptions& options) {
  std::vector<std::string> problems, warnings;
  std::set<std::string> names;
  int manifests = 0, baselines = 0;
  for (const auto& dir : find_scenarios(options.scenarios_dir)) {
    const std::string name = dir.filename().string();
    names.insert(name);
    manifests += check_one([&] { load_manifest(dir); }, problems);
    bool has_baseline = false;
    baselines += check_one(
        [&] { has_baseline = load_baseline(options.baselines_dir, name).has_value(); }, problems);
    if (!has_baseline) --baselines;
  }
  if (names.empty()) {
    warnings.push_back(options.scenarios_dir.string() +
                       ": no scenario folders (<name>/scenario.json) in it");
  }
  std::error_code ec;
  std::size_t known = 0;
  if (fs::is_directory(options.baselines_dir, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(options.baselines_dir))
      files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      if (file.extension() != ".json" || file.filename() == "known-leaks.json") continue;
      const std::string name = file.stem().string();
      if (names.contains(name)) continue;
      // A baseline without its scenario: read anyway (a bad file is a problem wherever it is).
      if (check_one([&] { baseline_from_json(read_json_file(file.string()), file.string()); },
                    problems)) {
        warnings.push_back(file.string() + ": no scenario \"" + name + "\" in " +
                           options.scenarios_dir.string() + " (a scenario removed or renamed?)");
      }
    }
    check_one(
        [&] {
          const auto entries = load_known_leaks(options.baselines_dir);
          known = entries.size();
          for (const auto& k : entries) {
            if (k.scenario != "*" && !names.contains(k.scenario)) {
              warnings.push_back((options.baselines_dir / "known-leaks.json").string() + ": /" +
                                 std::to_string(k.index) + "/scenario: no scenario \"" +
                                 k.scenario + "\" in " + options.scenarios_dir.string());
            }
          }
        },
        problems);
  } else {
    warnings.push_back(options.baselines_dir.string() +
                       ": no such folder: no baseline recorded yet (leakgate baseline update)");
  }
  for (const auto& w : warnings) std::cerr << "leakgate check: warning: " << w << "\n";
  for (const auto& p : problems) std::cerr << "leakgate check: " << p << "\n";
  std::cout << "checked " << names.size() << " scenario(s) in " << options.scenarios_dir.string()
            << ": " << manifests << " manifest(s) valid, " << baselines << " baseline(s) valid, "
            << known << " known leak(s); " << problems.size() << " problem(s)"
            << (warnings.empty() ? "" : ", " + std::to_string(warnings.size()) + " warning(s)")
            << "\n";
  return problems.empty() ? kExitOk : kExitBadInput;
}

}  // namespace leakgate
