#include "collect/retention_analyzer.h"

#include <algorithm>
#include <set>

#include "collect/gcroot_parser.h"
#include "collect/retention_grouping.h"
#include "collect/sos_session.h"
#include "common/errors.h"
#include "model/type_key.h"

namespace leakgate {

namespace fs = std::filesystem;

namespace {

std::string hex(std::uint64_t v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%llx", static_cast<unsigned long long>(v));
  return buffer;
}

// Evenly spread over the instances (the last included: the newest leaked ones).
std::vector<std::uint64_t> sample(const std::vector<std::uint64_t>& all, std::size_t n) {
  if (all.size() <= n) return all;
  std::vector<std::uint64_t> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(all[(all.size() - 1) * (i + 1) / n]);
  return out;
}

bool framework_module(const std::string& path) {
  return path.find("/shared/Microsoft.") != std::string::npos;
}

bool may_be_static(const std::vector<std::vector<RootPath>>& results) {
  for (const auto& paths : results) {
    for (const auto& p : paths) {
      if (p.root_kind.ends_with("handle") && p.chain.size() >= 2 &&
          p.chain[0].type == "System.Object[]") {
        return true;
      }
    }
  }
  return false;
}

// The static fields of the app's own modules, by the object they refer to.
std::map<std::uint64_t, StaticField> app_statics(const DotnetDumpCommand& tool,
                                                 const fs::path& dump, Deadline deadline,
                                                 const fs::path& raw_dir,
                                                 const std::string& label) {
  const auto modules = parse_dumpdomain_modules(run_sos_session(
      tool, dump, {"dumpdomain"}, deadline, raw_dir / (label + ".retention-dumpdomain.txt")));
  std::vector<std::string> commands;
  for (const auto& m : modules) {
    if (!framework_module(m.path)) commands.push_back("dumpmodule -mt " + hex(m.address));
  }
  if (commands.empty()) return {};
  const auto types = parse_dumpmodule_types(run_sos_session(
      tool, dump, commands, deadline, raw_dir / (label + ".retention-dumpmodule.txt")));
  commands.clear();
  for (const auto& t : types) commands.push_back("dumpclass " + hex(t.method_table));
  if (commands.empty()) return {};
  std::map<std::uint64_t, StaticField> statics;
  for (auto& s : parse_dumpclass_statics(run_sos_session(
           tool, dump, commands, deadline, raw_dir / (label + ".retention-dumpclass.txt")))) {
    statics.emplace(s.value, std::move(s));
  }
  return statics;
}

}  // namespace

std::map<std::string, Retention> analyze_retention(const DotnetDumpCommand& tool,
                                                   const fs::path& dump, const HeapStats& heap,
                                                   const std::vector<std::string>& type_keys,
                                                   const RetentionCaps& caps,
                                                   const fs::path& raw_dir,
                                                   const std::string& label) {
  const Deadline deadline = Deadline::after_seconds(caps.seconds);
  std::map<std::string, Retention> results;
  std::vector<std::string> keys = type_keys;
  std::vector<std::string> skipped;
  if (keys.size() > caps.max_types) {
    skipped.assign(keys.begin() + static_cast<std::ptrdiff_t>(caps.max_types), keys.end());
    keys.resize(caps.max_types);
  }
  // Method tables of each key, then every instance of them in one session.
  std::map<std::uint64_t, std::string> key_of_mt;
  std::vector<std::string> commands;
  for (const auto& row : heap.types) {
    const std::string key = type_key(row.type);
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) continue;
    key_of_mt[row.method_table] = key;
    commands.push_back("dumpheap -mt " + hex(row.method_table));
    results[key].type = key;
    results[key].instances += row.count;
  }
  if (commands.empty()) return results;
  std::map<std::string, std::vector<std::uint64_t>> instances;
  for (const auto& [address, mt] : parse_dumpheap_objects(run_sos_session(
           tool, dump, commands, deadline, raw_dir / (label + ".retention-dumpheap.txt")))) {
    if (const auto it = key_of_mt.find(mt); it != key_of_mt.end()) {
      instances[it->second].push_back(address);
    }
  }
  // gcroot on a sample of each type, all in one session (the root cache is built once).
  std::vector<std::pair<std::string, std::uint64_t>> samples;
  commands.clear();
  for (auto& [key, r] : results) {
    for (const auto address : sample(instances[key], caps.samples)) {
      samples.emplace_back(key, address);
      commands.push_back("gcroot " + hex(address));
    }
    r.sampled = static_cast<int>(std::min(instances[key].size(), caps.samples));
    if (instances[key].size() > caps.samples) {
      r.caps_hit.push_back("sampled " + std::to_string(caps.samples) + " of " +
                           std::to_string(instances[key].size()) + " instances");
    }
  }
  const auto paths = parse_gcroot_session(
      run_sos_session(tool, dump, commands, deadline, raw_dir / (label + ".retention-gcroot.txt")));
  const auto statics = may_be_static(paths) ? app_statics(tool, dump, deadline, raw_dir, label)
                                            : std::map<std::uint64_t, StaticField>{};
  std::map<std::string, std::vector<std::vector<RootPath>>> per_type;
  for (std::size_t i = 0; i < samples.size() && i < paths.size(); ++i) {
    per_type[samples[i].first].push_back(paths[i]);
  }
  for (auto& [key, r] : results) {
    r.groups = group_paths(per_type[key], statics, caps.max_hops);
    for (const auto& g : r.groups) {
      if (!g.shortest.chain.empty() && g.shortest.chain.front().type.starts_with("... ")) {
        r.caps_hit.push_back("paths cut to " + std::to_string(caps.max_hops) + " hops");
        break;
      }
    }
  }
  for (const auto& key : skipped) {
    results[key].type = key;
    results[key].caps_hit.push_back("not analysed: only the first " +
                                    std::to_string(caps.max_types) + " types are");
  }
  return results;
}

}  // namespace leakgate
