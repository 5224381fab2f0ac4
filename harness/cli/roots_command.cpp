#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/live_dump.h"
#include "collect/retention_analyzer.h"
#include "collect/sos_parsers.h"
#include "collect/sos_session.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "model/type_key.h"
#include "report/retention_json.h"

namespace leakgate {

namespace {

// Exact name or key first; otherwise every type whose name contains NAME (as dumpheap -type).
std::vector<std::string> matching_keys(const HeapStats& heap, const std::string& name) {
  std::vector<std::string> exact, partial;
  for (const auto& t : heap.types) {
    const std::string key = type_key(t.type);
    if (t.type == name || key == name)
      exact.push_back(key);
    else if (t.type.find(name) != std::string::npos)
      partial.push_back(key);
  }
  auto& chosen = exact.empty() ? partial : exact;
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

}  // namespace

int roots_command(const RootsOptions& o) {
  const LiveDump dump(o.pid, o.dotnet_dump);
  HeapStats heap;
  try {
    heap = parse_dumpheap_stat(run_sos_session(dump.tool(), dump.path(), {"dumpheap -stat"},
                                               Deadline(std::chrono::minutes(30)),
                                               dump.work_dir() / "stat.txt"));
  } catch (const ParseError& e) {
    throw ToolError(std::string("cannot read the SOS output: ") + e.what());
  }
  const auto keys = matching_keys(heap, o.type);
  if (keys.empty())
    throw UsageError("--type " + o.type + ": no such type on the heap of pid " +
                     std::to_string(o.pid));
  RetentionCaps caps;
  caps.samples = static_cast<std::size_t>(o.max);
  const auto results =
      analyze_retention(dump.tool(), dump.path(), heap, keys, caps, dump.work_dir(), "roots");
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [key, r] : results) {
      nlohmann::json entry = retention_summary_to_json(r);
      entry["type"] = key;
      entry["retentionPaths"] = retention_paths_to_json(r);
      out.push_back(entry);
    }
    std::cout << dump_json(out, 2) << "\n";
    return kExitOk;
  }
  for (const auto& [key, r] : results) {
    std::cout << key << ": " << r.instances << " instance(s), " << r.sampled << " sampled\n";
    if (r.groups.empty() && r.sampled > 0)
      std::cout << "  no root holds the sampled instances (garbage not yet collected)\n";
    for (const auto& g : r.groups) {
      std::cout << "  " << g.instances << " x " << render_path(g.shortest) << "\n";
    }
    for (const auto& cap : r.caps_hit) std::cout << "  (cap: " << cap << ")\n";
  }
  return kExitOk;
}

}  // namespace leakgate
