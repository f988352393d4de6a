//===- test_explore_page.cpp - Unit tests of driver/explore_page ----------===//
//
// The page of `nnc explore` from tests/explore/sample.json and variations of
// it: every section present, user text escaped, equal data giving equal
// bytes, errors naming the missing or mistyped field, non-finite numbers kept
// out of SVG coordinates, and empty or absent sections replaced by notes.
// tests/explore/browser_check.sh opens the same page in a real browser.
//
//===----------------------------------------------------------------------===//
#include <doctest/doctest.h>

#include "driver/explore_page.h"
#include "driver/svg_charts.h"

#include "cli.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <stdexcept>

using nlohmann::json;
using nnc::driver::explorePageHtml;
namespace svg = nnc::driver::svg;

namespace {

json sample() {
  std::ifstream in(std::string(NNC_TEST_SOURCE_DIR) + "/tests/explore/sample.json");
  REQUIRE(in.good());
  return json::parse(in);
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

size_t count(const std::string &text, const std::string &part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

/// The message of the std::invalid_argument that rendering `data` throws; "" if none.
std::string errorOf(const json &data) {
  try {
    explorePageHtml(data);
  } catch (const std::invalid_argument &e) {
    return e.what();
  }
  return "";
}

/// The values of the attributes that hold SVG coordinates and sizes.
std::vector<std::string> coordinateAttributes(const std::string &html) {
  static const std::set<std::string> names = {"x",  "y",  "x1",    "x2",     "y1",     "y2",
                                              "cx", "cy", "width", "height", "points", "viewBox"};
  std::vector<std::string> values;
  for (size_t eq = html.find("=\""); eq != std::string::npos; eq = html.find("=\"", eq + 2)) {
    size_t start = eq;
    while (start > 0 && std::isalnum(static_cast<unsigned char>(html[start - 1])))
      --start;
    size_t end = html.find('"', eq + 2);
    if (names.count(html.substr(start, eq - start)))
      values.push_back(html.substr(eq + 2, end - eq - 2));
  }
  return values;
}

const char *kSections[] = {"modules", "forward", "init", "activations", "params", "curves"};

} // namespace

TEST_CASE("explore page: every section of the sample with its id and heading") {
  std::string html = explorePageHtml(sample());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  for (const char *id : kSections) {
    CAPTURE(id);
    CHECK(count(html, std::string("<section id=\"") + id + "\">\n<h2>") == 1);
    CHECK(contains(html, std::string("<a href=\"#") + id + "\">"));
  }
  CHECK(contains(html, "<title>nnc explore: MLP</title>"));
  CHECK(contains(html, "examples/mlp.nnm"));
  // Thousands separators, the own parameters with their shapes, the share bar.
  CHECK(contains(html, "235,146"));
  CHECK(contains(html, "<code>net.0.weight</code> [256, 784]"));
  CHECK(contains(html, "width:85.5%"));
  // One select per switchable section; the first panel shown, the others hidden.
  CHECK(count(html, "<select data-group=") == 4);
  CHECK(contains(html, "data-group=\"forward\" data-index=\"0\">"));
  CHECK(contains(html, "data-group=\"forward\" data-index=\"1\" hidden>"));
  CHECK(contains(html, "activation std by layer"));
  CHECK(contains(html, "out_features must be at least 1")); // a rejected sweep value
  CHECK(contains(html, "default 256"));
  // Self-contained: one script, ours; nothing fetched.
  CHECK(count(html, "<script") == 1);
  CHECK_FALSE(contains(html, "src="));
  CHECK_FALSE(contains(html, "http"));
  CHECK_FALSE(contains(html, "class=\"note\"")); // every section has its data
}

TEST_CASE("explore page: user text is escaped and inert") {
  json data = sample();
  data["model"] = "<script>alert(1)</script>";
  data["source"] = "/tmp/a\"b'<c>&.nnm";
  data["modules"]["children"][0]["path"] = "<script>alert(2)</script>";
  data["modules"]["children"][0]["type"] = "<img src=x onerror=alert(3)>";
  data["forward"]["samples"][0]["label"] = "</option><script>alert(4)</script>";
  data["sweep"][2]["errors"]["0"] = "<b>bad</b>";
  std::string html = explorePageHtml(data);
  CHECK(count(html, "<script") == 1);
  CHECK_FALSE(contains(html, "<img"));
  CHECK_FALSE(contains(html, "<b>bad"));
  CHECK(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(contains(html, "&lt;script&gt;alert(2)&lt;/script&gt;"));
  CHECK(contains(html, "&lt;img src=x onerror=alert(3)&gt;"));
  CHECK(contains(html, "/tmp/a&quot;b&#39;&lt;c&gt;&amp;.nnm"));
  CHECK(svg::escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
}

TEST_CASE("explore page: equal data gives equal bytes") {
  json data = sample();
  std::string first = explorePageHtml(data);
  CHECK(explorePageHtml(data) == first);
  CHECK(explorePageHtml(json::parse(data.dump())) == first);
}

TEST_CASE("explore page: a missing or mistyped field is named") {
  json data = sample();
  data.erase("model");
  CHECK(contains(errorOf(data), "\"model\" is missing"));

  data = sample();
  data["source"] = 3;
  CHECK(contains(errorOf(data), "\"source\" must be a string"));

  data = sample();
  data.erase("modules");
  CHECK(contains(errorOf(data), "\"modules\" is missing"));

  data = sample();
  data["modules"]["children"][0]["children"][2].erase("params");
  CHECK(contains(errorOf(data), "\"modules.children[0].children[2].params\" is missing"));

  data = sample();
  data["modules"]["children"][0]["params"] = "many";
  CHECK(contains(errorOf(data), "\"modules.children[0].params\" must be an integer"));

  data = sample();
  data["activations"][1]["dy"].erase(0);
  CHECK(contains(errorOf(data), "\"activations[1].dy\" must have as many values as x"));

  data = sample();
  data["sweep"] = json::object();
  CHECK(contains(errorOf(data), "\"sweep\" must be a list"));

  data = sample();
  data["forward"]["samples"][1]["layers"][3].erase("histogram");
  CHECK(contains(errorOf(data), "\"forward.samples[1].layers[3].histogram\" is missing"));

  data = sample();
  data["curves"]["series"][0]["values"][2] = "high";
  CHECK(contains(errorOf(data), "\"curves.series[0].values[2]\" must be a number"));

  CHECK(contains(errorOf(json::array()), "top level must be an object"));
}

TEST_CASE("explore page: NaN and infinity never reach an SVG coordinate") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  json data = sample();
  json &layer = data["forward"]["samples"][0]["layers"][0];
  layer["mean"] = nan;
  layer["histogram"]["lo"] = -inf;
  data["forward"]["samples"][0]["layers"][1]["histogram"]["counts"][3] = inf;
  data["forward"]["samples"][0]["layers"][2]["histogram"]["hi"] = nan;
  data["init"]["initializers"][0]["activations"][2]["std"] = inf;
  data["init"]["initializers"][1]["activations"][0]["std"] = nan;
  data["activations"][0]["y"][5] = inf;
  data["activations"][0]["x"][6] = nan;
  data["curves"]["series"][0]["values"][4] = nan;
  data["curves"]["series"][2]["values"][0] = -inf;
  data["curves"]["epochs"][9] = inf;
  std::string html = explorePageHtml(data);
  std::vector<std::string> values = coordinateAttributes(html);
  CHECK(values.size() > 1000);
  for (const std::string &v : values) {
    CAPTURE(v);
    CHECK_FALSE(contains(v, "nan"));
    CHECK_FALSE(contains(v, "inf"));
    CHECK_FALSE(contains(v, "NaN"));
  }
  CHECK(contains(html, "<td class=\"num\">NaN</td>")); // the statistic itself is shown
  CHECK(contains(html, ">no data</text>"));             // the histogram without a range

  // A chart with nothing finite says so.
  svg::Series s{"empty", {{nan, 1}, {1, inf}}, false, true};
  std::string chart = svg::lineChart({s}, {});
  CHECK(contains(chart, "no finite values"));
  for (const std::string &v : coordinateAttributes(chart))
    CHECK_FALSE(contains(v, "nan"));
}

TEST_CASE("explore page: empty lists give notes, not broken charts") {
  json data = sample();
  data["sweep"] = json::array();
  data["activations"] = json::array();
  data["forward"]["samples"] = json::array();
  data["init"]["initializers"] = json::array();
  data["curves"]["series"] = json::array();
  data["modules"]["children"] = json::array();
  std::string html = explorePageHtml(data);
  for (const char *id : kSections)
    CHECK(contains(html, std::string("<section id=\"") + id + "\">"));
  CHECK(contains(html, "the model has no integer arguments"));
  CHECK(contains(html, "no activation functions"));
  CHECK(contains(html, "no samples"));
  CHECK(contains(html, "no initialisers"));
  CHECK(contains(html, "the metrics hold no epochs"));
  CHECK(count(html, "<select") == 0);
  CHECK(contains(html, "(model)"));

  data = sample();
  data["forward"]["samples"][0]["layers"] = json::array();
  data["sweep"][0]["values"] = json::array();
  data["sweep"][0]["params"] = json::array();
  data["forward"]["samples"][1]["layers"][0]["histogram"]["counts"] = json::array();
  html = explorePageHtml(data);
  CHECK(contains(html, "no layers recorded for this sample"));
  CHECK(contains(html, ">no data</text>"));
}

TEST_CASE("explore page: absent optional sections say what would show them") {
  json data = sample();
  data.erase("forward");
  data.erase("init");
  data.erase("curves");
  data.erase("generated_by");
  std::string html = explorePageHtml(data);
  for (const char *id : kSections)
    CHECK(contains(html, std::string("<section id=\"") + id + "\">"));
  CHECK(contains(html, "run with --params P and --data D to see the forward pass of a sample"));
  CHECK(contains(html, "pass --metrics M (the metrics file of `train --metrics`) to see "
                       "training curves"));
  CHECK(contains(html, "class=\"note\">run with --data D"));
  CHECK_FALSE(contains(html, "generated by"));

  data["forward_note"] = "the model's input is not an image <yet>";
  data["curves_note"] = "no metrics file";
  html = explorePageHtml(data);
  CHECK(contains(html, "the model&#39;s input is not an image &lt;yet&gt;"));
  CHECK(contains(html, "no metrics file"));

  data = sample();
  data["init"]["initializers"][1].erase("gradients");
  html = explorePageHtml(data);
  CHECK(contains(html, "no train block: gradient distributions need a loss"));
  data["init"]["gradients_note"] = "the loss needs a target";
  CHECK(contains(explorePageHtml(data), "the loss needs a target"));
}

TEST_CASE("explore page: number formats") {
  CHECK(nnrt::cli::withThousands(0) == "0");
  CHECK(nnrt::cli::withThousands(999) == "999");
  CHECK(nnrt::cli::withThousands(1000) == "1,000");
  CHECK(nnrt::cli::withThousands(235146) == "235,146");
  CHECK(nnrt::cli::withThousands(-1234567) == "-1,234,567");
  CHECK(nnrt::cli::withThousands(std::numeric_limits<int64_t>::min()) == "-9,223,372,036,854,775,808");
  CHECK(svg::value(0.000290712) == "0.0002907");
  CHECK(svg::value(std::nan("")) == "NaN");
  CHECK(svg::value(-INFINITY) == "-inf");
  CHECK(svg::coord(-0.001) == "0.00");
  CHECK(svg::coord(NAN) == "0.00");
}
