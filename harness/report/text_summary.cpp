#include "report/text_summary.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "report/memory_report.h"
#include "report/report_views.h"

namespace leakgate {

namespace {

constexpr std::size_t kFindingsShown = 10;

std::string fixed(double v, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string status_word(const ScenarioResult& s) {
  if (s.verdict == Verdict::kError) return "ERROR";
  return s.met ? "ok" : "FAIL";
}

void write_grown_mappings(std::ostream& out, const Finding& f) {
  if (f.grown_mappings.empty()) return;
  out << "      grew in:";
  for (std::size_t k = 0; k < f.grown_mappings.size(); ++k) {
    const MappingGrowth& m = f.grown_mappings[k];
    char start[24];
    std::snprintf(start, sizeof start, "%llx", static_cast<unsigned long long>(m.start));
    out << (k ? ";" : "") << " " << m.mapping
        << (m.mapping.starts_with('/') || m.mapping.starts_with('[') ? std::string()
                                                                     : std::string(" at ") + start)
        << " " << m.kb_before << " -> " << m.kb_after << " KB";
  }
  out << "\n";
}

void write_held_by(std::ostream& out, const Finding& f) {
  if (!f.retention) return;
  if (f.retention->groups.empty()) {
    if (f.retention->sampled > 0) {
      out << "      held by: " << retention_lines(f).front() << "\n";
    }
    return;
  }
  const RetentionGroup& g = f.retention->groups.front();
  out << "      held by: " << (g.text.empty() ? render_path(g.shortest) : g.text) << "  ("
      << g.instances << "/" << f.retention->sampled << " sampled";
  if (f.retention->groups.size() > 1) {
    out << "; " << f.retention->groups.size() - 1 << " more path(s) in report.json";
  }
  out << ")\n";
}

}  // namespace

void write_text_summary(std::ostream& out, const RunResult& run,
                        const std::filesystem::path& report_dir, bool colour) {
  std::size_t width = 8;
  for (const auto& s : run.scenarios) width = std::max(width, s.name.size() + 2);
  out << "leakgate: " << run.scenarios.size() << " scenario(s) in " << fixed(run.seconds, 1)
      << " s\n";
  for (const auto& s : run.scenarios) {
    const std::string word = pad(status_word(s), 6);
    const char* tint = s.verdict == Verdict::kError ? "\033[33m" : s.met ? "\033[32m" : "\033[31m";
    out << "  " << (colour ? tint + word + "\033[0m" : word) << pad(s.name, width)
        << pad(to_string(s.verdict), 11) << "expected " << pad(to_string(s.expected), 5) << "  "
        << s.findings.size() << " finding(s)  " << fixed(s.seconds, 1) << " s\n";
  }
  for (const auto& s : run.scenarios) {
    if (s.error) out << "\n" << s.name << ": " << *s.error << "\n";
    if (!s.findings.empty()) {
      const auto& leaks = s.leak_analysis.leaks;
      out << "\n" << s.name << ": ";
      if (!leaks.empty()) out << leaks.size() << " leak(s), ";
      out << s.findings.size() << " finding(s)"
          << (s.expected == Expectation::kLeak ? " (canary: a leak is expected)" : "") << "\n";
      for (const auto& leak : leaks) {
        for (const auto& line : leak_text(leak)) out << "  " << line << "\n";
      }
      if (const auto garbage = render_unreachable(s.leak_analysis); !garbage.empty()) {
        out << "  " << garbage << "\n";
      }
      std::size_t shown = 0, others = 0;
      for (const Finding* f : findings_outside_leaks(s)) {
        if (shown++ >= kFindingsShown) {
          ++others;
          continue;
        }
        out << "  " << describe_finding(*f) << "\n";
        write_grown_mappings(out, *f);
        write_held_by(out, *f);
      }
      if (others > 0) out << "  ... " << others << " more in report.json\n";
    }
    if (!s.checkpoints.empty() && s.checkpoints.back().memory) {
      const Checkpoint& last = s.checkpoints.back();
      out << "  memory (" << s.name << ", final): " << last.memory->grand_total().kbytes
          << " KB working set";
      if (last.reconciliation) {
        out << "; " << describe_reconciliation(*last.reconciliation);
      }
      out << "\n";
    }
    for (const auto& x : s.suppressed) {
      out << "  known leak (" << s.name << "): " << describe_finding(x.finding) << " -- "
          << x.reason << "\n";
    }
    for (const auto& note : s.notes) out << "  note (" << s.name << "): " << note << "\n";
    for (const auto& d : s.kept_dumps) {
      out << "  dump kept (" << s.name << ", " << d.checkpoint << "): " << open_dump_command(d.path)
          << "\n";
    }
  }
  for (const auto& k : run.stale_known_leaks) {
    out << "\nstale known leak (matched nothing; remove it from known-leaks.json): " << k.scenario
        << " / " << k.type << " (" << k.reason << ")\n";
  }
  out << "\nreport: " << (report_dir / "report.json").string() << "\n";
}

}  // namespace leakgate
