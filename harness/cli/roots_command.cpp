#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.h"
#include "cli/engine_heap.h"
#include "cli/exit_codes.h"
#include "cli/live_dump.h"
#include "cli/reader_info.h"
#include "collect/engine_leaks.h"
#include "collect/engine_protocol.h"
#include "collect/retention_analyzer.h"
#include "collect/retention_grouping.h"
#include "collect/sos_parsers.h"
#include "collect/sos_session.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "model/type_key.h"
#include "report/leak_json.h"
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

UsageError no_such_type(const RootsOptions& o) {
  return UsageError("--type " + o.type + ": no such type on the heap of pid " +
                    std::to_string(o.pid));
}

// Another method table of the same type key: its instances and groups join the first's.
void merge_retention(Retention& into, Retention r) {
  if (into.type.empty()) {
    into = std::move(r);
    return;
  }
  into.instances += r.instances;
  into.sampled += r.sampled;
  into.unreachable += r.unreachable;
  for (auto& g : r.groups) {
    auto same = std::find_if(into.groups.begin(), into.groups.end(), [&](const RetentionGroup& h) {
      return h.fingerprint == g.fingerprint;
    });
    if (same == into.groups.end()) {
      into.groups.push_back(std::move(g));
    } else {
      same->instances += g.instances;
      if (g.shortest.chain.size() < same->shortest.chain.size()) same->shortest = g.shortest;
    }
  }
  std::stable_sort(
      into.groups.begin(), into.groups.end(),
      [](const RetentionGroup& a, const RetentionGroup& b) { return a.instances > b.instances; });
  into.caps_hit.insert(into.caps_hit.end(), r.caps_hit.begin(), r.caps_hit.end());
}

using RetentionByKey = std::map<std::string, Retention>;

struct RootsResult {
  RetentionByKey by_key;
  LeakAnalysis leaks;  // the heap engine's leak traces of the matching types (empty with SOS)
};

RootsResult roots_with_sos(const RootsOptions& o, nlohmann::json& reader) {
  reader = {{"reader", "sos"}, {"how", "from a heap dump, by SOS (dumpheap, gcroot on samples)"}};
  const LiveDump dump(o.pid, o.tools.dotnet_dump);
  HeapStats heap;
  try {
    heap = parse_dumpheap_stat(run_sos_session(dump.tool(), dump.path(), {"dumpheap -stat"},
                                               Deadline(std::chrono::minutes(30)),
                                               dump.work_dir() / "stat.txt"));
  } catch (const ParseError& e) {
    throw ToolError(std::string("cannot read the SOS output: ") + e.what());
  }
  const auto keys = matching_keys(heap, o.type);
  if (keys.empty()) throw no_such_type(o);
  RetentionCaps caps;
  caps.samples = static_cast<std::size_t>(o.max);
  return {analyze_retention(dump.tool(), dump.path(), heap, keys, caps, dump.work_dir(), "roots"),
          {}};
}

// Every instance of the matching types, from one walk and one search of the whole heap by the
// engine (kept by the engine for the leak traces that follow): it answers for every type whose name
// contains the part of --type before any '#' (a type key's placeholder), and the same matching as
// for SOS picks among those; the answers of one type key (a generic type has a method table per
// instantiation) are merged. Then the leak traces of those types, as a run prints them (the "leaks"
// op without a census: every instance is new).
RootsResult roots_with_engine(const RootsOptions& o, nlohmann::json& reader) {
  EngineHeap process(o.pid, o.tools);
  RootsResult out;
  try {
    const auto answer =
        process.request("roots", {{"typesContaining", o.type.substr(0, o.type.find('#'))},
                                  {"maxHops", RetentionCaps{}.max_hops},
                                  {"maxPaths", o.max},
                                  {"full", true}});
    reader = engine_reader(process, answer.body, "graph");
    std::vector<Retention> found = engine::parse_roots(answer.body);
    HeapStats names;
    for (const auto& r : found) names.types.push_back({0, r.type, r.instances, 0});
    const auto keys = matching_keys(names, o.type);
    if (keys.empty()) throw no_such_type(o);
    const std::set<std::string> wanted(keys.begin(), keys.end());
    nlohmann::json asked = nlohmann::json::array();
    for (Retention& r : found) {
      const std::string key = type_key(r.type);
      if (!wanted.contains(key)) continue;
      asked.push_back(r.type);
      for (auto& g : r.groups) g.fingerprint = path_fingerprint(g.shortest);
      merge_retention(out.by_key[key], std::move(r));
    }
    const auto leaks = process.request(
        // Any type asked for may head a trace, the framework's too: the developer named it.
        "leaks", {{"types", asked}, {"appTypes", asked}, {"maxHops", RetentionCaps{}.max_hops}});
    out.leaks = engine::parse_leaks(leaks.body);
    for (auto& leak : out.leaks.leaks) leak.one_heap = true;
  } catch (const ParseError& e) {
    throw ToolError(std::string("cannot read the heap engine's reply: ") + e.what());
  }
  return out;
}

}  // namespace

int roots_command(const RootsOptions& o) {
  nlohmann::json reader;
  const RootsResult found = o.tools.heap_reader == HeapReader::kSos ? roots_with_sos(o, reader)
                                                                    : roots_with_engine(o, reader);
  const RetentionByKey& results = found.by_key;
  if (o.json) {
    nlohmann::json types = nlohmann::json::array();
    for (const auto& [key, r] : results) {
      nlohmann::json entry = retention_summary_to_json(r);
      entry["type"] = key;
      entry["unreachable"] = r.unreachable;
      entry["retentionPaths"] = retention_paths_to_json(r);
      types.push_back(entry);
    }
    nlohmann::json out = {{"types", types}, {"reader", with_own_peak_rss(reader)}};
    leaks_to_json(found.leaks, out);
    std::cout << dump_json(out, 2) << "\n";
    return kExitOk;
  }
  // The leak traces first, as a run prints them; then every path of each type.
  for (const auto& leak : found.leaks.leaks) {
    for (const auto& line : leak_text(leak)) std::cout << line << "\n";
    std::cout << "\n";
  }
  for (const auto& [key, r] : results) {
    std::cout << key << ": " << r.instances << " instance(s), " << r.sampled << " analysed";
    if (r.unreachable > 0) {
      std::cout << ", " << r.unreachable << " held by no root (garbage not yet collected)";
    }
    std::cout << "\n";
    if (r.groups.empty() && r.sampled > 0 && r.unreachable == 0)
      std::cout << "  no root holds the sampled instances (garbage not yet collected)\n";
    for (const auto& g : r.groups) {
      std::cout << "  " << g.instances << " x " << render_path(g.shortest) << "\n";
    }
    for (const auto& cap : r.caps_hit) std::cout << "  (cap: " << cap << ")\n";
  }
  return kExitOk;
}

}  // namespace leakgate
