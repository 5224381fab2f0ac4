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
            {"metric", to_string(f.metric)},
            {"rule", to_string(f.rule)},
            {"baseline", number_or_null(f.baseline)},
            {"actual", f.actual},
            {"warmup", f.warmup},
            {"growthPerIteration", f.growth_per_iteration},
            {"limit", number_or_null(f.limit)},
            {"kind", to_string(f.kind)}};
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
  json runtime = json::object();
  for (const auto& [key, value] : s.runtime.facts) runtime[key] = value;
  json j = {{"name", s.name},
            {"description", s.description},
            {"verdict", to_string(s.verdict)},
            {"expected", to_string(s.expected)},
            {"met", s.met},
            {"findings", findings},
            {"suppressed", suppressed},
            {"iterations", s.iterations},
            {"hasBaseline", s.has_baseline},
            {"runtime", runtime},
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

json report_to_json(const RunReport& report) {
  json scenarios = json::array();
  for (const auto& s : report.run.scenarios) scenarios.push_back(scenario_to_json(s));
  json stale = json::array();
  for (const auto& k : report.run.stale_known_leaks) {
    stale.push_back({{"scenario", k.scenario}, {"type", k.type}, {"reason", k.reason}});
  }
  json j = {{"schemaVersion", kReportSchemaVersion},
            {"leakgate", {{"version", report.leakgate_version}}},
            {"tools", report.run.tools},
            {"seconds", report.run.seconds}};
  if (report.aborted) {
    j["aborted"] = {{"kind", report.aborted->kind}, {"message", report.aborted->message}};
  }
  if (report.merged_from > 0) j["mergedFrom"] = report.merged_from;
  j["summary"] = {{"scenarios", report.scenarios()},
                  {"met", report.met()},
                  {"unmet", report.unmet()},
                  {"errors", report.errors() + (report.aborted ? 1 : 0)},
                  {"exitCode", report.exit_code}};
  j["scenarios"] = std::move(scenarios);
  j["staleKnownLeaks"] = std::move(stale);
  if (const auto& u = report.baseline_update) {
    j["baselineUpdate"] = {{"status", u->status}, {"written", u->written}};
    if (!u->error.empty()) j["baselineUpdate"]["error"] = u->error;
  }
  return j;
}

}  // namespace leakgate
