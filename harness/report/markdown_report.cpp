#include "report/markdown_report.h"

#include <sstream>

#include "report/markup.h"
#include "report/report_views.h"

namespace leakgate {

using nlohmann::json;

namespace {

// Table cells: no pipes or line breaks; type names stay literal inside backticks.
std::string cell(std::string text) {
  for (char& c : text) {
    if (c == '|') c = '/';
    if (c == '\n') c = ' ';
  }
  return text;
}

const char* icon(const json& s) {
  if (errored(s)) return "⚠️";
  return failed(s) ? "❌" : "✅";
}

}  // namespace

std::string render_markdown(const json& report) {
  const json summary = report.value("summary", json::object());
  const int scenarios = summary.value("scenarios", 0);
  const int unmet = summary.value("unmet", 0);
  const int errors = summary.value("errors", 0);
  std::ostringstream o;
  o << "## leakgate: ";
  if (errors > 0) {
    o << "⚠️ " << errors << " of " << scenarios << " scenario(s) could not be judged";
  } else if (unmet > 0) {
    o << "❌ " << unmet << " of " << scenarios << " scenario(s) failed";
  } else {
    o << "✅ all " << scenarios << " scenario(s) as expected";
  }
  o << " (exit code " << summary.value("exitCode", 0) << ", "
    << format_number(report.value("seconds", 0.0), 1) << " s)\n\n";
  o << "| | scenario | expected | verdict | findings | time |\n|---|---|---|---|---|---|\n";
  for (const auto& s : report.value("scenarios", json::array())) {
    o << "| " << icon(s) << " | `" << cell(s.value("name", "")) << "` | " << s.value("expected", "")
      << " | " << cell(outcome_of(s)) << " | " << s.value("findings", json::array()).size() << " | "
      << format_number(s.value("seconds", 0.0), 1) << " s |\n";
  }
  for (const auto& s : report.value("scenarios", json::array())) {
    if (!failed(s)) continue;
    o << "\n### " << icon(s) << " `" << s.value("name", "") << "`: " << outcome_of(s) << "\n\n";
    if (errored(s) && s.value("error", json()).is_string()) {
      o << "```\n" << s["error"].get<std::string>() << "\n```\n";
    }
    for (const json* finding : ordered_findings(s)) {
      const json& f = *finding;
      o << "- `" << describe_finding(f) << "`\n";
      const auto lines = retention_lines(f);
      if (!lines.empty()) {
        o << "  <details><summary>held by</summary>\n\n  ```\n";
        for (const auto& line : lines) o << "  " << line << "\n";
        o << "  ```\n  </details>\n";
      }
    }
    for (const auto& note : s.value("notes", json::array())) {
      o << "- note: " << note.get<std::string>() << "\n";
    }
    for (const auto& d : s.value("keptDumps", json::array())) {
      o << "- dump kept (" << d.value("checkpoint", "") << "): `" << d.value("open", "") << "`\n";
    }
  }
  const auto canaries = [&] {
    std::string list;
    for (const auto& s : report.value("scenarios", json::array())) {
      if (s.value("expected", "") != "leak" || failed(s)) continue;
      list += "- `" + s.value("name", "") + "`: ";
      const json* headline = headline_finding(s);
      list += headline == nullptr ? std::string("caught") : describe_finding(*headline);
      list += "\n";
    }
    return list;
  }();
  if (!canaries.empty()) {
    o << "\n<details><summary>Canaries caught (planted leaks the gate must find)</summary>\n\n"
      << canaries << "\n</details>\n";
  }
  return o.str();
}

}  // namespace leakgate
