//===- plot.cpp - `train --plot`: training curves as a self-contained SVG --===//
#include "plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>

namespace nnrt::cli {
namespace {

struct Series {
  std::string label, color;
  std::vector<std::pair<double, double>> points; ///< (epoch, value), finite values only
};

constexpr double kPanelWidth = 420, kPanelHeight = 320;
constexpr double kLeft = 64, kRight = 16, kTop = 40, kBottom = 66;

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

std::string escape(const std::string &text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '&': out += "&amp;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

/// A tick label: few digits, exponent form for very small or large values.
std::string tickText(double v) {
  char text[32];
  if (v != 0 && (std::fabs(v) < 1e-3 || std::fabs(v) >= 1e5))
    std::snprintf(text, sizeof text, "%.1e", v);
  else
    std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

/// One panel at (x0, 0): the series against the epochs, labelled from `first`.
std::string panel(double x0, const std::string &name, const std::vector<Series> &series,
                  int64_t epochs, int64_t first) {
  double lo = INFINITY, hi = -INFINITY;
  for (const Series &s : series)
    for (auto [e, v] : s.points) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!(lo <= hi)) // no finite value at all
    lo = 0, hi = 1;
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
    lo -= 0.5;
    hi += 0.5;
  }
  // Ticks at a round step (1, 2 or 5 times a power of ten), about 4 of them.
  double raw = (hi - lo) / 4, power = std::pow(10.0, std::floor(std::log10(raw)));
  double unit = raw / power <= 1 ? 1 : raw / power <= 2 ? 2 : raw / power <= 5 ? 5 : 10;
  double tick = unit * power;
  lo = std::floor(lo / tick) * tick;
  hi = std::ceil(hi / tick) * tick;
  double w = kPanelWidth - kLeft - kRight, h = kPanelHeight - kTop - kBottom;
  auto px = [&](double epoch) {
    return x0 + kLeft + (epochs > 1 ? (epoch - 1) / double(epochs - 1) * w : w / 2);
  };
  auto py = [&](double v) { return kTop + (hi - v) / (hi - lo) * h; };
  std::string svg = "<g>\n";
  svg += "<text x=\"" + num(x0 + kLeft + w / 2) + "\" y=\"24\" text-anchor=\"middle\" "
         "font-size=\"14\">" + escape(name) + "</text>\n";
  svg += "<rect x=\"" + num(x0 + kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(w) +
         "\" height=\"" + num(h) + "\" fill=\"none\" stroke=\"#888\"/>\n";
  int ticks = int(std::lround((hi - lo) / tick));
  for (int i = 0; i <= ticks; ++i) { // value ticks
    double v = lo + tick * i;
    svg += "<line x1=\"" + num(x0 + kLeft - 4) + "\" y1=\"" + num(py(v)) + "\" x2=\"" +
           num(x0 + kLeft + w) + "\" y2=\"" + num(py(v)) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + num(x0 + kLeft - 6) + "\" y=\"" + num(py(v) + 4) +
           "\" text-anchor=\"end\" font-size=\"11\">" + tickText(v) + "</text>\n";
  }
  int64_t step = std::max<int64_t>(1, (epochs + 9) / 10); // epoch ticks
  for (int64_t e = 1; e <= epochs; e += step)
    svg += "<text x=\"" + num(px(double(e))) + "\" y=\"" + num(kTop + h + 16) +
           "\" text-anchor=\"middle\" font-size=\"11\">" + std::to_string(first + e - 1) +
           "</text>\n";
  svg += "<text x=\"" + num(x0 + kLeft + w / 2) + "\" y=\"" + num(kTop + h + 32) +
         "\" text-anchor=\"middle\" font-size=\"12\">epoch</text>\n";
  double legendX = x0 + kLeft, legendY = kPanelHeight - 10; // one row under the axis
  for (const Series &s : series) {
    if (s.points.empty())
      continue;
    std::string points;
    for (auto [e, v] : s.points)
      points += (points.empty() ? "" : " ") + num(px(e)) + "," + num(py(v));
    svg += "<polyline fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"2\" points=\"" +
           points + "\"/>\n";
    for (auto [e, v] : s.points)
      svg += "<circle cx=\"" + num(px(e)) + "\" cy=\"" + num(py(v)) + "\" r=\"2.5\" fill=\"" +
             s.color + "\"/>\n";
    svg += "<line x1=\"" + num(legendX) + "\" y1=\"" + num(legendY - 4) + "\" x2=\"" +
           num(legendX + 18) + "\" y2=\"" + num(legendY - 4) + "\" stroke=\"" + s.color +
           "\" stroke-width=\"2\"/>\n";
    svg += "<text x=\"" + num(legendX + 22) + "\" y=\"" + num(legendY) +
           "\" font-size=\"11\">" + escape(s.label) + "</text>\n";
    legendX += 32 + 7 * double(s.label.size());
  }
  return svg + "</g>\n";
}

} // namespace

std::string trainingCurvesSvg(const std::vector<EpochReport> &reports, const std::string &title) {
  int64_t epochs = reports.empty() ? 1 : reports.back().epoch - reports.front().epoch + 1;
  int64_t first = reports.empty() ? 1 : reports.front().epoch;
  auto collect = [&](const std::string &label, const std::string &color,
                     const std::function<std::optional<double>(const EpochReport &)> &get) {
    Series s{label, color, {}};
    for (const EpochReport &r : reports)
      if (std::optional<double> v = get(r); v && std::isfinite(*v))
        s.points.push_back({double(r.epoch - first + 1), *v});
    return s;
  };
  std::vector<Series> loss = {
      collect("train", "#1f77b4", [](const EpochReport &r) { return std::optional(r.trainLoss); }),
      collect("validation", "#ff7f0e",
              [](const EpochReport &r) {
                return r.validation ? std::optional(r.validation->loss) : std::nullopt;
              }),
      collect("test", "#2ca02c", [](const EpochReport &r) {
        return r.test ? std::optional(r.test->loss) : std::nullopt;
      })};
  std::vector<Series> accuracy = {
      collect("train", "#1f77b4", [](const EpochReport &r) { return r.trainAccuracy; }),
      collect("validation", "#ff7f0e",
              [](const EpochReport &r) {
                return r.validation ? r.validation->accuracy : std::nullopt;
              }),
      collect("test", "#2ca02c", [](const EpochReport &r) {
        return r.test ? r.test->accuracy : std::nullopt;
      })};
  bool hasAccuracy = !accuracy[0].points.empty();
  double width = kPanelWidth * (hasAccuracy ? 2 : 1);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) +
                    "\" height=\"" + num(kPanelHeight + 24) + "\" viewBox=\"0 0 " + num(width) +
                    " " + num(kPanelHeight + 24) + "\" font-family=\"sans-serif\">\n";
  svg += "<title>" + escape(title) + "</title>\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<g transform=\"translate(0, 24)\">\n";
  svg += panel(0, "loss", loss, epochs, first);
  if (hasAccuracy)
    svg += panel(kPanelWidth, "accuracy", accuracy, epochs, first);
  svg += "</g>\n";
  svg += "<text x=\"8\" y=\"18\" font-size=\"13\" fill=\"#444\">" + escape(title) + "</text>\n";
  return svg + "</svg>\n";
}

} // namespace nnrt::cli
