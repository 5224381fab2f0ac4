#include "report/html_leak_card.h"

#include <sstream>

#include "report/markup.h"
#include "report/svg_chart.h"

namespace leakgate {

std::string html_type_name(const std::string& type, std::size_t max) {
  if (type.size() <= max) return "<code>" + escape_markup(type) + "</code>";
  return "<code title=\"" + escape_markup(type) + "\">" + escape_markup(shorten_middle(type, max)) +
         "</code>";
}

std::string finding_chart(const Finding& f) {
  ChartSpec spec;
  const std::string metric = to_string(f.metric);
  spec.title = f.type + " (" + metric + ")";
  spec.x_label = "iteration";
  spec.y_label = metric;
  ChartSeries series;
  series.name = f.type;
  for (const auto& [iteration, value] : f.points) series.points.emplace_back(iteration, value);
  spec.series.push_back(std::move(series));
  return render_line_chart(spec);
}

namespace {

std::string per_iteration(double n) { return n >= 10 ? format_number(n, 0) : format_number(n, 1); }

void write_chain(std::ostringstream& o, const Leak& leak) {
  o << "<ol class=\"chain\">\n<li class=\"root\"><span class=\"kind\">"
    << escape_markup(leak.root.kind) << "</span> ";
  if (!leak.root.name.empty()) o << html_type_name(leak.root.name);
  o << "</li>\n";
  for (std::size_t i = 0; i < leak.path.size(); ++i) {
    const LeakHop& hop = leak.path[i];
    if (leak.cut > 0 && static_cast<int>(i) == leak.cut_at) {
      o << "<li class=\"cut\">... " << leak.cut << " hops ...</li>\n";
    }
    const bool last = i + 1 == leak.path.size();
    o << "<li" << (hop.first_new ? " class=\"suspect\"" : last ? " class=\"head\"" : "") << ">";
    if (hop.first_new) {
      o << "<span class=\"tag\" title=\"the reference into the first object new per iteration: "
           "where to look\">suspect reference, new per iteration</span> ";
    }
    o << html_type_name(hop.type);
    const std::string field = render_hop_field(hop);
    if (!field.empty()) o << "<span class=\"field\">" << escape_markup(field) << "</span>";
    o << "</li>\n";
  }
  o << "</ol>\n";
}

void write_retained(std::ostringstream& o, const Leak& leak) {
  if (leak.retained.empty()) return;
  o << "<table class=\"retained\"><tr><th>what one iteration adds</th><th>objects</th>"
       "<th>bytes</th></tr>\n";
  for (const auto& t : leak.retained) {
    o << "<tr><td>" << html_type_name(t.type) << "</td><td class=\"num\">"
      << per_iteration(leak.per_iteration(t.count)) << "</td><td class=\"num\">"
      << escape_markup(render_bytes(leak.per_iteration(t.bytes))) << "</td></tr>\n";
  }
  o << "</table>\n";
}

void write_members(std::ostringstream& o, const Leak& leak) {
  if (leak.members.size() < 2) return;
  o << "<details><summary>" << leak.members.size() - 1
    << " growing type(s) in this leak</summary>\n<table><tr><th>type</th><th>where</th>"
       "<th>instances</th><th>per iteration</th></tr>\n";
  for (const auto& m : leak.members) {
    if (m.relation == LeakRelation::kHead) continue;
    o << "<tr><td>" << html_type_name(m.type) << "</td><td>" << escape_markup(to_string(m.relation))
      << "</td><td class=\"num\">" << m.instances << "</td><td class=\"num\">"
      << per_iteration(leak.per_iteration(m.instances)) << "</td></tr>\n";
  }
  o << "</table></details>\n";
}

}  // namespace

std::string html_leak_card(const Leak& leak, const Finding* head_finding) {
  std::ostringstream o;
  o << "<article class=\"leak\">\n<h3>Leak: " << html_type_name(leak.head) << "</h3>\n<p>"
    << (leak.head_growth_per_iteration >= 0 ? "+" : "")
    << format_number(leak.head_growth_per_iteration, 2) << " per iteration (" << leak.head_instances
    << " instances); retains <b>"
    << escape_markup(render_bytes(leak.retained_bytes_per_iteration())) << "</b> per iteration ("
    << escape_markup(render_bytes(static_cast<double>(leak.retained_bytes))) << " in all)"
    << (leak.head_is_app ? "" : "; no type of the app's own on the path")
    << "</p>\n<div class=\"card\"><div>\n";
  write_chain(o, leak);
  o << "<p class=\"suspect-ref\">Suspect reference: <code>" << escape_markup(render_suspect(leak))
    << "</code></p>\n";
  write_retained(o, leak);
  o << "</div>";
  if (head_finding != nullptr) o << "<div>" << finding_chart(*head_finding) << "</div>";
  o << "</div>\n";
  write_members(o, leak);
  o << "</article>\n";
  return o.str();
}

}  // namespace leakgate
