#include "report/html_report.h"

#include <cctype>
#include <optional>
#include <sstream>

#include "common/json_reader.h"
#include "report/markup.h"
#include "report/report_views.h"
#include "report/svg_chart.h"

namespace leakgate {

using nlohmann::json;

namespace {

constexpr std::size_t kChartedFindings = 8;

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}
th{background:#f4f4f4}code,pre{font-family:ui-monospace,monospace;font-size:12px}
pre{background:#f7f7f7;padding:8px;overflow-x:auto;white-space:pre-wrap}
.ok{color:#0a6b2d}.bad{color:#b00020}.warn{color:#8a5a00}
.badge{font-size:12px;padding:2px 8px;border-radius:10px;margin-left:8px;background:#eee}
.charts{display:flex;flex-wrap:wrap;gap:12px}.num{text-align:right}
)";

// The page's only script, allowed by its hash in the Content-Security-Policy (no inline script
// otherwise: nothing a report field holds can ever run). Changing the script means changing
// kSelfCheckHash: the base64 of the SHA-256 of exactly the text between the parentheses
// (`openssl dgst -sha256 -binary | base64`). The e2e test in headless Chromium fails when they
// disagree (the script does not run).
//
// Checks the charts after layout: every <svg class="chart"> has a size and its points.
constexpr const char* kSelfCheck = R"(
(function(){var charts=document.querySelectorAll('svg.chart'),drawn=0;
for(var i=0;i<charts.length;i++){var r=charts[i].getBoundingClientRect();
if(r.width>0&&r.height>0&&charts[i].querySelectorAll('circle').length>0)drawn++;}
document.body.setAttribute('data-charts',String(charts.length));
document.body.setAttribute('data-charts-drawn',String(drawn));
if(charts.length>0){var f=charts[0].getBoundingClientRect();
document.body.setAttribute('data-first-chart',charts[0].querySelector('title').textContent);
document.body.setAttribute('data-first-chart-bottom',String(Math.ceil(f.bottom+window.scrollY)));}})();
)";

constexpr const char* kSelfCheckHash = "P7UHuDkxLjasjHnAR8xV1vOAJ1rdNoJyHhfKBLleBdM=";

std::string css_class(const json& s) {
  if (errored(s)) return "warn";
  return failed(s) ? "bad" : "ok";
}

// A link to a file inside the report folder, or nullopt when `path` could lead anywhere else
// (absolute, "..", a scheme such as javascript:, a backslash). Each byte outside the URL's
// unreserved set is percent-encoded, so the browser reads the path as a path.
std::optional<std::string> relative_href(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string::npos) {
    return std::nullopt;
  }
  std::string href = "./";  // never read as a scheme, whatever the first segment holds
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const std::string segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
    for (char c : segment) {
      const auto u = static_cast<unsigned char>(c);
      if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
        href += c;
      } else {
        constexpr const char* kHex = "0123456789ABCDEF";
        href += '%';
        href += kHex[u >> 4];
        href += kHex[u & 15];
      }
    }
    if (end < path.size()) href += '/';
    start = end + 1;
  }
  return href;
}

std::string anchor(const std::string& name) {
  std::string id = "s-";
  for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return id;
}

std::string finding_chart(const json& f) {
  ChartSpec spec;
  const std::string metric = string_or(f, "metric");
  spec.title = string_or(f, "type", "?") + " (" + metric + ")";
  spec.x_label = "iteration";
  spec.y_label = metric;
  ChartSeries series;
  series.name = string_or(f, "type", "?");
  for (const auto& p : f.value("points", json::array())) {
    series.points.emplace_back(p.value("iteration", 0.0), p.value("value", 0.0));
  }
  spec.series.push_back(series);
  return render_line_chart(spec);
}

std::string memory_chart(const json& s) {
  ChartSpec spec;
  spec.title = "Memory summary: KiB above the warm-up checkpoint, per category";
  spec.x_label = "iteration";
  spec.y_label = "KiB";
  // Growth from the first checkpoint: categories differ by orders of magnitude in size, not in
  // what a leak adds to them.
  std::map<std::string, ChartSeries> by_category;
  std::map<std::string, double> first;
  for (const auto& cp : s.value("checkpoints", json::array())) {
    if (!cp.contains("memory") || !cp["memory"].contains("categories")) continue;
    for (const auto& [category, v] : cp["memory"]["categories"].items()) {
      auto& series = by_category[category];
      series.name = category;
      const double kb = v.value("kbytes", 0.0);
      first.emplace(category, kb);
      series.points.emplace_back(cp.value("iteration", 0.0), kb - first[category]);
    }
  }
  if (by_category.empty()) return "";
  for (auto& [name, series] : by_category) spec.series.push_back(std::move(series));
  spec.height = 260;
  spec.width = 720;
  return render_line_chart(spec);
}

void write_scenario(std::ostringstream& o, const json& s) {
  const std::string name = string_or(s, "name", "?");
  o << "<section id=\"" << anchor(name) << "\"><h2>" << escape_markup(name)
    << "<span class=\"badge " << css_class(s) << "\">" << escape_markup(outcome_of(s))
    << "</span></h2>\n";
  if (!string_or(s, "description").empty()) {
    o << "<p>" << escape_markup(string_or(s, "description")) << "</p>\n";
  }
  o << "<p>expected <b>" << escape_markup(string_or(s, "expected")) << "</b>, verdict <b>"
    << escape_markup(string_or(s, "verdict")) << "</b>, " << integer_or(s, "iterations")
    << " iterations, " << format_number(s.value("seconds", 0.0), 1) << " s</p>\n";
  if (s.value("error", json()).is_string()) {
    o << "<pre class=\"bad\">" << escape_markup(s["error"].get<std::string>()) << "</pre>\n";
  }
  const auto& notes = s.value("notes", json::array());
  if (!notes.empty()) {
    o << "<ul>";
    for (const auto& n : notes) o << "<li>" << escape_markup(n.get<std::string>()) << "</li>";
    o << "</ul>\n";
  }
  const auto& kept = s.value("keptDumps", json::array());
  if (!kept.empty()) {
    o << "<p>Heap dumps kept:</p><pre>";
    for (const auto& d : kept) o << escape_markup(string_or(d, "open")) << "\n";
    o << "</pre>\n";
  }
  const auto& findings = s.value("findings", json::array());
  if (!findings.empty()) {
    o << "<table><tr><th>type</th><th>metric</th><th>rule</th><th>warm-up</th><th>final</th>"
         "<th>baseline</th><th>growth / iteration</th></tr>\n";
    for (const json* finding : ordered_findings(s)) {
      const json& f = *finding;
      const auto num = [&](const char* key) {
        const json v = f.value(key, json());
        return v.is_number() ? format_number(v.get<double>()) : std::string("-");
      };
      o << "<tr><td><code>" << escape_markup(string_or(f, "type")) << "</code>";
      const auto lines = retention_lines(f);
      if (!lines.empty()) {
        o << "<details><summary>held by</summary><pre>";
        for (const auto& line : lines) o << escape_markup(line) << "\n";
        o << "</pre></details>";
      }
      o << "</td><td>" << escape_markup(string_or(f, "metric")) << "</td><td>"
        << escape_markup(string_or(f, "rule")) << "</td><td class=\"num\">" << num("warmup")
        << "</td><td class=\"num\">" << num("actual") << "</td><td class=\"num\">"
        << num("baseline") << "</td><td class=\"num\">" << num("growthPerIteration")
        << "</td></tr>\n";
    }
    o << "</table>\n";
  }
  o << "<div class=\"charts\">";
  const auto charted = ordered_findings(s);
  for (std::size_t i = 0; i < charted.size() && i < kChartedFindings; ++i) {
    o << finding_chart(*charted[i]);
  }
  o << memory_chart(s) << "</div>\n";
  // What the tools printed, next to this page (relative links: they work from the artifact too).
  const std::string sub = string_or(s, "rawOutput") + "/";
  std::string links;
  for (const auto& cp : s.value("checkpoints", json::array())) {
    for (const auto& raw : cp.value("raw", json::array())) {
      const std::string path = string_or(raw, "path");
      const auto href = relative_href(sub + path);
      links += ' ';
      if (href) links.append("<a href=\"").append(escape_markup(*href)).append("\">");
      links += escape_markup(path);
      if (href) links += "</a>";
    }
  }
  if (sub != "/" && !links.empty()) o << "<p>Raw output:" << links << "</p>\n";
  o << "</section>\n";
}

}  // namespace

std::string render_html(const json& report) {
  const json summary = report.value("summary", json::object());
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; script-src 'sha256-"
    << kSelfCheckHash << "'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
    << "<title>leakgate report</title><style>" << kStyle << "</style></head>\n<body>\n";
  o << "<h1>leakgate report</h1>\n<p>" << integer_or(summary, "scenarios") << " scenario(s), "
    << integer_or(summary, "met") << " as expected, " << integer_or(summary, "unmet") << " not, "
    << integer_or(summary, "errors") << " error(s); exit code " << integer_or(summary, "exitCode")
    << "; " << format_number(report.value("seconds", 0.0), 1) << " s.";
  for (const auto& [tool, version] : tools_of(report).items()) {
    o << " " << escape_markup(tool) << " " << escape_markup(version.get<std::string>()) << ".";
  }
  o << "</p>\n<table><tr><th>scenario</th><th>expected</th><th>outcome</th><th>findings</th>"
       "<th>time</th></tr>\n";
  for (const auto& s : report.value("scenarios", json::array())) {
    const std::string name = string_or(s, "name", "?");
    o << "<tr><td><a href=\"#" << anchor(name) << "\">" << escape_markup(name) << "</a></td><td>"
      << escape_markup(string_or(s, "expected")) << "</td><td class=\"" << css_class(s) << "\">"
      << escape_markup(outcome_of(s)) << "</td><td class=\"num\">"
      << s.value("findings", json::array()).size() << "</td><td class=\"num\">"
      << format_number(s.value("seconds", 0.0), 1) << " s</td></tr>\n";
  }
  o << "</table>\n";
  if (const json* aborted = aborted_of(report)) {
    o << "<h2 class=\"warn\">The run was aborted (" << escape_markup(aborted->value("kind", ""))
      << ")</h2>\n<pre class=\"bad\">" << escape_markup(aborted->value("message", ""))
      << "</pre>\n";
  }
  for (const auto& s : report.value("scenarios", json::array())) write_scenario(o, s);
  o << "<script>" << kSelfCheck << "</script>\n</body></html>\n";
  return o.str();
}

}  // namespace leakgate
