#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace leakgate {

// An accepted leak, checked in with its reason: findings on it are reported as suppressed, not
// failed. An entry that matches nothing in a run is reported as stale, so the list gets pruned.
struct KnownLeak {
  std::string scenario;  // a scenario name, or "*" for every scenario
  std::string type;      // a type key (as in baselines) or a memory category
  std::string reason;
  std::size_t index = 0;  // position in the file, for messages
};

// <baselines_dir>/known-leaks.json; empty when the file does not exist. InputError on bad input.
std::vector<KnownLeak> load_known_leaks(const std::filesystem::path& baselines_dir);
// The same checks on a document already read (`file` is named in messages).
std::vector<KnownLeak> parse_known_leaks(const nlohmann::json& doc, const std::string& file);

// The entries that apply to `scenario` (its own and those for "*"); their indexes are added to
// `applicable`.
std::vector<KnownLeak> known_leaks_for(const std::vector<KnownLeak>& all,
                                       const std::string& scenario,
                                       std::set<std::size_t>& applicable);

// The applicable entries that no scenario used: stale, for the report.
std::vector<KnownLeak> stale_known_leaks(const std::vector<KnownLeak>& all,
                                         const std::set<std::size_t>& applicable,
                                         const std::set<std::size_t>& used);

}  // namespace leakgate
