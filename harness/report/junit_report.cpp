#include "report/junit_report.h"

#include <sstream>
#include <vector>

#include "common/json_reader.h"
#include "common/text_lines.h"
#include "report/leak_json.h"
#include "report/markup.h"
#include "report/report_views.h"

namespace leakgate {

using nlohmann::json;

namespace {

// What a CI page shows for a test case: at most this much (the full detail is in report.json).
constexpr std::size_t kMaxCaseText = std::size_t{8} * 1024;
constexpr std::size_t kMaxLine = 1000;  // a line longer than this is cut in the middle

// Lines as XML text (escaped), as many as fit in kMaxCaseText once escaped.
template <class Line>
std::string escaped_within(const std::vector<Line>& lines) {
  std::vector<std::string> escaped;
  escaped.reserve(lines.size());
  for (const auto& line : lines) escaped.push_back(escape_markup(shorten_middle(line, kMaxLine)));
  return bounded_lines(escaped, kMaxCaseText, "in report.json");
}

// The leaks first, then the findings not in a leak, cut at a line to kMaxCaseText.
std::vector<std::string> findings_lines(const json& s) {
  std::vector<std::string> lines;
  const LeakAnalysis analysis = leaks_from_json(s);
  for (const auto& leak : analysis.leaks) {
    for (auto& line : leak_text(leak)) lines.push_back(std::move(line));
  }
  for (const json* finding : ordered_findings(s)) {
    const json& f = *finding;
    if (string_or(f, "kind") == "managed" && in_a_leak(analysis, string_or(f, "type"))) continue;
    lines.push_back(describe_finding(f));
    for (const auto& line : retention_lines(f)) lines.push_back("    held by: " + line);
  }
  return lines;
}

std::string attr(const std::string& value) { return "\"" + escape_markup(value) + "\""; }

}  // namespace

std::string render_junit(const json& report) {
  int tests = 0, failures = 0, errors = 0;
  const json* aborted = aborted_of(report);
  if (aborted != nullptr) {
    ++tests;
    ++errors;
  }
  for (const auto& s : report.value("scenarios", json::array())) {
    ++tests;
    if (errored(s)) {
      ++errors;
    } else if (failed(s)) {
      ++failures;
    }
  }
  const std::string seconds = format_number(report.value("seconds", 0.0), 3);
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<testsuites name=\"leakgate\" tests=\"" << tests << "\" failures=\"" << failures
    << "\" errors=\"" << errors << "\" time=\"" << seconds << "\">\n";
  o << "  <testsuite name=\"leakgate\" tests=\"" << tests << "\" failures=\"" << failures
    << "\" errors=\"" << errors << "\" skipped=\"0\" time=\"" << seconds << "\">\n";
  o << "    <properties>\n";
  if (report.contains("leakgate")) {
    o << "      <property name=\"leakgate\" value="
      << attr(string_or(report["leakgate"], "version")) << "/>\n";
  }
  for (const auto& [tool, version] : tools_of(report).items()) {
    o << "      <property name=" << attr(tool) << " value=" << attr(version.get<std::string>())
      << "/>\n";
  }
  o << "    </properties>\n";
  if (aborted != nullptr) {
    const std::string message = aborted->value("message", "");
    o << "    <testcase classname=\"leakgate\" name=\"leakgate run\" time=\"0\">\n"
      << "      <error type=" << attr(aborted->value("kind", ""))
      << " message=" << attr(message.substr(0, message.find('\n'))) << ">" << escape_markup(message)
      << "</error>\n    </testcase>\n";
  }
  for (const auto& s : report.value("scenarios", json::array())) {
    const std::string name = string_or(s, "name", "?");
    o << "    <testcase classname=\"leakgate\" name=" << attr(name) << " time=\""
      << format_number(s.value("seconds", 0.0), 3) << "\">\n";
    const std::string outcome = outcome_of(s);
    if (errored(s)) {
      const std::string error = s.value("error", json()).is_string() ? s["error"].get<std::string>()
                                                                     : std::string("error");
      o << "      <error type=\"error\" message=" << attr(error.substr(0, error.find('\n'))) << ">"
        << escaped_within(text::split_lines(error)) << "</error>\n";
    } else if (failed(s)) {
      const std::string message =
          outcome == "canary caught nothing"
              ? "canary: the planted leak was not caught"
              : name + ": " + string_or(s, "verdict") + ", " +
                    std::to_string(s.value("findings", json::array()).size()) + " finding(s)";
      o << "      <failure type=" << attr(string_or(s, "verdict")) << " message=" << attr(message)
        << ">" << escaped_within(findings_lines(s)) << "</failure>\n";
    }
    std::vector<std::string> out{"expected " + string_or(s, "expected") + ", verdict " +
                                 string_or(s, "verdict") + " (" + outcome + ")"};
    if (!failed(s)) {
      for (auto& line : findings_lines(s)) out.push_back(std::move(line));
    }
    for (const auto& note : s.value("notes", json::array())) {
      out.push_back("note: " + note.get<std::string>());
    }
    o << "      <system-out>" << escaped_within(out) << "</system-out>\n";
    o << "    </testcase>\n";
  }
  o << "  </testsuite>\n</testsuites>\n";
  return o.str();
}

}  // namespace leakgate
