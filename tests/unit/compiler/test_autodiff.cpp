//===- test_autodiff.cpp - Gradient checks against finite differences -----===//
//
// Every op's VJP rule, and every example model, checked the same way: the
// symbolic gradient (the reverse graph, evaluated by the double-precision
// reference interpreter) against central finite differences of the forward
// graph, for every element of every differentiated leaf.
//
//===----------------------------------------------------------------------===//
#include "autodiff/backward.h"
#include "ir/interpreter.h"
#include "passes/dce.h"
#include "test_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace nnc::test {
namespace {

using ir::HostTensor;

struct GradCheck {
  double maxError = 0; ///< max |symbolic - numeric| / max(1, |numeric|)
  std::string worst;
  int checked = 0;
};

/// Random leaves for every input and parameter of `g`: uniform in [lo, hi],
/// with magnitudes below 0.05 pushed away from 0 (kinks of relu, abs, max).
/// Matrix parameters are scaled by 1/sqrt(fan_in), as PyTorch initialises
/// them: unscaled, activations grow by ~sqrt(fan_in) per layer, and the
/// finite differences of a deep stack drown in round-off.
std::map<std::string, HostTensor> randomLeaves(const ir::Graph &g,
                                               const std::map<std::string, int64_t> &symbols,
                                               double lo, double hi, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::map<std::string, HostTensor> leaves;
  for (const auto &node : g.nodes()) {
    if (node->op != ir::OpKind::Input && node->op != ir::OpKind::Param)
      continue;
    HostTensor t = HostTensor::zeros(ir::concreteShape(node->shape, symbols));
    double scale = node->op == ir::OpKind::Param && t.shape.size() == 2
                       ? 1 / std::sqrt(static_cast<double>(t.shape[1]))
                       : 1.0;
    for (double &v : t.data) {
      v = u(rng);
      if (std::fabs(v) < 0.05)
        v += v < 0 ? -0.1 : 0.1;
      v *= scale;
    }
    leaves[node->attrs.name] = t;
  }
  return leaves;
}

/// L = sum_i <seed_i, output_i> for the first `count` outputs.
double objective(const ir::Graph &g, size_t count,
                 const std::map<std::string, int64_t> &symbols,
                 const std::map<std::string, HostTensor> &leaves) {
  std::vector<HostTensor> out = ir::interpret(g, symbols, leaves);
  double sum = 0;
  for (size_t i = 0; i < count; ++i) {
    const HostTensor &seed = leaves.at("seed." + std::to_string(i));
    for (size_t k = 0; k < out[i].data.size(); ++k)
      sum += seed.data[k] * out[i].data[k];
  }
  return sum;
}

/// Differentiates `g` (in place) with respect to every input and parameter,
/// and compares with central differences: every element of a leaf, or
/// `perLeaf` of them chosen at random in the big ones.
GradCheck gradCheck(ir::Graph &g, const std::map<std::string, int64_t> &symbols,
                    double lo = -2, double hi = 2, unsigned seed = 1,
                    size_t perLeaf = 1000000) {
  std::vector<const ir::Node *> outputs = g.outputs(), seeds, wrt;
  for (const auto &node : g.nodes())
    if (node->op == ir::OpKind::Input || node->op == ir::OpKind::Param)
      wrt.push_back(node.get());
  for (size_t i = 0; i < outputs.size(); ++i)
    seeds.push_back(g.addLeaf(ir::OpKind::Input, "seed." + std::to_string(i),
                              outputs[i]->shape));
  for (const ir::Node *grad : autodiff::backward(g, outputs, seeds, wrt))
    g.addOutput(grad);
  REQUIRE(ir::verifyGraph(g) == "");
  std::unique_ptr<ir::Graph> clean = passes::eliminateDeadCode(g);
  REQUIRE(ir::verifyGraph(*clean) == "");

  std::map<std::string, HostTensor> leaves = randomLeaves(g, symbols, lo, hi, seed);
  std::vector<HostTensor> all = ir::interpret(*clean, symbols, leaves);
  GradCheck result;
  const double eps = 1e-6;
  for (size_t w = 0; w < wrt.size(); ++w) {
    const std::string &name = wrt[w]->attrs.name;
    const HostTensor &symbolic = all[outputs.size() + w];
    HostTensor &x = leaves[name];
    REQUIRE(symbolic.shape == x.shape);
    std::vector<size_t> picks(x.data.size());
    for (size_t k = 0; k < picks.size(); ++k)
      picks[k] = k;
    std::mt19937_64 pick(seed + w);
    std::shuffle(picks.begin(), picks.end(), pick);
    picks.resize(std::min(picks.size(), perLeaf));
    for (size_t k : picks) {
      double saved = x.data[k];
      x.data[k] = saved + eps;
      double plus = objective(g, outputs.size(), symbols, leaves);
      x.data[k] = saved - eps;
      double minus = objective(g, outputs.size(), symbols, leaves);
      x.data[k] = saved;
      double numeric = (plus - minus) / (2 * eps);
      double error = std::fabs(symbolic.data[k] - numeric) /
                     std::max(1.0, std::fabs(numeric));
      ++result.checked;
      if (error > result.maxError) {
        result.maxError = error;
        result.worst = name + "[" + std::to_string(k) + "]: symbolic " +
                       std::to_string(symbolic.data[k]) + ", numeric " +
                       std::to_string(numeric);
      }
    }
  }
  return result;
}

constexpr double kTolerance = 1e-6;

std::unique_ptr<ir::Graph> parse(const std::string &text) {
  std::string error;
  std::unique_ptr<ir::Graph> g = ir::parseGraph(text, error);
  INFO(error);
  REQUIRE(g);
  return g;
}

struct OpCase {
  const char *name;
  const char *body; ///< nodes after the inputs %0 = a [B, 3], %1 = b [3]
  double lo, hi;
};

} // namespace

TEST_CASE("autodiff: every op's VJP matches central differences") {
  const OpCase cases[] = {
      {"neg", "%2 = neg %0 : f32[B, 3]", -2, 2},
      {"exp", "%2 = exp %0 : f32[B, 3]", -2, 2},
      {"log", "%2 = log %0 : f32[B, 3]", 0.5, 2},
      {"tanh", "%2 = tanh %0 : f32[B, 3]", -2, 2},
      {"erf", "%2 = erf %0 : f32[B, 3]", -2, 2},
      {"sqrt", "%2 = sqrt %0 : f32[B, 3]", 0.5, 2},
      {"abs", "%2 = abs %0 : f32[B, 3]", -2, 2},
      {"relu", "%2 = relu %0 : f32[B, 3]", -2, 2},
      {"sigmoid", "%2 = sigmoid %0 : f32[B, 3]", -2, 2},
      {"add (broadcast)", "%2 = add %0, %1 : f32[B, 3]", -2, 2},
      {"sub (broadcast)", "%2 = sub %1, %0 : f32[B, 3]", -2, 2},
      {"mul (broadcast)", "%2 = mul %0, %1 : f32[B, 3]", -2, 2},
      {"div (broadcast)", "%2 = div %0, %1 : f32[B, 3]", 0.5, 2},
      {"max", "%2 = max %0, %1 : f32[B, 3]", -2, 2},
      {"min", "%2 = min %1, %0 : f32[B, 3]", -2, 2},
      {"select", "%2 = gt %0, %1 : f32[B, 3]\n%3 = select %2, %0, %1 : f32[B, 3]", -2, 2},
      {"broadcast", "%2 = broadcast %1 {shape = [B, 3]} : f32[B, 3]\n%3 = mul %2, %0 : f32[B, 3]", -2, 2},
      {"transpose", "%2 = transpose %0 {perm = [1, 0]} : f32[3, B]", -2, 2},
      {"reshape", "%2 = reshape %0 {shape = [3, B]} : f32[3, B]", -2, 2},
      {"matmul", "%2 = reshape %1 {shape = [3, 1]} : f32[3, 1]\n%3 = matmul %0, %2 : f32[B, 1]", -2, 2},
      {"reduce_sum", "%2 = reduce_sum %0 {axes = [1], keepdim = false} : f32[B]", -2, 2},
      {"reduce_sum all", "%2 = reduce_sum %0 {axes = [0, 1], keepdim = true} : f32[1, 1]", -2, 2},
      {"reduce_max", "%2 = reduce_max %0 {axes = [1], keepdim = true} : f32[B, 1]", -2, 2},
      {"reduce_mean", "%2 = reduce_mean %0 {axes = [1], keepdim = false} : f32[B]", -2, 2},
      {"reduce_mean over a symbol", "%2 = reduce_mean %0 {axes = [0], keepdim = true} : f32[1, 3]", -2, 2},
      {"reduce_max axis 0", "%2 = reduce_max %0 {axes = [0], keepdim = false} : f32[3]", -2, 2},
      {"boundary", "%2 = boundary %0 {module = \"m\", call = 1, role = input, index = 0} : f32[B, 3]\n"
                   "%3 = exp %2 : f32[B, 3]", -2, 2},
  };
  for (const OpCase &c : cases) {
    std::string op = c.name;
    CAPTURE(op);
    std::string body = c.body;
    std::string last = body.substr(body.rfind('%'), body.find(' ', body.rfind('%')) - body.rfind('%'));
    std::string text = std::string("graph @t(B) {\n") +
                       "%0 = input \"a\" : f32[B, 3]\n%1 = input \"b\" : f32[3]\n" +
                       body + "\nreturn " + last + "\n}\n";
    std::unique_ptr<ir::Graph> g = parse(text);
    GradCheck r = gradCheck(*g, {{"B", 4}}, c.lo, c.hi);
    INFO(r.worst);
    CHECK(r.checked > 0);
    CHECK(r.maxError < kTolerance);
  }
}

TEST_CASE("autodiff: a ReLU gradient is 0 where the input is negative") {
  std::unique_ptr<ir::Graph> g = parse(
      "graph @t() {\n%0 = input \"x\" : f32[2]\n%1 = relu %0 : f32[2]\nreturn %1\n}\n");
  const ir::Node *seed = g->addLeaf(ir::OpKind::Input, "seed", g->outputs()[0]->shape);
  const ir::Node *dx = autodiff::backward(*g, g->outputs(), {seed}, {g->inputs()[0]})[0];
  g->addOutput(dx);
  std::vector<HostTensor> out =
      ir::interpret(*g, {}, {{"x", {{2}, {-1.5, 2.0}}}, {"seed", {{2}, {3.0, 5.0}}}});
  CHECK(out[1].data == std::vector<double>{0.0, 5.0});
}

TEST_CASE("autodiff: a module's input and output gradients are marked as its grad_input and grad_output") {
  std::unique_ptr<ir::Graph> g = parse(
      "graph @t() {\n%0 = input \"x\" : f32[2]\n%1 = param \"w\" : f32[2]\n"
      "%2 = boundary %0 {module = \"net.1\", call = 2, role = input, index = 0} : f32[2]\n"
      "%3 = boundary %1 {module = \"net.1\", call = 2, role = input, index = 1} : f32[2]\n"
      "%4 = mul %2, %3 : f32[2]\n"
      "%5 = boundary %4 {module = \"net.1\", call = 2, role = output, index = 0} : f32[2]\n"
      "return %5\n}\n");
  const ir::Node *seed = g->addLeaf(ir::OpKind::Input, "seed", g->outputs()[0]->shape);
  std::vector<const ir::Node *> grads =
      autodiff::backward(*g, g->outputs(), {seed}, {g->inputs()[0], g->params()[0]});
  // Each gradient reaches its leaf through the grad_input mark of its argument,
  // which reads (through a product) the grad_output mark of the seed.
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    const ir::Node *mark = grads[i];
    REQUIRE(mark->op == ir::OpKind::Boundary);
    CHECK(mark->attrs.boundary.str() ==
          "net.1#2 grad_input " + std::to_string(i));
    const ir::Node *product = mark->operands[0];
    REQUIRE(product->op == ir::OpKind::Mul);
    bool readsGradOutput = false;
    for (const ir::Node *o : product->operands)
      readsGradOutput |= o->op == ir::OpKind::Boundary &&
                         o->attrs.boundary.str() == "net.1#2 grad_output 0" &&
                         o->operands[0] == seed;
    CHECK(readsGradOutput);
  }
  g->addOutput(grads[0]);
  g->addOutput(grads[1]);
  std::vector<HostTensor> out = ir::interpret(
      *g, {}, {{"x", {{2}, {1, 2}}}, {"w", {{2}, {3, 5}}}, {"seed", {{2}, {1, 10}}}});
  CHECK(out[1].data == std::vector<double>{3, 50});
  CHECK(out[2].data == std::vector<double>{1, 20});
}

TEST_CASE("autodiff: a leaf the outputs do not depend on gets zeros") {
  std::unique_ptr<ir::Graph> g = parse("graph @t() {\n%0 = input \"x\" : f32[2]\n"
                                       "%1 = input \"unused\" : f32[3]\n"
                                       "%2 = exp %0 : f32[2]\nreturn %2\n}\n");
  const ir::Node *seed = g->addLeaf(ir::OpKind::Input, "seed", g->outputs()[0]->shape);
  const ir::Node *d = autodiff::backward(*g, g->outputs(), {seed}, {g->inputs()[1]})[0];
  g->addOutput(d);
  std::vector<HostTensor> out = ir::interpret(
      *g, {}, {{"x", {{2}, {1, 2}}}, {"unused", {{3}, {1, 2, 3}}}, {"seed", {{2}, {1, 1}}}});
  CHECK(out[1].shape == std::vector<int64_t>{3});
  CHECK(out[1].data == std::vector<double>{0, 0, 0});
}

TEST_CASE("autodiff: the gradients of every example model match central differences") {
  ensureStdlibEnv();
  for (const ExampleModel &e : exampleModels()) {
    std::string where = std::string(e.file) + " " + e.model;
    CAPTURE(where);
    std::unique_ptr<Compiled> c = compileFile(examplePath(e.file), e.model);
    INFO(c->printed.str());
    REQUIRE(c->model);
    // Batch 2 keeps the element-by-element check of the big models fast.
    GradCheck r = gradCheck(*c->model->graph, {{"B", 2}}, -1, 1, 7, 12);
    INFO(r.worst);
    CHECK(r.checked > 0);
    CHECK(r.maxError < kTolerance);
    MESSAGE(std::string(e.file) << " " << std::string(e.model) << ": " << r.checked
                   << " gradient elements, max error " << r.maxError);
  }
}

} // namespace nnc::test
