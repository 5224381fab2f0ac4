#include "report/junit_report.h"

#include <sstream>
#include <vector>

#include "common/text_lines.h"
#include "report/markup.h"
#include "report/report_views.h"

namespace leakgate {

namespace {

// What a CI page shows for a test case: at most this much (the full detail is in report.json).
constexpr std::size_t kMaxCaseText = std::size_t{8} * 1024;
constexpr std::size_t kMaxFailureLine = 1000;  // a line longer than this is cut in the middle

// Lines as XML text (escaped), as many as fit in kMaxCaseText once escaped.
template <class Line>
std::string escaped_within(const std::vector<Line>& lines) {
  std::vector<std::string> escaped;
  escaped.reserve(lines.size());
  for (const auto& line : lines)
    escaped.push_back(escape_markup(shorten_middle(line, kMaxFailureLine)));
  return bounded_lines(escaped, kMaxCaseText, "in report.json");
}

// The leaks first, then the findings not in a leak, cut at a line to kMaxCaseText.
std::vector<std::string> findings_lines(const ScenarioResult& s) {
  std::vector<std::string> lines;
  for (const auto& leak : s.leak_analysis.leaks) {
    for (auto& line : leak_text(leak)) lines.push_back(std::move(line));
  }
  if (auto garbage = render_unreachable(s.leak_analysis); !garbage.empty()) {
    lines.push_back(std::move(garbage));
  }
  for (const Finding* f : findings_outside_leaks(s)) {
    lines.push_back(describe_finding(*f));
    for (const auto& line : retention_lines(*f)) lines.push_back("    held by: " + line);
  }
  return lines;
}

std::string attr(const std::string& value) { return "\"" + escape_markup(value) + "\""; }

}  // namespace

std::string render_junit(const RunReport& report) {
  const int tests = report.scenarios() + (report.aborted ? 1 : 0);
  const int errors = report.errors() + (report.aborted ? 1 : 0);
  const int failures = report.unmet() - report.errors();
  const std::string seconds = format_number(report.run.seconds, 3);
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<testsuites name=\"leakgate\" tests=\"" << tests << "\" failures=\"" << failures
    << "\" errors=\"" << errors << "\" time=\"" << seconds << "\">\n";
  o << "  <testsuite name=\"leakgate\" tests=\"" << tests << "\" failures=\"" << failures
    << "\" errors=\"" << errors << "\" skipped=\"0\" time=\"" << seconds << "\">\n";
  o << "    <properties>\n";
  o << "      <property name=\"leakgate\" value=" << attr(report.leakgate_version) << "/>\n";
  for (const auto& [tool, version] : report.run.tools) {
    o << "      <property name=" << attr(tool) << " value=" << attr(version) << "/>\n";
  }
  o << "    </properties>\n";
  if (report.aborted) {
    const std::string& message = report.aborted->message;
    o << "    <testcase classname=\"leakgate\" name=\"leakgate run\" time=\"0\">\n"
      << "      <error type=" << attr(report.aborted->kind)
      << " message=" << attr(message.substr(0, message.find('\n'))) << ">" << escape_markup(message)
      << "</error>\n    </testcase>\n";
  }
  for (const auto& s : report.run.scenarios) {
    o << "    <testcase classname=\"leakgate\" name=" << attr(s.name) << " time=\""
      << format_number(s.seconds, 3) << "\">\n";
    const std::string outcome = outcome_of(s);
    const std::string verdict = to_string(s.verdict);
    if (errored(s)) {
      const std::string error = s.error.value_or("error");
      o << "      <error type=\"error\" message=" << attr(error.substr(0, error.find('\n'))) << ">"
        << escaped_within(text::split_lines(error)) << "</error>\n";
    } else if (failed(s)) {
      const std::string message =
          s.expected == Expectation::kLeak
              ? "canary: the planted leak was not caught"
              : s.name + ": " + verdict + ", " + std::to_string(s.findings.size()) + " finding(s)";
      o << "      <failure type=" << attr(verdict) << " message=" << attr(message) << ">"
        << escaped_within(findings_lines(s)) << "</failure>\n";
    }
    std::string heading = "expected " + to_string(s.expected);
    heading.append(", verdict ").append(verdict).append(" (").append(outcome).append(")");
    std::vector<std::string> out{std::move(heading)};
    if (!failed(s)) {
      for (auto& line : findings_lines(s)) out.push_back(std::move(line));
    }
    for (const auto& note : s.notes) out.push_back("note: " + note);
    o << "      <system-out>" << escaped_within(out) << "</system-out>\n";
    o << "    </testcase>\n";
  }
  o << "  </testsuite>\n</testsuites>\n";
  return o.str();
}

}  // namespace leakgate
