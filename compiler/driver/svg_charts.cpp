//===- svg_charts.cpp - Small inline SVG charts for HTML pages ------------===//
#include "driver/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nnc::driver::svg {
namespace {

constexpr double kLeft = 64, kRight = 16, kTop = 48, kBottom = 44;

std::string format(const char *pattern, double v) {
  char text[48];
  std::snprintf(text, sizeof text, pattern, v);
  return text;
}

/// A tick label: short, so that it fits the left margin: 235146 -> "235.1k".
std::string tickText(double v) {
  double a = std::fabs(v);
  if (a >= 1e9)
    return format("%.4gG", v / 1e9);
  if (a >= 1e6)
    return format("%.4gM", v / 1e6);
  if (a >= 1e4)
    return format("%.4gk", v / 1e3);
  if (a != 0 && a < 1e-3)
    return format("%.1e", v);
  return format("%.4g", v);
}

/// A round tick step (1, 2 or 5 times a power of ten) for about `count` ticks over [lo, hi].
double tickStep(double lo, double hi, int count) {
  double raw = (hi - lo) / count, power = std::pow(10.0, std::floor(std::log10(raw)));
  double unit = raw / power <= 1 ? 1 : raw / power <= 2 ? 2 : raw / power <= 5 ? 5 : 10;
  return unit * power;
}

/// The multiples of `step` from `from` to `to`, both included; "-0" written as 0.
std::vector<double> ticksBetween(double from, double to, double step) {
  std::vector<double> ticks;
  if (!std::isfinite(from) || !std::isfinite(to) || !(step > 0) || !std::isfinite(step))
    return ticks; // a range beyond double's, such as -1e308 .. 1e308
  int count = int(std::min(50.0, std::round((to - from) / step)));
  for (int i = 0; i <= count; ++i) {
    double t = from + step * i;
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

std::string text(double x, double y, const std::string &anchor, int size,
                 const std::string &body, const std::string &extra = "") {
  return "<text x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" text-anchor=\"" + anchor +
         "\" font-size=\"" + std::to_string(size) + "\"" + extra + ">" + body + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const std::string &style) {
  return "<line x1=\"" + coord(x1) + "\" y1=\"" + coord(y1) + "\" x2=\"" + coord(x2) +
         "\" y2=\"" + coord(y2) + "\" " + style + "/>\n";
}

} // namespace

std::string escape(const std::string &text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '&': out += "&amp;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string coord(double v) {
  if (!std::isfinite(v)) // callers filter; this is the last guard against "nan" in an attribute
    v = 0;
  std::string s = format("%.2f", v);
  return s == "-0.00" ? "0.00" : s;
}

std::string value(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+inf" : "-inf";
  return format("%.4g", v);
}

const std::string &color(size_t index) {
  static const std::vector<std::string> palette = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                   "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
  return palette[index % palette.size()];
}

std::string lineChart(const std::vector<Series> &series, const LineChartOptions &o) {
  auto usable = [&](std::pair<double, double> p) {
    return std::isfinite(p.first) && std::isfinite(p.second) && (!o.logX || p.first > 0) &&
           (!o.logY || p.second > 0);
  };
  auto tx = [&](double x) { return o.logX ? std::log10(x) : x; };
  auto ty = [&](double y) { return o.logY ? std::log10(y) : y; };
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (const Series &s : series)
    for (auto p : s.points)
      if (usable(p)) {
        xlo = std::min(xlo, tx(p.first)), xhi = std::max(xhi, tx(p.first));
        ylo = std::min(ylo, ty(p.second)), yhi = std::max(yhi, ty(p.second));
      }
  bool empty = !(xlo <= xhi);
  if (empty)
    xlo = 0, xhi = 1, ylo = 0, yhi = 1;
  if (xhi - xlo < 1e-12 * std::max(1.0, std::fabs(xhi)))
    xlo -= 0.5, xhi += 0.5;
  if (yhi - ylo < 1e-12 * std::max(1.0, std::fabs(yhi)))
    ylo -= 0.5, yhi += 0.5;
  // The value range widened to whole ticks, so that no line touches the frame.
  double yStep = o.logY ? std::max(1.0, std::ceil(tickStep(ylo, yhi, 5))) : tickStep(ylo, yhi, 5);
  ylo = std::floor(ylo / yStep + 1e-9) * yStep, yhi = std::ceil(yhi / yStep - 1e-9) * yStep;
  std::vector<double> yTicks = ticksBetween(ylo, yhi, yStep);

  // The legend, in rows above the plot, which starts below its last row.
  std::vector<std::pair<double, double>> legendAt; // per series: x, y
  double legendX = kLeft, legendY = 32;
  for (const Series &s : series) {
    double itemWidth = 40 + 6.5 * double(s.name.size());
    if (legendX > kLeft && legendX + itemWidth > o.width - kRight)
      legendX = kLeft, legendY += 16;
    legendAt.push_back({legendX, legendY});
    legendX += itemWidth;
  }
  double top = kTop + (legendY - 32);
  double w = o.width - kLeft - kRight, h = o.height - top - kBottom;
  auto px = [&](double x) { return kLeft + (tx(x) - xlo) / (xhi - xlo) * w; };
  // Values are plotted in the axis's space (log10 for logY): py takes that.
  auto py = [&](double y) { return top + (yhi - y) / (yhi - ylo) * h; };

  std::string out = "<svg class=\"chart\" viewBox=\"0 0 " + coord(o.width) + " " +
                    coord(o.height) + "\" width=\"" + coord(o.width) + "\" height=\"" +
                    coord(o.height) + "\" role=\"img\" aria-label=\"" + escape(o.title) + "\">\n";
  out += text(kLeft, 18, "start", 14, escape(o.title), " font-weight=\"600\"");
  out += "<rect x=\"" + coord(kLeft) + "\" y=\"" + coord(top) + "\" width=\"" + coord(w) +
         "\" height=\"" + coord(h) + "\" fill=\"#fff\" stroke=\"#999\"/>\n";
  for (double t : yTicks) {
    out += line(kLeft - 4, py(t), kLeft + w, py(t), "stroke=\"#e4e4e4\"");
    out += text(kLeft - 7, py(t) + 4, "end", 11, o.logY ? tickText(std::pow(10.0, t)) : tickText(t));
  }
  std::vector<std::pair<double, std::string>> xTicks = o.xTicks;
  if (xTicks.empty() && !empty && !o.logX)
  {
    double step = tickStep(xlo, xhi, 6);
    for (double t : ticksBetween(std::ceil(xlo / step - 1e-9) * step,
                                 std::floor(xhi / step + 1e-9) * step, step))
      xTicks.push_back({t, tickText(t)});
  }
  double lastRight = -INFINITY; // leave out an x label that would overlap the one before
  for (const auto &[t, label] : xTicks) {
    if (!std::isfinite(t) || (o.logX && t <= 0) || tx(t) < xlo - 1e-9 || tx(t) > xhi + 1e-9)
      continue;
    double x = px(t), half = 3.3 * double(label.size());
    out += line(x, top + h, x, top + h + 4, "stroke=\"#999\"");
    if (x - half < lastRight + 4)
      continue;
    out += text(x, top + h + 16, "middle", 11, escape(label));
    lastRight = x + half;
  }
  out += text(kLeft + w / 2, o.height - 8, "middle", 12, escape(o.xLabel));
  if (!o.yLabel.empty())
    out += text(14, top + h / 2, "middle", 12, escape(o.yLabel),
                " transform=\"rotate(-90 14 " + coord(top + h / 2) + ")\"");
  if (o.hasMarkX && std::isfinite(o.markX) && (!o.logX || o.markX > 0) &&
      tx(o.markX) >= xlo - 1e-9 && tx(o.markX) <= xhi + 1e-9) {
    out += line(px(o.markX), top, px(o.markX), top + h,
                "stroke=\"#555\" stroke-dasharray=\"2 3\"");
    out += text(px(o.markX) + 4, top + 12, "start", 11, escape(o.markLabel), " fill=\"#555\"");
  }
  if (empty)
    out += text(kLeft + w / 2, top + h / 2, "middle", 13, "no finite values", " fill=\"#888\"");

  for (size_t i = 0; i < series.size(); ++i) {
    const Series &s = series[i];
    std::string style = "fill=\"none\" stroke=\"" + color(i) + "\" stroke-width=\"2\"" +
                        (s.dashed ? " stroke-dasharray=\"6 4\"" : "");
    std::string points; // one polyline per run of usable points
    auto flush = [&] {
      if (!points.empty())
        out += "<polyline " + style + " points=\"" + points + "\"/>\n";
      points.clear();
    };
    for (auto p : s.points) {
      if (!usable(p)) {
        flush();
        continue;
      }
      points += (points.empty() ? "" : " ") + coord(px(p.first)) + "," + coord(py(ty(p.second)));
    }
    flush();
    if (s.markers)
      for (auto p : s.points)
        if (usable(p))
          out += "<circle cx=\"" + coord(px(p.first)) + "\" cy=\"" + coord(py(ty(p.second))) +
                 "\" r=\"2.5\" fill=\"" + color(i) + "\"/>\n";
    auto [lx, ly] = legendAt[i];
    out += line(lx, ly, lx + 22, ly, style);
    out += text(lx + 27, ly + 4, "start", 11, escape(s.name));
  }
  return out + "</svg>\n";
}

std::string histogram(double lo, double hi, const std::vector<double> &counts, double width,
                      double height) {
  double barsHeight = height - 14, peak = 0;
  for (double c : counts)
    if (std::isfinite(c))
      peak = std::max(peak, c);
  std::string out = "<svg class=\"hist\" viewBox=\"0 0 " + coord(width) + " " + coord(height) +
                    "\" width=\"" + coord(width) + "\" height=\"" + coord(height) + "\">\n";
  out += "<rect x=\"0.50\" y=\"0.50\" width=\"" + coord(width - 1) + "\" height=\"" +
         coord(barsHeight) + "\" fill=\"#fafafa\" stroke=\"#ddd\"/>\n";
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi) || counts.empty() || peak <= 0)
    return out + text(width / 2, barsHeight / 2 + 4, "middle", 10, "no data", " fill=\"#888\"") +
           "</svg>\n";
  double binWidth = (width - 2) / double(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    double c = counts[i];
    if (!std::isfinite(c) || c <= 0)
      continue;
    double bh = c / peak * (barsHeight - 2);
    out += "<rect x=\"" + coord(1 + binWidth * double(i)) + "\" y=\"" +
           coord(barsHeight + 0.5 - bh) + "\" width=\"" + coord(std::max(binWidth - 0.5, 0.5)) +
           "\" height=\"" + coord(bh) + "\" fill=\"#4c78a8\"/>\n";
  }
  if (lo < 0 && hi > 0) {
    double zero = 1 + (0 - lo) / (hi - lo) * (width - 2);
    out += line(zero, barsHeight, zero, barsHeight + 4, "stroke=\"#333\"");
  }
  out += text(1, height - 1, "start", 10, value(lo), " fill=\"#555\"");
  out += text(width - 1, height - 1, "end", 10, value(hi), " fill=\"#555\"");
  return out + "</svg>\n";
}

} // namespace nnc::driver::svg
