#include "report/report_views.h"

#include <cstdio>

#include "common/text_lines.h"
#include "report/markup.h"

namespace leakgate {

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

std::string describe_finding(const Finding& f) {
  char growth[64];
  std::snprintf(growth, sizeof growth, "%+.2f", f.growth_per_iteration);
  std::string line = f.type + "  " + to_string(f.metric) + " " + format_number(f.warmup, 0) +
                     " -> " + format_number(f.actual, 0) + " (" + growth + "/iteration)";
  if (f.rule == FindingRule::kBaseline) {
    line += ", baseline " + (f.baseline ? format_number(*f.baseline, 0) : std::string("-")) +
            ", limit " + (f.limit ? format_number(*f.limit, 0) : std::string("-"));
    if (const auto over = f.over_limit_at_warmup()) line += excess_note(*over, f.warmup);
  }
  return line + "  [" + to_string(f.rule) + "]" + owner_note(f.owner);
}

std::vector<std::string> retention_lines(const Finding& f) {
  std::vector<std::string> lines;
  if (!f.retention) return lines;
  const int sampled = f.retention->sampled;
  for (const auto& g : f.retention->groups) {
    lines.push_back((g.text.empty() ? render_path(g.shortest) : g.text) + "  (" +
                    std::to_string(g.instances) + "/" + std::to_string(sampled) + " sampled)");
  }
  if (lines.empty() && sampled > 0) {
    lines.push_back("no root found for any of the " + std::to_string(sampled) +
                    " sampled instances (see docs/retention.md)");
  }
  return lines;
}

}  // namespace leakgate
