// report.json read back into the model (json_report.h: report_from_json).
#include <charconv>
#include <functional>
#include <limits>

#include "common/errors.h"
#include "common/json_reader.h"
#include "report/checkpoint_reader.h"
#include "report/json_report.h"
#include "report/leak_json.h"
#include "report/retention_json.h"

namespace leakgate {

using nlohmann::json;

namespace {

using report_json::count;
using report_json::each;
using report_json::number;
using report_json::string_at;

std::optional<double> nullable_number(JsonObjectReader& r, const std::string& key) {
  if (r.has(key) && r.value().at(key).is_null()) {
    r.accept(key);
    return std::nullopt;
  }
  return r.optional_number(key, std::numeric_limits<double>::lowest(),
                           std::numeric_limits<double>::max());
}

template <class E>
E enum_field(JsonObjectReader& r, const std::string& key, E fallback,
             bool (*parse)(std::string_view, E&)) {
  const auto name = r.optional_string(key);
  if (!name) return fallback;
  E value = fallback;
  if (!parse(*name, value)) r.fail(key, "\"" + *name + "\" is not a value this leakgate knows");
  return value;
}

bool parse_verdict(std::string_view name, Verdict& out) {
  for (Verdict v : {Verdict::kPass, Verdict::kLeak, Verdict::kRegression, Verdict::kError}) {
    if (name == to_string(v)) {
      out = v;
      return true;
    }
  }
  return false;
}

bool parse_expectation(std::string_view name, Expectation& out) {
  if (name != "pass" && name != "leak") return false;
  out = name == "leak" ? Expectation::kLeak : Expectation::kPass;
  return true;
}

bool parse_error_kind_view(std::string_view name, ErrorKind& out) {
  return parse_error_kind(std::string(name), out);
}

MappingGrowth grown_mapping_from(JsonObjectReader r) {
  MappingGrowth m;
  m.mapping = string_at(r, "mapping");
  const std::string range = string_at(r, "range");
  if (!range.empty()) {
    const char* const last = range.data() + range.size();
    const auto [dash, ok] = std::from_chars(range.data(), last, m.start, 16);
    const auto [rest, ok_end] = ok == std::errc() && dash != last && *dash == '-'
                                    ? std::from_chars(dash + 1, last, m.end, 16)
                                    : std::from_chars_result{dash, std::errc::invalid_argument};
    if (ok_end != std::errc() || rest != last) {
      r.fail("range", "expected \"start-end\" in hexadecimal");
    }
  }
  m.kb_before = count(r, "kbWarmup");
  m.kb_after = count(r, "kbFinal");
  return m;
}

Finding finding_from(JsonObjectReader r) {
  Finding f;
  f.type = string_at(r, "type");
  f.metric = enum_field(r, "metric", Metric::kInstances, parse_metric);
  f.rule = enum_field(r, "rule", FindingRule::kGrowth, parse_finding_rule);
  f.kind = enum_field(r, "kind", FindingKind::kManaged, parse_finding_kind);
  f.baseline = nullable_number(r, "baseline");
  f.limit = nullable_number(r, "limit");
  f.warmup = number(r, "warmup");
  f.actual = number(r, "actual");
  f.growth_per_iteration = number(r, "growthPerIteration");
  f.owner = string_at(r, "owner");
  if (r.has("names")) f.names = r.string_array("names", true);
  f.tolerance_source = string_at(r, "toleranceSource");
  each(r, "points", [&](JsonObjectReader p) {
    const auto iteration = p.optional_integer("iteration", 0, std::numeric_limits<int>::max());
    f.points.emplace_back(static_cast<int>(iteration.value_or(0)), number(p, "value"));
  });
  each(r, "grownMappings",
       [&](JsonObjectReader m) { f.grown_mappings.push_back(grown_mapping_from(std::move(m))); });
  if (r.has("retention") || r.has("retentionPaths")) {
    r.optional_object("retention");
    r.optional_array("retentionPaths");
    f.retention = retention_from_json(r.value());
  }
  return f;
}

KeptDump kept_dump_from(JsonObjectReader r) {
  return {string_at(r, "checkpoint"), string_at(r, "path"), count(r, "bytes")};
}

ScenarioResult scenario_from(JsonObjectReader r) {
  ScenarioResult s;
  s.name = r.string("name");
  if (s.name.empty()) r.fail("name", "expected a non-empty string");
  s.description = string_at(r, "description");
  s.verdict = enum_field(r, "verdict", Verdict::kError, parse_verdict);
  s.expected = enum_field(r, "expected", Expectation::kPass, parse_expectation);
  s.met = r.optional_bool("met").value_or(false);
  each(r, "findings",
       [&](JsonObjectReader f) { s.findings.push_back(finding_from(std::move(f))); });
  each(r, "suppressed", [&](JsonObjectReader f) {
    std::string reason = string_at(f, "knownLeakReason");
    s.suppressed.push_back({finding_from(std::move(f)), std::move(reason)});
  });
  s.iterations = static_cast<int>(
      r.optional_integer("iterations", 0, std::numeric_limits<int>::max()).value_or(0));
  s.has_baseline = r.optional_bool("hasBaseline").value_or(false);
  if (auto runtime = r.optional_object("runtime")) {
    for (const auto& [key, value] : runtime->value().items()) {
      s.runtime.facts[key] = runtime->string(key);
    }
  }
  if (r.has("notes")) s.notes = r.string_array("notes", true);
  if (r.has("info")) s.info = r.string_array("info", true);
  each(r, "checkpoints",
       [&](JsonObjectReader c) { s.checkpoints.push_back(checkpoint_from_json(std::move(c))); });
  s.report_subdir = string_at(r, "rawOutput");
  each(r, "keptDumps",
       [&](JsonObjectReader d) { s.kept_dumps.push_back(kept_dump_from(std::move(d))); });
  s.seconds = number(r, "seconds");
  for (const char* key : {"leaks", "moreLeaks", "minorPlaces", "unreachable"}) r.accept(key);
  if (r.has("leaks")) r.optional_array("leaks");
  if (r.has("unreachable")) r.optional_array("unreachable");
  s.leak_analysis = leaks_from_json(r.value());
  if (r.has("error") && !r.value().at("error").is_null()) s.error = r.string("error");
  if (r.has("errorKind")) {
    s.error_kind = enum_field(r, "errorKind", ErrorKind::kTool, parse_error_kind_view);
  }
  return s;
}

}  // namespace

RunReport report_from_json(const json& doc, const std::string& file) {
  JsonObjectReader r(doc, file, "");
  const auto version = r.optional_integer("schemaVersion", std::numeric_limits<int>::min(),
                                          std::numeric_limits<int>::max());
  if (!version) r.fail("schemaVersion", "not a leakgate report: no schemaVersion");
  if (*version != kReportSchemaVersion) {
    r.fail("schemaVersion", "report schema " + std::to_string(*version) + " (this leakgate reads " +
                                std::to_string(kReportSchemaVersion) + ")");
  }
  if (!r.has("scenarios") || !r.value().at("scenarios").is_array()) {
    r.fail("scenarios", "not a leakgate report: no scenarios array");
  }
  RunReport report;
  if (auto version_of = r.optional_object("leakgate")) {
    report.leakgate_version = version_of->optional_string("version").value_or("");
  }
  if (auto tools = r.optional_object("tools")) {
    for (const auto& [tool, v] : tools->value().items())
      report.run.tools[tool] = tools->string(tool);
  }
  report.run.seconds = number(r, "seconds");
  if (auto aborted = r.optional_object("aborted")) {
    report.aborted = AbortedRun{string_at(*aborted, "kind"), string_at(*aborted, "message")};
  }
  report.merged_from = static_cast<int>(
      r.optional_integer("mergedFrom", 0, std::numeric_limits<int>::max()).value_or(0));
  if (auto summary = r.optional_object("summary")) {
    report.exit_code = static_cast<int>(summary->optional_integer("exitCode", 0, 255).value_or(0));
  }
  each(r, "scenarios",
       [&](JsonObjectReader s) { report.run.scenarios.push_back(scenario_from(std::move(s))); });
  each(r, "staleKnownLeaks", [&](JsonObjectReader k) {
    report.run.stale_known_leaks.push_back(
        {string_at(k, "scenario"), string_at(k, "type"), string_at(k, "reason")});
  });
  if (auto update = r.optional_object("baselineUpdate")) {
    BaselineUpdate u;
    u.status = string_at(*update, "status");
    if (update->has("written")) u.written = update->string_array("written", true);
    u.error = string_at(*update, "error");
    report.baseline_update = std::move(u);
  }
  return report;
}

}  // namespace leakgate
