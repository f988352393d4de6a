//===- explore_page.cpp - `nnc explore`: the model explorer as one HTML page -===//
//
// Everything is rendered here, in C++: the page must open from a file with no
// network, and the same data must give the same bytes so that the page can be
// compared in tests. The script at the end only shows and hides panels that
// are already in the page; it embeds no data, so user text (module names,
// paths) appears only HTML-escaped, in text and quoted attributes.
//
//===----------------------------------------------------------------------===//
#include "driver/explore_page.h"

#include "driver/svg_charts.h"

#include "cli.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace nnc::driver {
namespace {

using nlohmann::json;
using svg::escape;

//===--- Reading the data: every error names the field's path ------------===//

[[noreturn]] void fail(const std::string &path, const std::string &what) {
  throw std::invalid_argument("explore data: \"" + path + "\" " + what);
}

std::string join(const std::string &path, const std::string &key) {
  return path.empty() ? key : path + "." + key;
}

std::string at(const std::string &path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

const json &need(const json &object, const std::string &path, const char *key) {
  if (!object.contains(key))
    fail(join(path, key), "is missing");
  return object.at(key);
}

std::string text(const json &object, const std::string &path, const char *key) {
  const json &v = need(object, path, key);
  if (!v.is_string())
    fail(join(path, key), "must be a string");
  return v.get<std::string>();
}

std::string optionalText(const json &object, const std::string &path, const char *key,
                         const std::string &otherwise) {
  return object.contains(key) ? text(object, path, key) : otherwise;
}

/// A number; null is a missing value (the metrics of an epoch without validation), NaN.
double number(const json &v, const std::string &path) {
  if (v.is_null())
    return NAN;
  if (!v.is_number())
    fail(path, "must be a number");
  return v.get<double>();
}

int64_t integer(const json &v, const std::string &path) {
  if (!v.is_number_integer())
    fail(path, "must be an integer");
  return v.get<int64_t>();
}

const json &list(const json &object, const std::string &path, const char *key) {
  const json &v = need(object, path, key);
  if (!v.is_array())
    fail(join(path, key), "must be a list");
  return v;
}

const json &record(const json &v, const std::string &path) {
  if (!v.is_object())
    fail(path, "must be an object");
  return v;
}

std::vector<double> numbers(const json &object, const std::string &path, const char *key) {
  std::vector<double> out;
  const json &v = list(object, path, key);
  for (size_t i = 0; i < v.size(); ++i)
    out.push_back(number(v[i], at(join(path, key), i)));
  return out;
}

/// "[1, 256]"; a dimension may be a number or a symbol such as "B".
std::string shapeText(const json &shape, const std::string &path) {
  if (!shape.is_array())
    fail(path, "must be a list");
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (!shape[i].is_number_integer() && !shape[i].is_string())
      fail(at(path, i), "must be an integer or a string");
    out += (i ? ", " : "") + (shape[i].is_string() ? shape[i].get<std::string>()
                                                   : std::to_string(shape[i].get<int64_t>()));
  }
  return out + "]";
}

std::string histogramSvg(const json &owner, const std::string &path) {
  std::string p = join(path, "histogram");
  const json &h = record(need(owner, path, "histogram"), p);
  return svg::histogram(number(need(h, p, "lo"), join(p, "lo")),
                        number(need(h, p, "hi"), join(p, "hi")), numbers(h, p, "counts"));
}

//===--- Page pieces ------------------------------------------------------===//

std::string note(const std::string &body) { return "<p class=\"note\">" + escape(body) + "</p>\n"; }

std::string section(const std::string &id, const std::string &title, const std::string &intro,
                    const std::string &body) {
  return "<section id=\"" + id + "\">\n<h2>" + escape(title) + "</h2>\n<p class=\"intro\">" +
         escape(intro) + "</p>\n" + body + "</section>\n";
}

/// A select whose option i shows the panel of `group` with data-index i.
std::string chooser(const std::string &group, const std::string &label,
                    const std::vector<std::string> &options) {
  std::string out = "<label class=\"control\">" + escape(label) + " <select data-group=\"" +
                    group + "\">\n";
  for (size_t i = 0; i < options.size(); ++i)
    out += "<option value=\"" + std::to_string(i) + "\">" + escape(options[i]) + "</option>\n";
  return out + "</select></label>\n";
}

/// Panels other than the first start hidden, so that the page reads right without its script.
std::string panel(const std::string &group, size_t index, const std::string &body) {
  return "<div class=\"choice\" data-group=\"" + group + "\" data-index=\"" +
         std::to_string(index) + "\"" + (index ? " hidden" : "") + ">\n" + body + "</div>\n";
}

std::string percent(double fraction) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1f%%", std::isfinite(fraction) ? fraction * 100 : 0.0);
  return out;
}

//===--- Sections ---------------------------------------------------------===//

void moduleRows(const json &node, const std::string &path, int depth, int64_t total,
                std::string &rows) {
  std::string p = path.empty() ? "modules" : path;
  record(node, p);
  std::string name = text(node, p, "path"), type = text(node, p, "type");
  int64_t params = integer(need(node, p, "params"), join(p, "params"));
  std::string own;
  if (node.contains("parameters")) {
    const json &parameters = list(node, p, "parameters");
    for (size_t i = 0; i < parameters.size(); ++i) {
      std::string q = at(join(p, "parameters"), i);
      const json &param = record(parameters[i], q);
      own += "<div><code>" + escape(text(param, q, "name")) + "</code> " +
             escape(shapeText(need(param, q, "shape"), join(q, "shape"))) + "</div>";
    }
  }
  double share = total > 0 ? double(params) / double(total) : 0;
  std::string bar = percent(std::clamp(share, 0.0, 1.0)); // a bar never leaves its track
  rows += "<tr><td class=\"tree\" style=\"padding-left:" + std::to_string(8 + 18 * depth) +
          "px\"><code>" + escape(name.empty() ? "(model)" : name) + "</code></td><td>" +
          escape(type) + "</td><td class=\"num\">" + nnrt::cli::withThousands(params) +
          "</td><td><div class=\"bar\"><div style=\"width:" + bar +
          "\"></div></div><span class=\"share\">" + percent(share) + "</span></td><td>" + own +
          "</td></tr>\n";
  if (node.contains("children")) {
    const json &children = list(node, p, "children");
    for (size_t i = 0; i < children.size(); ++i)
      moduleRows(children[i], at(join(p, "children"), i), depth + 1, total, rows);
  }
}

std::string modulesSection(const json &data) {
  const json &root = record(need(data, "", "modules"), "modules");
  int64_t total = integer(need(root, "modules", "params"), "modules.params");
  std::string rows;
  moduleRows(root, "", 0, total, rows);
  return section("modules", "Modules and parameters",
                 "Every module of the model with its parameter count; the bar is its share of "
                 "all " + nnrt::cli::withThousands(total) + " parameters.",
                 "<table class=\"modules\">\n<thead><tr><th>module</th><th>type</th>"
                 "<th class=\"num\">parameters</th><th>share</th><th>own parameters</th></tr>"
                 "</thead>\n<tbody>\n" + rows + "</tbody></table>\n");
}

std::string forwardSection(const json &data) {
  const char *intro = "Statistics of every module's output for one input: a layer whose outputs "
                      "are mostly zeros (dead ReLUs) or whose range grows layer after layer "
                      "shows here.";
  if (!data.contains("forward"))
    return section("forward", "Forward pass of a sample", intro,
                   note(optionalText(data, "", "forward_note",
                                     "run with --params P and --data D to see the forward pass "
                                     "of a sample")));
  const json &forward = record(data.at("forward"), "forward");
  const json &samples = list(forward, "forward", "samples");
  if (samples.empty())
    return section("forward", "Forward pass of a sample", intro, note("no samples"));
  std::vector<std::string> labels;
  std::string panels;
  for (size_t s = 0; s < samples.size(); ++s) {
    std::string p = at("forward.samples", s);
    const json &sample = record(samples[s], p);
    labels.push_back(text(sample, p, "label"));
    const json &layers = list(sample, p, "layers");
    std::string rows;
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string q = at(join(p, "layers"), i);
      const json &layer = record(layers[i], q);
      std::string call = layer.contains("call")
                             ? " <span class=\"call\">call " +
                                   std::to_string(integer(layer.at("call"), join(q, "call"))) +
                                   "</span>"
                             : "";
      std::string zeros = layer.contains("zeros")
                              ? percent(number(layer.at("zeros"), join(q, "zeros")))
                              : "&mdash;";
      rows += "<tr><td><code>" + escape(text(layer, q, "module")) + "</code>" + call +
              "</td><td>" +
              (layer.contains("shape") ? escape(shapeText(layer.at("shape"), join(q, "shape")))
                                       : "") +
              "</td>";
      for (const char *stat : {"mean", "std", "min", "max"})
        rows += "<td class=\"num\">" + svg::value(number(need(layer, q, stat), join(q, stat))) +
                "</td>";
      rows += "<td class=\"num\">" + zeros + "</td><td>" + histogramSvg(layer, q) + "</td></tr>\n";
    }
    panels += panel("forward", s,
                    layers.empty() ? note("no layers recorded for this sample")
                                   : "<table>\n<thead><tr><th>module</th><th>shape</th>"
                                     "<th class=\"num\">mean</th><th class=\"num\">std</th>"
                                     "<th class=\"num\">min</th><th class=\"num\">max</th>"
                                     "<th class=\"num\">zeros</th><th>histogram</th></tr>"
                                     "</thead>\n<tbody>\n" + rows + "</tbody></table>\n");
  }
  return section("forward", "Forward pass of a sample", intro,
                 chooser("forward", "sample", labels) + panels);
}

/// Module, std and histogram of each entry: the activations or gradients of one initialiser.
std::string statTable(const json &entries, const std::string &path, const std::string &what) {
  if (entries.empty())
    return note("no " + what + " recorded");
  std::string rows;
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string q = at(path, i);
    const json &e = record(entries[i], q);
    rows += "<tr><td><code>" + escape(text(e, q, "module")) + "</code></td><td class=\"num\">" +
            svg::value(number(need(e, q, "std"), join(q, "std"))) + "</td><td>" +
            histogramSvg(e, q) + "</td></tr>\n";
  }
  return "<table>\n<thead><tr><th>module</th><th class=\"num\">std</th><th>" + escape(what) +
         "</th></tr></thead>\n<tbody>\n" + rows + "</tbody></table>\n";
}

std::string initSection(const json &data) {
  const char *intro = "One batch through the model under each initialiser. Kaiming's ReLU gain "
                      "keeps the scale of ReLU activations from layer to layer; Xavier is made "
                      "for tanh, and under ReLU the activations shrink.";
  if (!data.contains("init"))
    return section("init", "Initialisation", intro,
                   note(optionalText(data, "", "init_note",
                                     "run with --data D to compare initialisers on a batch of "
                                     "inputs")));
  const json &init = record(data.at("init"), "init");
  const json &inits = list(init, "init", "initializers");
  if (inits.empty())
    return section("init", "Initialisation", intro, note("no initialisers"));
  std::string gradientsNote =
      optionalText(init, "init", "gradients_note",
                   "no train block: gradient distributions need a loss");
  std::vector<std::string> names, modules; // modules: the chart's x categories, in first order
  std::vector<svg::Series> series;
  std::string panels;
  for (size_t k = 0; k < inits.size(); ++k) {
    std::string p = at("init.initializers", k);
    const json &entry = record(inits[k], p);
    names.push_back(text(entry, p, "name"));
    const json &acts = list(entry, p, "activations");
    svg::Series s{names.back(), {}, false, true};
    for (size_t i = 0; i < acts.size(); ++i) {
      std::string q = at(join(p, "activations"), i);
      std::string module = text(record(acts[i], q), q, "module");
      size_t x = std::find(modules.begin(), modules.end(), module) - modules.begin();
      if (x == modules.size())
        modules.push_back(module);
      s.points.push_back({double(x), number(need(acts[i], q, "std"), join(q, "std"))});
    }
    // An initialiser that lists the modules in another order still draws a left-to-right line.
    std::stable_sort(s.points.begin(), s.points.end(),
                     [](auto a, auto b) { return a.first < b.first; });
    series.push_back(std::move(s));
    std::string gradients = entry.contains("gradients")
                                ? statTable(list(entry, p, "gradients"), join(p, "gradients"),
                                            "gradients")
                                : note(gradientsNote);
    panels += panel("init", k,
                    "<div class=\"columns\"><div><h3>activations</h3>\n" +
                        statTable(acts, join(p, "activations"), "activations") +
                        "</div><div><h3>gradients</h3>\n" + gradients + "</div></div>\n");
  }
  svg::LineChartOptions chart;
  chart.title = "activation std by layer";
  chart.xLabel = "module";
  chart.yLabel = "std (log scale)";
  chart.logY = true; // a bad initialiser's scale grows or shrinks by orders of magnitude
  chart.width = 720;
  for (size_t i = 0; i < modules.size(); ++i)
    chart.xTicks.push_back({double(i), modules[i]});
  std::string chartSvg = modules.empty() ? note("no activations recorded")
                                         : "<div class=\"charts\">" +
                                               svg::lineChart(series, chart) + "</div>\n";
  return section("init", "Initialisation", intro,
                 chartSvg + chooser("init", "initialiser", names) + panels);
}

std::string activationsSection(const json &data) {
  const json &functions = list(data, "", "activations");
  const char *intro = "Each activation function (solid) and its derivative (dashed): where the "
                      "derivative is zero, no gradient flows.";
  if (functions.empty())
    return section("activations", "Activation functions", intro, note("no activation functions"));
  std::vector<std::string> names;
  std::string panels;
  for (size_t k = 0; k < functions.size(); ++k) {
    std::string p = at("activations", k);
    const json &f = record(functions[k], p);
    names.push_back(text(f, p, "name"));
    std::vector<double> x = numbers(f, p, "x"), y = numbers(f, p, "y"), dy = numbers(f, p, "dy");
    if (y.size() != x.size())
      fail(join(p, "y"), "must have as many values as x (" + std::to_string(x.size()) + ")");
    if (dy.size() != x.size())
      fail(join(p, "dy"), "must have as many values as x (" + std::to_string(x.size()) + ")");
    svg::Series value{names.back() + "(x)", {}, false, false};
    svg::Series slope{"derivative", {}, true, false};
    for (size_t i = 0; i < x.size(); ++i) {
      value.points.push_back({x[i], y[i]});
      slope.points.push_back({x[i], dy[i]});
    }
    svg::LineChartOptions chart;
    chart.title = names.back();
    chart.xLabel = "x";
    chart.width = 640;
    chart.height = 320;
    panels += panel("activations", k,
                    "<div class=\"charts\">" + svg::lineChart({value, slope}, chart) + "</div>\n");
  }
  return section("activations", "Activation functions", intro,
                 chooser("activations", "function", names) + panels);
}

std::string paramsSection(const json &data) {
  const json &sweep = list(data, "", "sweep");
  const char *intro = "How the parameter count changes with each integer argument of the model, "
                      "the others at their defaults.";
  if (sweep.empty())
    return section("params", "Parameter count", intro, note("the model has no integer arguments"));
  std::vector<std::string> names;
  std::string panels;
  for (size_t k = 0; k < sweep.size(); ++k) {
    std::string p = at("sweep", k);
    const json &entry = record(sweep[k], p);
    names.push_back(text(entry, p, "argument"));
    int64_t fallback = integer(need(entry, p, "default"), join(p, "default"));
    const json &values = list(entry, p, "values"), &params = list(entry, p, "params");
    if (params.size() != values.size())
      fail(join(p, "params"),
           "must have as many entries as values (" + std::to_string(values.size()) + ")");
    const json *errors = nullptr;
    if (entry.contains("errors")) {
      errors = &record(entry.at("errors"), join(p, "errors"));
      for (const auto &[key, message] : errors->items())
        if (!message.is_string())
          fail(join(join(p, "errors"), key), "must be a string");
    }
    svg::Series counts{"parameters", {}, false, true};
    svg::LineChartOptions chart;
    chart.title = "parameters by " + names.back();
    chart.xLabel = names.back();
    chart.logX = true;
    std::string rows;
    for (size_t i = 0; i < values.size(); ++i) {
      int64_t v = integer(values[i], at(join(p, "values"), i));
      chart.logX = chart.logX && (v > 0 || params[i].is_null()); // a log axis drops x <= 0
      std::string key = std::to_string(v), cell = "&mdash;", remark;
      double count = NAN;
      if (!params[i].is_null()) {
        int64_t n = integer(params[i], at(join(p, "params"), i));
        count = double(n);
        cell = nnrt::cli::withThousands(n);
      }
      if (errors && errors->contains(key))
        remark = "<span class=\"error\">" + escape(errors->at(key).get<std::string>()) + "</span>";
      else if (v == fallback)
        remark = "default";
      counts.points.push_back({double(v), count});
      chart.xTicks.push_back({double(v), key});
      rows += std::string(v == fallback ? "<tr class=\"default\">" : "<tr>") +
              "<td class=\"num\">" + key + "</td><td class=\"num\">" + cell + "</td><td>" +
              remark + "</td></tr>\n";
    }
    chart.hasMarkX = true;
    chart.markX = double(fallback);
    chart.markLabel = "default " + std::to_string(fallback);
    panels += panel("params", k,
                    "<div class=\"columns\"><div><table>\n<thead><tr><th class=\"num\">" +
                        escape(names.back()) + "</th><th class=\"num\">parameters</th><th></th>"
                        "</tr></thead>\n<tbody>\n" + rows + "</tbody></table></div><div>" +
                        svg::lineChart({counts}, chart) + "</div></div>\n");
  }
  return section("params", "Parameter count", intro,
                 chooser("params", "argument", names) + panels);
}

std::string curvesSection(const json &data) {
  const char *intro = "Loss and accuracy per epoch, as `train --metrics` recorded them.";
  if (!data.contains("curves"))
    return section("curves", "Training curves", intro,
                   note(optionalText(data, "", "curves_note",
                                     "pass --metrics M (the metrics file of `train --metrics`) "
                                     "to see training curves")));
  const json &curves = record(data.at("curves"), "curves");
  std::vector<double> epochs = numbers(curves, "curves", "epochs");
  const json &entries = list(curves, "curves", "series");
  std::vector<std::string> panelNames; // in the order of their first series
  std::vector<std::vector<svg::Series>> panelSeries;
  for (size_t k = 0; k < entries.size(); ++k) {
    std::string p = at("curves.series", k);
    const json &entry = record(entries[k], p);
    std::string name = text(entry, p, "name"), panelName = text(entry, p, "panel");
    std::vector<double> values = numbers(entry, p, "values");
    if (values.size() != epochs.size())
      fail(join(p, "values"),
           "must have as many values as epochs (" + std::to_string(epochs.size()) + ")");
    size_t slot = std::find(panelNames.begin(), panelNames.end(), panelName) - panelNames.begin();
    if (slot == panelNames.size()) {
      panelNames.push_back(panelName);
      panelSeries.emplace_back();
    }
    svg::Series s{name, {}, false, true};
    for (size_t i = 0; i < epochs.size(); ++i)
      s.points.push_back({epochs[i], values[i]});
    panelSeries[slot].push_back(std::move(s));
  }
  if (panelNames.empty() || epochs.empty())
    return section("curves", "Training curves", intro, note("the metrics hold no epochs"));
  std::string charts;
  for (size_t i = 0; i < panelNames.size(); ++i) {
    svg::LineChartOptions chart;
    chart.title = panelNames[i];
    chart.xLabel = "epoch";
    chart.width = 540;
    if (epochs.size() <= 15)
      for (double e : epochs)
        chart.xTicks.push_back({e, svg::value(e)});
    charts += svg::lineChart(panelSeries[i], chart);
  }
  return section("curves", "Training curves", intro,
                 "<div class=\"charts\">" + charts + "</div>\n");
}

const char *kStyle = R"(
:root { color-scheme: light; }
body { margin: 0; background: #f4f5f7; color: #1d2329;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 22px; margin: 0 0 2px; }
.meta { color: #5b6570; margin: 0 0 8px; }
nav a { margin-right: 14px; color: #1f5fa8; text-decoration: none; }
section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; margin: 16px 0;
  padding: 4px 18px 16px; }
h2 { font-size: 17px; margin: 12px 0 2px; }
h3 { font-size: 14px; margin: 8px 0 4px; color: #444; }
.intro { color: #5b6570; margin: 0 0 10px; }
.note { background: #fff8e1; border-left: 3px solid #f0b400; padding: 6px 10px; margin: 6px 0; }
table { border-collapse: collapse; margin: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eceef1; text-align: left;
  vertical-align: middle; }
th { font-weight: 600; color: #444; background: #f7f8fa; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12.5px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.modules td { padding-top: 2px; padding-bottom: 2px; }
.bar { display: inline-block; width: 140px; height: 9px; background: #eceef1; border-radius: 2px;
  vertical-align: middle; margin-right: 6px; }
.bar div { height: 100%; background: #4c78a8; border-radius: 2px; }
.share, .call { color: #6b7580; font-size: 12px; }
.control { display: inline-block; margin: 4px 0 8px; font-weight: 600; }
select { font: inherit; padding: 2px 4px; margin-left: 4px; }
.choice[hidden] { display: none; }
.columns, .charts { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; }
svg.chart { max-width: 100%; height: auto; font-family: inherit; }
svg.hist { display: block; font-family: inherit; }
tr.default td { font-weight: 600; }
.error { color: #b00020; }
)";

/// Switches panels; with #selftest in the URL it also tries every option of
/// every select and reports any that does not show exactly its own panel.
/// It logs nothing on success: tests treat any console line as a failure.
const char *kScript = R"(
(function () {
  'use strict';
  function panels(group) {
    return document.querySelectorAll('.choice[data-group="' + group + '"]');
  }
  function show(select) {
    var all = panels(select.getAttribute('data-group'));
    for (var i = 0; i < all.length; i++)
      all[i].hidden = all[i].getAttribute('data-index') !== select.value;
  }
  var selects = document.querySelectorAll('select[data-group]');
  for (var i = 0; i < selects.length; i++) {
    selects[i].addEventListener('change', function (event) { show(event.target); });
    show(selects[i]);
  }
  if (location.hash === '#selftest') {
    var problems = 0, tried = 0;
    for (var s = 0; s < selects.length; s++) {
      var select = selects[s], group = select.getAttribute('data-group');
      for (var o = 0; o < select.options.length; o++) {
        select.selectedIndex = o;
        select.dispatchEvent(new Event('change'));
        tried++;
        var shown = [], all = panels(group);
        for (var p = 0; p < all.length; p++)
          if (!all[p].hidden && all[p].offsetHeight > 0) shown.push(all[p]);
        if (shown.length !== 1 || shown[0].getAttribute('data-index') !== select.value ||
            shown[0].children.length === 0) {
          problems++;
          console.error('selftest: ' + group + ' option ' + o + ' shows ' + shown.length +
                        ' panels');
        }
      }
      select.selectedIndex = 0;
      select.dispatchEvent(new Event('change'));
    }
    document.body.setAttribute('data-selftest', problems ? 'failed' : 'passed');
    document.body.setAttribute('data-selftest-options', String(tried));
  }
  document.body.setAttribute('data-ready', '1');
})();
)";

} // namespace

// The data (all names are JSON keys; "?" marks an optional field):
//   model, source: strings; generated_by?: string
//   modules: {path, type, params, own_params?, parameters?: [{name, shape}], children?: [node]}
//   forward?: {samples: [{label, layers: [{module, call?, shape?, mean, std, min, max, zeros?,
//              histogram: {lo, hi, counts}}]}]};             forward_note?: string
//   init?: {initializers: [{name, activations: [{module, std, histogram}], gradients?: [same]}],
//           gradients_note?: string};                        init_note?: string
//   activations: [{name, x, y, dy}]                           (lists of equal length)
//   sweep: [{argument, default, values, params, errors?: {"value": message}}]
//   curves?: {epochs, series: [{name, panel, values}]};      curves_note?: string
// Numbers may be null where a value is missing; it is drawn as a gap.
std::string explorePageHtml(const json &data) {
  if (!data.is_object())
    throw std::invalid_argument("explore data: the top level must be an object");
  std::string model = text(data, "", "model"), source = text(data, "", "source");
  // Every section is rendered before any output so that a bad field throws early.
  std::string body = modulesSection(data) + forwardSection(data) + initSection(data) +
                     activationsSection(data) + paramsSection(data) + curvesSection(data);
  std::string meta = "<code>" + escape(source) + "</code>";
  if (data.contains("generated_by"))
    meta += " &middot; generated by " + escape(text(data, "", "generated_by"));
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<title>nnc explore: " + escape(model) + "</title>\n<style>" + kStyle +
                    "</style>\n</head>\n<body>\n<header>\n<h1>nnc explore: " + escape(model) +
                    "</h1>\n<p class=\"meta\">" + meta + "</p>\n<nav>";
  for (auto [id, title] : {std::pair{"modules", "modules"}, {"forward", "forward pass"},
                           {"init", "initialisation"}, {"activations", "activations"},
                           {"params", "parameter count"}, {"curves", "training curves"}})
    out += std::string("<a href=\"#") + id + "\">" + title + "</a>";
  return out + "</nav>\n</header>\n<main>\n" + body + "</main>\n<script>" + kScript +
         "</script>\n</body>\n</html>\n";
}

} // namespace nnc::driver
