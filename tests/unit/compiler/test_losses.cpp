//===- test_losses.cpp - stdlib losses against PyTorch --------------------===//
//
// tests/reference/losses.json (made by make_loss_fixtures.py with PyTorch)
// holds, per loss, an input, a target, and PyTorch's value and gradient with
// respect to the input in float64. Each loss is compiled from a one-line
// model, evaluated by the reference interpreter and differentiated by
// autodiff; both must agree with PyTorch to 1e-10.
//
//===----------------------------------------------------------------------===//
#include "autodiff/backward.h"
#include "ir/interpreter.h"
#include "test_support.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

namespace nnc::test {
namespace {

ir::HostTensor matrix(const nlohmann::json &rows) {
  ir::HostTensor t;
  t.shape = {static_cast<int64_t>(rows.size()),
             static_cast<int64_t>(rows[0].size())};
  for (const auto &row : rows)
    for (double v : row)
      t.data.push_back(v);
  return t;
}

} // namespace

TEST_CASE("losses: value and input gradient match PyTorch") {
  std::ifstream in(std::string(NNC_TEST_SOURCE_DIR) + "/tests/reference/losses.json");
  REQUIRE(in);
  nlohmann::json fixtures = nlohmann::json::parse(in);
  ensureStdlibEnv();
  TempDir dir;
  int checked = 0;
  for (const nlohmann::json &c : fixtures["cases"]) {
    std::string loss = c["loss"];
    CAPTURE(loss);
    ir::HostTensor x = matrix(c["input"]), t = matrix(c["target"]);
    std::string source = "module L {\n  forward(x: [B, " +
                         std::to_string(x.shape[1]) + "], t: [B, " +
                         std::to_string(x.shape[1]) + "]) -> [] { return " +
                         loss + "(x, t) }\n}\nmodel L\n";
    std::unique_ptr<Compiled> compiled = compileText(dir, source);
    INFO(compiled->printed.str());
    REQUIRE(compiled->model);
    ir::Graph &g = *compiled->model->graph;
    const ir::Node *seed = g.addLeaf(ir::OpKind::Input, "seed", {});
    const ir::Node *xNode = g.inputs()[0];
    g.addOutput(autodiff::backward(g, {g.outputs()[0]}, {seed}, {xNode})[0]);
    std::vector<ir::HostTensor> out = ir::interpret(
        g, {{"B", x.shape[0]}}, {{"x", x}, {"t", t}, {"seed", {{}, {1.0}}}});
    double expected = c["value"];
    CHECK(out[0].data[0] == doctest::Approx(expected).epsilon(1e-10));
    ir::HostTensor grad = matrix(c["grad"]);
    REQUIRE(out[1].shape == grad.shape);
    double worst = 0;
    for (size_t k = 0; k < grad.data.size(); ++k)
      worst = std::max(worst, std::fabs(out[1].data[k] - grad.data[k]));
    CHECK(worst < 1e-10);
    ++checked;
  }
  CHECK(checked == 6);
}

} // namespace nnc::test
