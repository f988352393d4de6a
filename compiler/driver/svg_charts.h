//===- svg_charts.h - Small inline SVG charts for HTML pages --------------===//
//
// Line charts and histograms rendered to inline `<svg>` text for the page of
// `nnc explore`. The output is a pure function of the input: coordinates are
// written with two decimals and values with four significant digits, so equal
// data gives equal bytes. Non-finite values never reach a coordinate: a point
// whose x or y is NaN or infinite breaks its line, a histogram without a
// finite range is drawn as "no data".
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nnc::driver::svg {

/// `<`, `>`, `&`, `"` and `'` as entities: safe in HTML text and in quoted attributes.
std::string escape(const std::string &text);
/// A coordinate: "%.2f".
std::string coord(double v);
/// A value for people: four significant digits; "NaN", "+inf", "-inf" for the others.
std::string value(double v);

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points; ///< (x, y); a non-finite one breaks the line
  bool dashed = false;
  bool markers = false; ///< a dot at each point
};

struct LineChartOptions {
  std::string title, xLabel, yLabel;
  double width = 560, height = 300;
  bool logX = false; ///< needs x > 0; points with x <= 0 are left out
  bool logY = false; ///< likewise for y: ticks at powers of ten
  /// Tick positions and labels of the x axis; empty: round numbers are chosen.
  std::vector<std::pair<double, std::string>> xTicks;
  bool hasMarkX = false; ///< a vertical line at markX, labelled markLabel
  double markX = 0;
  std::string markLabel;
};

/// A chart of the series against their x, with axes, ticks and a legend.
/// Series take the palette's colours in order.
std::string lineChart(const std::vector<Series> &series, const LineChartOptions &options);

/// A histogram of `counts` over equal bins from lo to hi, with lo and hi
/// written under it and a tick at zero where the range contains it.
std::string histogram(double lo, double hi, const std::vector<double> &counts,
                      double width = 200, double height = 56);

/// The palette, by series index.
const std::string &color(size_t index);

} // namespace nnc::driver::svg
