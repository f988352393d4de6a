//===- test_ir_roundtrip.cpp - Unit tests of the IR printer and parser ----===//
//
// print -> parse -> print is the identity, for hand-built graphs covering
// every attribute form and for the forward graph of every example; the IR
// parser's errors carry line:col; and Graph interns equal nodes.
//
//===----------------------------------------------------------------------===//
#include "test_support.h"

#include "ir/graph.h"

using namespace nnc;
using namespace nnc::ir;

namespace {

std::string print(const Graph &g) {
  std::ostringstream out;
  printGraph(g, out);
  return out.str();
}

/// Parses `text`, failing the test with the parser's message on error.
std::unique_ptr<Graph> parseOk(const std::string &text) {
  std::string error;
  std::unique_ptr<Graph> g = parseGraph(text, error);
  INFO(text);
  CHECK_MESSAGE(g != nullptr, error);
  return g;
}

/// The error message of parsing `text`, which must fail.
std::string parseError(const std::string &text) {
  std::string error;
  std::unique_ptr<Graph> g = parseGraph(text, error);
  CHECK(g == nullptr);
  return error;
}

void checkRoundTrip(const Graph &g) {
  std::string first = print(g);
  std::unique_ptr<Graph> reparsed = parseOk(first);
  REQUIRE(reparsed);
  CHECK(print(*reparsed) == first);
  CHECK(verifyGraph(*reparsed) == "");
  CHECK(reparsed->nodes().size() == g.nodes().size());
  CHECK(reparsed->inputs().size() == g.inputs().size());
  CHECK(reparsed->params().size() == g.params().size());
  CHECK(reparsed->outputs().size() == g.outputs().size());
  CHECK(reparsed->symbols() == g.symbols());
}

Attrs perm(std::vector<int64_t> p) {
  Attrs a;
  a.axes = std::move(p);
  return a;
}

/// A graph using every attribute form: names, constants, perm, shape, axes
/// with keepdim, a ternary op and two outputs.
std::unique_ptr<Graph> handBuilt() {
  auto g = std::make_unique<Graph>("Hand");
  g->addSymbol("B");
  Dim b = Dim::symbol("B");
  const Node *x = g->addLeaf(OpKind::Input, "x", {b, Dim::constant(2),
                                                  Dim::constant(2)});
  const Node *w = g->addLeaf(OpKind::Param, "layer.weight", constShape({3, 4}));
  Attrs flat;
  flat.shape = {b, Dim::constant(4)};
  const Node *x2 = g->add(OpKind::Reshape, {x}, flat);
  const Node *wt = g->add(OpKind::Transpose, {w}, perm({1, 0}));
  const Node *y = g->add(OpKind::MatMul, {x2, wt}, {});
  const Node *half = g->constant(0.1);
  const Node *tiny = g->constant(-2.5e-30);
  const Node *three = g->constant(3.0);
  const Node *scaled = g->add(OpKind::Mul, {y, half}, {});
  const Node *pos = g->add(OpKind::Greater, {scaled, tiny}, {});
  const Node *sel = g->add(OpKind::Select, {pos, scaled, three}, {});
  Attrs rowMax;
  rowMax.axes = {1};
  rowMax.keepdim = true;
  const Node *m = g->add(OpKind::ReduceMax, {sel}, rowMax);
  const Node *e = g->add(OpKind::Exp, {g->add(OpKind::Sub, {sel, m}, {})}, {});
  Attrs total;
  total.axes = {0, 1};
  const Node *s = g->add(OpKind::ReduceSum, {e}, total);
  g->addOutput(e);
  g->addOutput(s);
  return g;
}

} // namespace

TEST_CASE("ir: a hand-built graph prints in the documented form") {
  std::unique_ptr<Graph> g = handBuilt();
  std::string text = print(*g);
  CHECK(text.rfind("graph @Hand(B) {\n", 0) == 0);
  CHECK(text.find("%0 = input \"x\" : f32[B, 2, 2]\n") != std::string::npos);
  CHECK(text.find("%1 = param \"layer.weight\" : f32[3, 4]\n") !=
        std::string::npos);
  CHECK(text.find("%2 = reshape %0 {shape = [B, 4]} : f32[B, 4]\n") !=
        std::string::npos);
  CHECK(text.find("%3 = transpose %1 {perm = [1, 0]} : f32[4, 3]\n") !=
        std::string::npos);
  CHECK(text.find("%4 = matmul %2, %3 : f32[B, 3]\n") != std::string::npos);
  CHECK(text.find("= const 0.1 : f32[]\n") != std::string::npos);
  CHECK(text.find("= const 3.0 : f32[]\n") != std::string::npos);
  CHECK(text.find("{axes = [1], keepdim = true}") != std::string::npos);
  CHECK(text.find("{axes = [0, 1], keepdim = false} : f32[]") !=
        std::string::npos);
  CHECK(text.find("  return %") != std::string::npos);
  CHECK(text.substr(text.size() - 2) == "}\n");
  CHECK(verifyGraph(*g) == "");
}

TEST_CASE("ir: print -> parse -> print is the identity for a hand-built graph") {
  checkRoundTrip(*handBuilt());
}

TEST_CASE("ir: constants round-trip bit for bit") {
  for (double v : {0.1, 1.0 / 3.0, -2.5e-30, 1e300, 0.0, 5.0, 0.7978845608028654}) {
    CAPTURE(v);
    Graph g("c");
    const Node *x = g.addLeaf(OpKind::Input, "x", constShape({2}));
    g.addOutput(g.add(OpKind::Mul, {x, g.constant(v)}, {}));
    std::unique_ptr<Graph> back = parseOk(print(g));
    REQUIRE(back);
    const Node *c = back->nodes()[1].get();
    REQUIRE(c->op == OpKind::Const);
    CHECK(c->attrs.value == v);
  }
}

TEST_CASE("ir: a graph without symbols round-trips") {
  Graph g("plain");
  const Node *x = g.addLeaf(OpKind::Input, "x", constShape({2, 3}));
  g.addOutput(g.add(OpKind::Tanh, {x}, {}));
  std::string text = print(g);
  CHECK(text.rfind("graph @plain() {\n", 0) == 0);
  CHECK(text.find("tanh %0 : f32[2, 3]") != std::string::npos);
  checkRoundTrip(g);
}

TEST_CASE("ir: a node whose dtype differs from its operands' is refused") {
  std::string error;
  std::unique_ptr<Graph> g = parseGraph("graph @plain() {\n"
                                        "  %0 = input \"x\" : f32[2, 3]\n"
                                        "  %1 = tanh %0 : f64[2, 3]\n"
                                        "  return %1\n"
                                        "}\n",
                                        error);
  CHECK(g == nullptr);
  CHECK(error.find("3:18: dtype f64 differs from the operand's f32") == 0);
}

TEST_CASE("ir: a symbol missing from the graph header is refused") {
  std::string error;
  std::unique_ptr<Graph> g = parseGraph("graph @plain() {\n"
                                        "  %0 = input \"x\" : f32[B, 3]\n"
                                        "  return %0\n"
                                        "}\n",
                                        error);
  CHECK(g == nullptr);
  CHECK(error.find("symbol `B` is not declared in the graph header") !=
        std::string::npos);
}

TEST_CASE("ir: the forward graph of every example round-trips") {
  for (const test::ExampleModel &ex : test::exampleModels()) {
    CAPTURE(ex.file);
    CAPTURE(ex.model);
    auto c = test::compileFile(test::examplePath(ex.file), ex.model);
    INFO(c->printed.str());
    REQUIRE(c->model);
    const Graph &g = *c->model->graph;
    CHECK(verifyGraph(g) == "");
    CHECK(g.name() == c->model->name);
    checkRoundTrip(g);
  }
}

TEST_CASE("ir: `//` comments and free spacing are accepted") {
  std::unique_ptr<Graph> g = parseOk("// a comment\n"
                                     "graph @g(B){%0=input \"x\":f32[B,4]\n"
                                     "  // another\n"
                                     "  %1 = relu %0 : f32[B, 4]  return %1}\n");
  REQUIRE(g);
  CHECK(g->nodes().size() == 2);
  CHECK(g->symbols() == std::vector<std::string>{"B"});
  CHECK(print(*g) == "graph @g(B) {\n"
                     "  %0 = input \"x\" : f32[B, 4]\n"
                     "  %1 = relu %0 : f32[B, 4]\n"
                     "  return %1\n"
                     "}\n");
}

TEST_CASE("ir: parser errors report line:col") {
  CHECK(parseError("graph @g(B) {\n"
                   "  %0 = input \"x\" : f32[B, 4]\n"
                   "  %1 relu %0 : f32[B, 4]\n"
                   "  return %1\n}\n") == "3:6: expected `=`");
  CHECK(parseError("graph @g(B) {\n"
                   "  %0 = input \"x\" : f32[B, 4]\n"
                   "  %1 = relu %7 : f32[B, 4]\n"
                   "  return %1\n}\n")
            .rfind("3:", 0) == 0);
  CHECK(parseError("graph @g(B) {\n"
                   "  %0 = input \"x\" : f32[B, 4]\n"
                   "  %1 = relu %7 : f32[B, 4]\n"
                   "  return %1\n}\n")
            .find("use of undefined value %7") != std::string::npos);
  CHECK(parseError("graph @g() {\n  %0 = input \"x\" : f16[4]\n  return %0\n}")
            .find("2:") == 0);
  CHECK(parseError("graph @g() {\n  %0 = input \"x\" : f16[4]\n  return %0\n}")
            .find("unknown dtype `f16`") != std::string::npos);
  CHECK(parseError("graph @g() {\n  %0 = input \"x\" : f32[4]\n"
                   "  return %0\n}\nextra")
            .find("5:") == 0);
}

TEST_CASE("ir: an unknown op is reported on its line") {
  std::string error = parseError("graph @g(B) {\n"
                                 "  %0 = input \"x\" : f32[B, 4]\n"
                                 "  %1 = frobnicate %0 : f32[B, 4]\n"
                                 "  return %1\n}\n");
  CHECK(error.rfind("3:", 0) == 0);
  CHECK(error.find("unknown op `frobnicate`") != std::string::npos);
}

TEST_CASE("ir: the parser checks written shapes against the op rules") {
  std::string wrong = parseError("graph @g(B) {\n"
                                 "  %0 = input \"x\" : f32[B, 4]\n"
                                 "  %1 = relu %0 : f32[B, 5]\n"
                                 "  return %1\n}\n");
  CHECK(wrong.rfind("3:", 0) == 0);
  CHECK(wrong.find("declared shape [B, 5] differs from [B, 4]") !=
        std::string::npos);
  std::string refused = parseError("graph @g() {\n"
                                   "  %0 = input \"a\" : f32[2, 3]\n"
                                   "  %1 = input \"b\" : f32[4, 5]\n"
                                   "  %2 = matmul %0, %1 : f32[2, 5]\n"
                                   "  return %2\n}\n");
  CHECK(refused.rfind("4:", 0) == 0);
  CHECK(refused.find("the inner dimensions differ (3 vs 4)") != std::string::npos);
  std::string arity = parseError("graph @g() {\n"
                                 "  %0 = input \"a\" : f32[2]\n"
                                 "  %1 = add %0 : f32[2]\n"
                                 "  return %1\n}\n");
  CHECK(arity.find("`add` takes 2 operand(s)") != std::string::npos);
}

TEST_CASE("ir: interning returns the first node for an equal request") {
  Graph g;
  const Node *x = g.addLeaf(OpKind::Input, "x", constShape({2, 3}));
  CHECK(g.addLeaf(OpKind::Input, "x", constShape({2, 3})) == x);
  const Node *r1 = g.add(OpKind::Relu, {x}, {});
  const Node *r2 = g.add(OpKind::Relu, {x}, {});
  CHECK(r1 == r2);
  CHECK(g.constant(0.5) == g.constant(0.5));
  CHECK(g.constant(0.5) != g.constant(0.25));
  size_t before = g.nodes().size();
  CHECK(g.add(OpKind::Add, {r1, x}, {}) == g.add(OpKind::Add, {r2, x}, {}));
  CHECK(g.nodes().size() == before + 1);
  // Operand order, op, attributes and dtype are all part of the identity.
  CHECK(g.add(OpKind::Add, {x, r1}, {}) != g.add(OpKind::Add, {r1, x}, {}));
  CHECK(g.add(OpKind::Tanh, {x}, {}) != r1);
  CHECK(g.add(OpKind::Relu, {x}, {}, {}, DType::F64) != r1);
  Attrs p01 = perm({0, 1}), p10 = perm({1, 0});
  CHECK(g.add(OpKind::Transpose, {x}, p01) != g.add(OpKind::Transpose, {x}, p10));
  // Only one input "x" was registered.
  CHECK(g.inputs().size() == 1);
  // Ids are positions.
  for (size_t i = 0; i < g.nodes().size(); ++i)
    CHECK(g.nodes()[i]->id == static_cast<int>(i));
}

TEST_CASE("ir: interning compares attributes by value, not by their text") {
  Graph g;
  const Node *x = g.addLeaf(OpKind::Input, "x", constShape({2, 3}));
  // The printer shows no name for a reduction; the nodes still differ.
  Attrs a, b;
  a.axes = b.axes = {1};
  a.name = "one";
  b.name = "two";
  CHECK(g.add(OpKind::ReduceSum, {x}, a) != g.add(OpKind::ReduceSum, {x}, b));
  CHECK(g.add(OpKind::ReduceSum, {x}, a) == g.add(OpKind::ReduceSum, {x}, a));
  // keepdim is shown, and compared, for reductions.
  Attrs kept = a;
  kept.keepdim = true;
  CHECK(g.add(OpKind::ReduceSum, {x}, kept) != g.add(OpKind::ReduceSum, {x}, a));
  // 0.0 == -0.0 as doubles, but they are two constants (1 / c differs).
  CHECK(g.constant(0.0) != g.constant(-0.0));
  CHECK(g.constant(-0.0) == g.constant(-0.0));
  // Constants that print alike at a short precision stay apart.
  CHECK(g.constant(0.1) != g.constant(0.1 + 1e-17 + 1e-16));
}

TEST_CASE("ir: a module boundary round-trips, and its call and role keep nodes apart") {
  std::unique_ptr<Graph> g = parseOk(
      "graph @g(B) {\n"
      "  %0 = input \"x\" : f32[B, 4]\n"
      "  %1 = boundary %0 {module = \"net.0\", call = 1, role = input, index = 0} : f32[B, 4]\n"
      "  %2 = boundary %0 {module = \"net.0\", call = 2, role = input, index = 0} : f32[B, 4]\n"
      "  %3 = boundary %1 {module = \"\", call = 1, role = grad_output, index = 3} : f32[B, 4]\n"
      "  %4 = relu %1 : f32[B, 4]\n"
      "  %5 = relu %2 : f32[B, 4]\n"
      "  return %3, %4, %5\n}\n");
  REQUIRE(g);
  checkRoundTrip(*g);
  CHECK(g->nodes().size() == 6);
  const Node &mark = *g->nodes()[3];
  CHECK(mark.attrs.boundary.module == "");
  CHECK(mark.attrs.boundary.role == BoundaryRole::GradOutput);
  CHECK(mark.attrs.boundary.index == 3);
  CHECK(mark.attrs.boundary.str() == "(model)#1 grad_output 3");
  // The same mark on the same value is one node; any field apart is another.
  Attrs a;
  a.boundary = {"net.0", 1, BoundaryRole::Input, 0};
  const Node *x = g->inputs()[0];
  CHECK(g->add(OpKind::Boundary, {x}, a) == g->nodes()[1].get());
  for (int field = 0; field < 4; ++field) {
    Attrs b = a;
    if (field == 0) b.boundary.module = "net.1";
    if (field == 1) b.boundary.call = 3;
    if (field == 2) b.boundary.role = BoundaryRole::Output;
    if (field == 3) b.boundary.index = 1;
    CHECK(g->add(OpKind::Boundary, {x}, b) != g->nodes()[1].get());
  }
}

TEST_CASE("ir: a boundary's attributes are checked") {
  auto graph = [](const std::string &attrs) {
    return "graph @g() {\n  %0 = input \"x\" : f32[4]\n  %1 = boundary %0 {" + attrs +
           "} : f32[4]\n  return %1\n}\n";
  };
  CHECK(parseError(graph("module = \"m\", call = 0, role = input, index = 0"))
            .find("3:42: `call` must be at least 1") == 0);
  CHECK(parseError(graph("module = \"m\", call = 1, role = input, index = -1"))
            .find("`index` must be at least 0") != std::string::npos);
  CHECK(parseError(graph("module = \"m\", call = 1, role = sideways, index = 0"))
            .find("unknown boundary role `sideways` (input, output, grad_input or grad_output)") !=
        std::string::npos);
}

TEST_CASE("ir: the IR parser interns a repeated node") {
  std::unique_ptr<Graph> g = parseOk("graph @g() {\n"
                                     "  %0 = input \"x\" : f32[4]\n"
                                     "  %1 = relu %0 : f32[4]\n"
                                     "  %2 = relu %0 : f32[4]\n"
                                     "  %3 = add %1, %2 : f32[4]\n"
                                     "  return %3\n}\n");
  REQUIRE(g);
  CHECK(g->nodes().size() == 3);
  const Node *sum = g->outputs()[0];
  CHECK(sum->operands[0] == sum->operands[1]);
}
