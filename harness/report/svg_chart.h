#pragma once

#include <string>
#include <vector>

namespace leakgate {

struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), x ascending
};

struct ChartSpec {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ChartSeries> series;
  int width = 560;
  int height = 240;
};

// A line chart as an inline SVG element (no script, no external reference): axes with min and max
// ticks, one polyline and point markers per series, a legend. Every text is escaped. An empty
// chart (no points) still renders its frame and says "no data".
std::string render_line_chart(const ChartSpec& spec);

}  // namespace leakgate
