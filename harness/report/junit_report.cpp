#include "report/junit_report.h"

#include <sstream>

#include "common/json_reader.h"
#include "report/markup.h"
#include "report/report_views.h"

namespace leakgate {

using nlohmann::json;

namespace {

std::string findings_text(const json& s) {
  std::string text;
  for (const auto& f : s.value("findings", json::array())) {
    text += describe_finding(f) + "\n";
    for (const auto& line : retention_lines(f)) text += "    held by: " + line + "\n";
  }
  return text;
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
        << escape_markup(error) << "</error>\n";
    } else if (failed(s)) {
      const std::string message =
          outcome == "canary caught nothing"
              ? "canary: the planted leak was not caught"
              : name + ": " + string_or(s, "verdict") + ", " +
                    std::to_string(s.value("findings", json::array()).size()) + " finding(s)";
      o << "      <failure type=" << attr(string_or(s, "verdict")) << " message=" << attr(message)
        << ">" << escape_markup(findings_text(s)) << "</failure>\n";
    }
    std::string out = "expected " + string_or(s, "expected") + ", verdict " +
                      string_or(s, "verdict") + " (" + outcome + ")\n";
    if (!failed(s)) out += findings_text(s);
    for (const auto& note : s.value("notes", json::array())) {
      out += "note: " + note.get<std::string>() + "\n";
    }
    o << "      <system-out>" << escape_markup(out) << "</system-out>\n";
    o << "    </testcase>\n";
  }
  o << "  </testsuite>\n</testsuites>\n";
  return o.str();
}

}  // namespace leakgate
