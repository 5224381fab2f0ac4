#include "report/report_views.h"

#include <algorithm>
#include <limits>
#include <map>

#include "common/json_reader.h"
#include "common/text_lines.h"
#include "model/type_key.h"
#include "report/markup.h"

namespace leakgate {

using nlohmann::json;

namespace {

std::string value_text(const json& v) {
  return v.is_number() ? format_number(v.get<double>(), 0) : std::string("-");
}

}  // namespace

const json* aborted_of(const json& report) {
  const auto it = report.find("aborted");
  return it != report.end() && it->is_object() ? &*it : nullptr;
}

std::string open_dump_command(const std::string& dump_path) {
  return "dotnet-dump analyze " + text::shell_quote(dump_path);
}

std::string owner_note(std::string_view owner) {
  if (owner == "native") return "  native memory: neither the GC nor the runtime holds it";
  if (owner == "runtime") return "  the runtime's memory: its code, loader and stub heaps";
  return "";
}

std::string excess_note(bool over_at_warmup, double warmup) {
  return over_at_warmup ? ", over it from the warm-up checkpoint on (" + format_number(warmup, 0) +
                              "): the footprint was larger from the start, not grown in the run"
                        : ", crossed it during the run (warm-up " + format_number(warmup, 0) + ")";
}

std::string describe_finding(const json& f) {
  std::string s = string_or(f, "type", "?") + "  " + string_or(f, "metric") + " ";
  if (string_or(f, "rule") == "growth") {
    s += value_text(f.value("warmup", json())) + " -> " + value_text(f.value("actual", json())) +
         " (+" + format_number(f.value("growthPerIteration", 0.0)) + "/iteration)";
  } else {
    s += value_text(f.value("actual", json())) + " (baseline " +
         value_text(f.value("baseline", json())) + ", limit " +
         value_text(f.value("limit", json())) + ")";
    const auto over = f.find("overLimitAtWarmup");
    if (over != f.end() && over->is_boolean()) {
      s += excess_note(over->get<bool>(), f.value("warmup", 0.0));
    }
  }
  return s + "  [" + string_or(f, "rule", "?") + "]" + owner_note(string_or(f, "owner"));
}

std::vector<const json*> ordered_findings(const json& s) {
  std::vector<const json*> out;
  const auto it = s.find("findings");
  if (it == s.end() || !it->is_array()) return out;
  // Depth of each type in the retention chains of all findings (the smallest seen).
  std::map<std::string, std::size_t> depth;
  for (const auto& f : *it) {
    for (const auto& path : f.value("retentionPaths", json::array())) {
      const auto& chain = path.value("chain", json::array());
      for (std::size_t i = 0; i < chain.size(); ++i) {
        const std::string type = chain[i].is_string() ? chain[i].get<std::string>() : "";
        const auto [d, added] = depth.emplace(type, i);
        if (!added) d->second = std::min(d->second, i);
      }
    }
  }
  const auto framework = [](const json* f) { return is_framework_type(f->value("type", "")); };
  const auto depth_of = [&](const json* f) {
    const auto d = depth.find(f->value("type", ""));
    return d == depth.end() ? std::numeric_limits<std::size_t>::max() : d->second;
  };
  for (const auto& f : *it) out.push_back(&f);
  std::stable_sort(out.begin(), out.end(), [&](const json* a, const json* b) {
    if (framework(a) != framework(b)) return !framework(a);
    return !framework(a) && depth_of(a) < depth_of(b);
  });
  return out;
}

const json* headline_finding(const json& s) {
  const auto ordered = ordered_findings(s);
  return ordered.empty() ? nullptr : ordered.front();
}

std::vector<std::string> retention_lines(const json& f) {
  std::vector<std::string> lines;
  const std::int64_t sampled = f.contains("retention") ? integer_or(f["retention"], "sampled") : 0;
  if (f.contains("retentionPaths")) {
    for (const auto& p : f["retentionPaths"]) {
      lines.push_back(string_or(p, "text") + "  (" + std::to_string(integer_or(p, "instances")) +
                      "/" + std::to_string(sampled) + " sampled)");
    }
  }
  if (lines.empty() && sampled > 0) {
    lines.push_back("gcroot found no root for any of the " + std::to_string(sampled) +
                    " sampled instances");
  }
  return lines;
}

const json& tools_of(const json& report) {
  static const json kNone = json::object();
  const auto it = report.find("tools");
  return it != report.end() && it->is_object() ? *it : kNone;
}

bool errored(const json& s) { return string_or(s, "verdict") == "error"; }

bool failed(const json& s) { return !bool_or(s, "met", false); }

std::string outcome_of(const json& s) {
  std::string verdict = string_or(s, "verdict", "error");
  const bool canary = string_or(s, "expected", "pass") == "leak";
  if (verdict == "error") return "error";
  if (canary) return bool_or(s, "met", false) ? "leak caught (canary)" : "canary caught nothing";
  return verdict;
}

}  // namespace leakgate
