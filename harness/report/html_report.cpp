#include "report/html_report.h"

#include <cctype>
#include <map>
#include <optional>
#include <sstream>

#include "report/html_leak_card.h"
#include "report/markup.h"
#include "report/report_views.h"
#include "report/svg_chart.h"
#include "verdict/leak_result.h"

namespace leakgate {

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
.leak{border:1px solid #e3b4b4;border-radius:6px;padding:4px 16px 12px;margin:16px 0;background:#fffafa}
.leak h3{font-size:16px;margin:10px 0 4px}.card{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.chain{list-style:none;padding:0;margin:8px 0}
.chain li{position:relative;margin:0 0 14px 18px;padding:3px 8px;border-left:3px solid #bbb;background:#f7f7f7}
.chain li:not(:last-child)::after{content:"\2193";position:absolute;left:-16px;bottom:-16px;color:#888}
.chain li.root{border-left-color:#555;background:#eee}.chain .kind{font-weight:600}
.chain li.suspect{border-left-color:#b00020;background:#fde7ea}
.chain li.head{border-left-color:#8a5a00}.chain .field{color:#555;font-family:ui-monospace,monospace;font-size:12px}
.chain .cut{color:#666;font-style:italic;background:none}
.tag{font-size:11px;color:#fff;background:#b00020;border-radius:8px;padding:1px 6px}
.suspect-ref code{background:#fde7ea}
)";

// The page's only script, allowed by its hash in the Content-Security-Policy (no inline script
// otherwise: nothing a report field holds can ever run). Changing the script means changing
// kSelfCheckHash: the base64 of the SHA-256 of exactly the text between the parentheses
// (`openssl dgst -sha256 -binary | base64`). The e2e test in headless Chromium fails when they
// disagree (the script does not run).
//
// Checks the page after layout: every <svg class="chart"> has a size and its points; every leak
// card draws its chain with exactly one suspect reference.
constexpr const char* kSelfCheck = R"(
(function(){var b=document.body,charts=document.querySelectorAll('svg.chart'),drawn=0;
for(var i=0;i<charts.length;i++){var r=charts[i].getBoundingClientRect();
if(r.width>0&&r.height>0&&charts[i].querySelectorAll('circle').length>0)drawn++;}
b.setAttribute('data-charts',String(charts.length));
b.setAttribute('data-charts-drawn',String(drawn));
if(charts.length>0){var f=charts[0].getBoundingClientRect();
b.setAttribute('data-first-chart',charts[0].querySelector('title').textContent);
b.setAttribute('data-first-chart-bottom',String(Math.ceil(f.bottom+window.scrollY)));}
var cards=document.querySelectorAll('article.leak'),good=0;
for(var k=0;k<cards.length;k++){var s=cards[k].querySelectorAll('ol.chain li.suspect');
if(s.length===1&&s[0].getBoundingClientRect().height>0)good++;}
b.setAttribute('data-leak-cards',String(cards.length));
b.setAttribute('data-leak-cards-drawn',String(good));
if(cards.length>0){var c=cards[0].getBoundingClientRect();
b.setAttribute('data-first-leak',cards[0].querySelector('h3 code').textContent);
b.setAttribute('data-first-leak-bottom',String(Math.ceil(c.bottom+window.scrollY)));}})();
)";

constexpr const char* kSelfCheckHash = "ftJMDyfFgALixoYxnm7jPD212GxV5ePRPjo/LQyZ24c=";

std::string css_class(const ScenarioResult& s) {
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

std::string memory_chart(const ScenarioResult& s) {
  ChartSpec spec;
  spec.title = "Memory summary: KiB above the warm-up checkpoint, per category";
  spec.x_label = "iteration";
  spec.y_label = "KiB";
  // Growth from the first checkpoint: categories differ by orders of magnitude in size, not in
  // what a leak adds to them.
  std::map<MemoryCategory, ChartSeries> by_category;
  std::map<MemoryCategory, double> first;
  for (const auto& cp : s.checkpoints) {
    if (!cp.memory) continue;
    for (auto category : kMemoryCategories) {
      auto& series = by_category[category];
      series.name = std::string(category_label(category));
      const auto kb = static_cast<double>(cp.memory->row(category).kbytes);
      first.emplace(category, kb);
      series.points.emplace_back(cp.iteration, kb - first[category]);
    }
  }
  if (by_category.empty()) return "";
  for (auto& [category, series] : by_category) spec.series.push_back(std::move(series));
  spec.height = 260;
  spec.width = 720;
  return render_line_chart(spec);
}

void write_findings_table(std::ostringstream& o, const ScenarioResult& s) {
  const auto ordered = reading_order(s);
  if (ordered.empty()) return;
  // Open when nothing above tells the findings (no leak card).
  o << "<details" << (s.leak_analysis.leaks.empty() ? " open" : "") << "><summary>"
    << ordered.size() << " finding(s)</summary>\n"
    << "<table><tr><th>type</th><th>metric</th><th>rule</th><th>warm-up</th><th>final</th>"
       "<th>baseline</th><th>growth / iteration</th></tr>\n";
  const auto num = [](const std::optional<double>& v) {
    return v ? format_number(*v) : std::string("-");
  };
  for (const Finding* finding : ordered) {
    const Finding& f = *finding;
    o << "<tr><td>" << html_type_name(f.type);
    const auto lines = retention_lines(f);
    if (!lines.empty()) {
      o << "<details><summary>held by</summary><pre>";
      for (const auto& line : lines) o << escape_markup(line) << "\n";
      o << "</pre></details>";
    }
    o << "</td><td>" << escape_markup(to_string(f.metric)) << "</td><td>"
      << escape_markup(to_string(f.rule)) << "</td><td class=\"num\">" << num(f.warmup)
      << "</td><td class=\"num\">" << num(f.actual) << "</td><td class=\"num\">" << num(f.baseline)
      << "</td><td class=\"num\">" << num(f.growth_per_iteration) << "</td></tr>\n";
  }
  o << "</table></details>\n";
}

void write_scenario(std::ostringstream& o, const ScenarioResult& s) {
  o << "<section id=\"" << anchor(s.name) << "\"><h2>" << escape_markup(s.name)
    << "<span class=\"badge " << css_class(s) << "\">" << escape_markup(outcome_of(s))
    << "</span></h2>\n";
  if (!s.description.empty()) o << "<p>" << escape_markup(s.description) << "</p>\n";
  o << "<p>expected <b>" << escape_markup(to_string(s.expected)) << "</b>, verdict <b>"
    << escape_markup(to_string(s.verdict)) << "</b>, " << s.iterations << " iterations, "
    << format_number(s.seconds, 1) << " s</p>\n";
  if (s.error) o << "<pre class=\"bad\">" << escape_markup(*s.error) << "</pre>\n";
  if (!s.notes.empty()) {
    o << "<ul>";
    for (const auto& n : s.notes) o << "<li>" << escape_markup(n) << "</li>";
    o << "</ul>\n";
  }
  if (!s.kept_dumps.empty()) {
    o << "<p>Heap dumps kept:</p><pre>";
    for (const auto& d : s.kept_dumps) o << escape_markup(open_dump_command(d.path)) << "\n";
    o << "</pre>\n";
  }
  for (const auto& leak : s.leak_analysis.leaks)
    o << html_leak_card(leak, managed_finding(s, leak.head));
  if (const auto garbage = render_unreachable(s.leak_analysis); !garbage.empty()) {
    o << "<p class=\"warn\">" << escape_markup(garbage) << "</p>\n";
  }
  write_findings_table(o, s);
  o << "<div class=\"charts\">";
  std::size_t charted = 0;
  for (const Finding* f : findings_outside_leaks(s)) {
    if (charted++ < kChartedFindings) o << finding_chart(*f);
  }
  o << memory_chart(s) << "</div>\n";
  // What the tools printed, next to this page (relative links: they work from the artifact too).
  const std::string sub = s.report_subdir + "/";
  std::string links;
  for (const auto& cp : s.checkpoints) {
    for (const auto& raw : cp.raw) {
      const auto href = relative_href(sub + raw.path);
      links += ' ';
      if (href) links.append("<a href=\"").append(escape_markup(*href)).append("\">");
      links += escape_markup(raw.path);
      if (href) links += "</a>";
    }
  }
  if (sub != "/" && !links.empty()) o << "<p>Raw output:" << links << "</p>\n";
  o << "</section>\n";
}

}  // namespace

std::string render_html(const RunReport& report) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; script-src 'sha256-"
    << kSelfCheckHash << "'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
    << "<title>leakgate report</title><style>" << kStyle << "</style></head>\n<body>\n";
  o << "<h1>leakgate report</h1>\n<p>" << report.scenarios() << " scenario(s), " << report.met()
    << " as expected, " << report.unmet() << " not, " << report.errors() << " error(s); exit code "
    << report.exit_code << "; " << format_number(report.run.seconds, 1) << " s.";
  for (const auto& [tool, version] : report.run.tools) {
    o << " " << escape_markup(tool) << " " << escape_markup(version) << ".";
  }
  o << "</p>\n<table><tr><th>scenario</th><th>expected</th><th>outcome</th><th>leaks</th>"
       "<th>findings</th><th>time</th></tr>\n";
  for (const auto& s : report.run.scenarios) {
    o << "<tr><td><a href=\"#" << anchor(s.name) << "\">" << escape_markup(s.name)
      << "</a></td><td>" << escape_markup(to_string(s.expected)) << "</td><td class=\""
      << css_class(s) << "\">" << escape_markup(outcome_of(s)) << "</td><td class=\"num\">"
      << s.leak_analysis.leaks.size() << "</td><td class=\"num\">" << s.findings.size()
      << "</td><td class=\"num\">" << format_number(s.seconds, 1) << " s</td></tr>\n";
  }
  o << "</table>\n";
  if (report.aborted) {
    o << "<h2 class=\"warn\">The run was aborted (" << escape_markup(report.aborted->kind)
      << ")</h2>\n<pre class=\"bad\">" << escape_markup(report.aborted->message) << "</pre>\n";
  }
  for (const auto& s : report.run.scenarios) write_scenario(o, s);
  o << "<script>" << kSelfCheck << "</script>\n</body></html>\n";
  return o.str();
}

}  // namespace leakgate
