#include "report/svg_chart.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "report/markup.h"

namespace leakgate {

namespace {

// Colour-blind-safe palette (Okabe-Ito).
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#000000", "#F0E442"};

struct Range {
  double lo = std::numeric_limits<double>::max();
  double hi = std::numeric_limits<double>::lowest();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
  // Never zero wide: a flat series is drawn in the middle.
  void widen() {
    if (empty()) {
      lo = 0;
      hi = 1;
    } else if (hi - lo < 1e-9) {
      lo -= 1;
      hi += 1;
    }
  }
};

}  // namespace

std::string render_line_chart(const ChartSpec& spec) {
  const int left = 64, right = 16, top = 28, bottom = 40;
  const int legend_rows = static_cast<int>(spec.series.size());
  const int plot_w = spec.width - left - right;
  const int plot_h = spec.height - top - bottom;
  const int total_h = spec.height + legend_rows * 16;
  Range xs, ys;
  for (const auto& s : spec.series) {
    for (const auto& [x, y] : s.points) {
      xs.add(x);
      ys.add(y);
    }
  }
  const bool no_data = xs.empty();
  if (!ys.empty() && ys.lo > 0 && ys.lo < ys.hi * 0.5) ys.lo = 0;  // anchor a clear rise at zero
  xs.widen();
  ys.widen();
  const auto px = [&](double x) { return left + (x - xs.lo) / (xs.hi - xs.lo) * plot_w; };
  const auto py = [&](double y) { return top + plot_h - (y - ys.lo) / (ys.hi - ys.lo) * plot_h; };

  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\""
    << spec.width << "\" height=\"" << total_h << "\" viewBox=\"0 0 " << spec.width << " "
    << total_h << "\">";
  o << "<title>" << escape_markup(spec.title) << "</title>";
  o << "<rect x=\"0\" y=\"0\" width=\"" << spec.width << "\" height=\"" << total_h
    << "\" fill=\"#fff\"/>";
  o << "<text x=\"" << left << "\" y=\"18\" font-size=\"13\" font-weight=\"bold\">"
    << escape_markup(spec.title) << "</text>";
  // Axes.
  o << "<line x1=\"" << left << "\" y1=\"" << top + plot_h << "\" x2=\"" << left + plot_w
    << "\" y2=\"" << top + plot_h << "\" stroke=\"#444\"/>";
  o << "<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\""
    << top + plot_h << "\" stroke=\"#444\"/>";
  // Ticks: min and max of each axis.
  for (double y : {ys.lo, ys.hi}) {
    o << "<text x=\"" << left - 6 << "\" y=\"" << format_number(py(y) + 4)
      << "\" font-size=\"11\" text-anchor=\"end\">" << format_number(y) << "</text>";
  }
  for (double x : {xs.lo, xs.hi}) {
    o << "<text x=\"" << format_number(px(x)) << "\" y=\"" << top + plot_h + 14
      << "\" font-size=\"11\" text-anchor=\"middle\">" << format_number(x) << "</text>";
  }
  o << "<text x=\"" << left + plot_w / 2 << "\" y=\"" << top + plot_h + 30
    << "\" font-size=\"11\" text-anchor=\"middle\">" << escape_markup(spec.x_label) << "</text>";
  o << "<text x=\"12\" y=\"" << top + plot_h / 2 << "\" font-size=\"11\" text-anchor=\"middle\" "
    << "transform=\"rotate(-90 12 " << top + plot_h / 2 << ")\">" << escape_markup(spec.y_label)
    << "</text>";
  if (no_data) {
    o << "<text x=\"" << left + plot_w / 2 << "\" y=\"" << top + plot_h / 2
      << "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#888\">no data</text>";
  }
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    const auto& s = spec.series[i];
    const char* colour = kColours[i % (sizeof kColours / sizeof kColours[0])];
    o << "<g class=\"series\" data-name=\"" << escape_markup(s.name) << "\">";
    if (s.points.size() > 1) {
      o << "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" << colour << "\" points=\"";
      for (const auto& [x, y] : s.points) {
        o << format_number(px(x)) << "," << format_number(py(y)) << " ";
      }
      o << "\"/>";
    }
    for (const auto& [x, y] : s.points) {
      o << "<circle r=\"3\" fill=\"" << colour << "\" cx=\"" << format_number(px(x)) << "\" cy=\""
        << format_number(py(y)) << "\"><title>" << escape_markup(s.name) << ": " << format_number(y)
        << " at " << format_number(x) << "</title></circle>";
    }
    o << "</g>";
    const int ly = spec.height + static_cast<int>(i) * 16 + 4;
    o << "<rect x=\"" << left << "\" y=\"" << ly - 9 << "\" width=\"10\" height=\"10\" fill=\""
      << colour << "\"/><text x=\"" << left + 16 << "\" y=\"" << ly << "\" font-size=\"11\">"
      << escape_markup(s.name) << "</text>";
  }
  o << "</svg>";
  return o.str();
}

}  // namespace leakgate
