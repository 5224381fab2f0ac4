#include "report/json_report.h"

#include <algorithm>
#include <cstdio>

#include "report/leak_json.h"
#include "report/memory_report.h"
#include "report/report_views.h"
#include "report/retention_json.h"

namespace leakgate {

using nlohmann::json;

namespace {

json number_or_null(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json finding_to_json(const Finding& f) {
  json j = {{"type", f.type},
            {"metric", f.metric},
            {"rule", f.rule},
            {"baseline", number_or_null(f.baseline)},
            {"actual", f.actual},
            {"warmup", f.warmup},
            {"growthPerIteration", f.growth_per_iteration},
            {"limit", number_or_null(f.limit)},
            {"kind", f.kind}};
  if (!f.names.empty()) j["names"] = f.names;
  if (!f.owner.empty()) j["owner"] = f.owner;
  if (!f.grown_mappings.empty()) {
    json grown = json::array();
    for (const auto& m : f.grown_mappings) {
      char range[48];
      std::snprintf(range, sizeof range, "%llx-%llx", static_cast<unsigned long long>(m.start),
                    static_cast<unsigned long long>(m.end));
      grown.push_back({{"mapping", m.mapping},
                       {"range", range},
                       {"kbWarmup", m.kb_before},
                       {"kbFinal", m.kb_after}});
    }
    j["grownMappings"] = grown;
  }
  if (!f.tolerance_source.empty()) j["toleranceSource"] = f.tolerance_source;
  // Of a regression: whether the excess was there from the warm-up on.
  if (const auto over = f.over_limit_at_warmup()) j["overLimitAtWarmup"] = *over;
  json points = json::array();
  for (const auto& [iteration, value] : f.points) {
    points.push_back({{"iteration", iteration}, {"value", value}});
  }
  j["points"] = points;
  if (f.retention) {
    j["retentionPaths"] = retention_paths_to_json(*f.retention);
    j["retention"] = retention_summary_to_json(*f.retention);
  }
  return j;
}

json checkpoint_to_json(const Checkpoint& c) {
  json j = {{"label", c.label},
            {"iteration", c.iteration},
            {"settle", c.settle_reply},
            {"settleRounds", c.settle_rounds},
            {"settledBy", c.settled_by}};
  if (c.gc_heap) {
    j["gcHeap"] = {{"heaps", c.gc_heap->heap_count},
                   {"allocatedBytes", c.gc_heap->allocated_bytes},
                   {"committedBytes", c.gc_heap->committed_bytes}};
  }
  if (c.heap) {
    std::vector<const TypeStat*> rows;
    for (const auto& t : c.heap->types) rows.push_back(&t);
    std::stable_sort(rows.begin(), rows.end(),
                     [](const TypeStat* a, const TypeStat* b) { return a->bytes > b->bytes; });
    json types = json::array();
    for (const auto* t : rows)
      types.push_back({{"type", t->type}, {"count", t->count}, {"bytes", t->bytes}});
    j["heap"] = {{"totalObjects", c.heap->total_objects},
                 {"totalBytes", c.heap->total_bytes},
                 {"types", types}};
  }
  if (c.memory) j["memory"] = memory_to_json(*c.memory, false);
  if (c.reconciliation) j["reconciliation"] = reconciliation_to_json(*c.reconciliation);
  json raw = json::array();
  for (const auto& r : c.raw) raw.push_back({{"label", r.label}, {"path", r.path}});
  j["raw"] = raw;
  return j;
}

json kept_dumps_to_json(const std::vector<KeptDump>& dumps) {
  json out = json::array();
  for (const auto& d : dumps) {
    out.push_back({{"checkpoint", d.checkpoint},
                   {"path", d.path},
                   {"bytes", d.bytes},
                   {"open", open_dump_command(d.path)}});
  }
  return out;
}

json scenario_to_json(const ScenarioResult& s) {
  json findings = json::array();
  for (const auto& f : s.findings) findings.push_back(finding_to_json(f));
  json checkpoints = json::array();
  for (const auto& c : s.checkpoints) checkpoints.push_back(checkpoint_to_json(c));
  json suppressed = json::array();
  for (const auto& x : s.suppressed) {
    json f = finding_to_json(x.finding);
    f["knownLeakReason"] = x.reason;
    suppressed.push_back(f);
  }
  json j = {{"name", s.name},
            {"description", s.description},
            {"verdict", to_string(s.verdict)},
            {"expected", to_string(s.expected)},
            {"met", s.met},
            {"findings", findings},
            {"suppressed", suppressed},
            {"iterations", s.iterations},
            {"hasBaseline", s.has_baseline},
            {"runtime", s.runtime.facts},
            {"notes", s.notes},
            {"info", s.info},
            {"checkpoints", checkpoints},
            {"rawOutput", s.report_subdir},
            {"keptDumps", kept_dumps_to_json(s.kept_dumps)},
            {"seconds", s.seconds}};
  leaks_to_json(s.leak_analysis, j);
  j["error"] = s.error ? json(*s.error) : json(nullptr);
  if (s.error_kind) j["errorKind"] = error_kind_name(*s.error_kind);
  return j;
}

}  // namespace

json aborted_report_json(const std::string& kind, const std::string& message, int exit_code) {
  return {{"schemaVersion", 1},
          {"leakgate", {{"version", LEAKGATE_VERSION}}},
          {"tools", json::object()},
          {"seconds", 0},
          {"aborted", {{"kind", kind}, {"message", message}}},
          {"summary",
           {{"scenarios", 0}, {"met", 0}, {"unmet", 0}, {"errors", 1}, {"exitCode", exit_code}}},
          {"scenarios", json::array()},
          {"staleKnownLeaks", json::array()}};
}

json report_to_json(const RunResult& run, int exit_code) {
  json scenarios = json::array();
  int met = 0, errors = 0;
  for (const auto& s : run.scenarios) {
    scenarios.push_back(scenario_to_json(s));
    met += s.met ? 1 : 0;
    errors += s.verdict == Verdict::kError ? 1 : 0;
  }
  json stale = json::array();
  for (const auto& k : run.stale_known_leaks) {
    stale.push_back({{"scenario", k.scenario}, {"type", k.type}, {"reason", k.reason}});
  }
  return {{"schemaVersion", 1},
          {"leakgate", {{"version", LEAKGATE_VERSION}}},
          {"tools", run.tools},
          {"seconds", run.seconds},
          {"summary",
           {{"scenarios", run.scenarios.size()},
            {"met", met},
            {"unmet", static_cast<int>(run.scenarios.size()) - met},
            {"errors", errors},
            {"exitCode", exit_code}}},
          {"scenarios", scenarios},
          {"staleKnownLeaks", stale}};
}

}  // namespace leakgate
