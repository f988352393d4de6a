//===- test_kernels.cpp - Unit tests of codegen/kernel (lowerToKernels) ---===//
//
// Fusion and buffer assignment: the MLP's three matmuls with the weight
// transpose folded in and bias+ReLU fused into one elementwise kernel;
// softmax's two reductions; Copy kernels for outputs that are not computed
// by a kernel of their own. Graphs come from sema (examples) or IR text.
//
//===----------------------------------------------------------------------===//
#include "test_support.h"

#include "codegen/kernel/kernels.h"
#include "driver/model_arena.h"
#include "passes/strip_boundaries.h"

using namespace nnc;
using codegen::Buffer;
using codegen::Kernel;
using codegen::KernelProgram;

namespace {

/// A kernel program with the graph its kernels point into.
struct Lowered {
  std::unique_ptr<test::Compiled> compiled; // owns the graph (examples)
  std::unique_ptr<ir::Graph> graph;         // owns the graph (IR text)
  KernelProgram program;
};

Lowered lowerExample(const char *file, const char *model = "") {
  Lowered l;
  l.compiled = test::compileFile(test::examplePath(file), model);
  INFO(l.compiled->printed.str());
  REQUIRE(l.compiled->model);
  const sema::Model &m = *l.compiled->model;
  l.program = codegen::lowerToKernels(*m.graph, driver::layoutModelArena(m).byName);
  return l;
}

/// Lowers an IR text graph whose params are laid out densely in order.
Lowered lowerText(const std::string &text) {
  Lowered l;
  std::string error;
  l.graph = ir::parseGraph(text, error);
  INFO(error);
  REQUIRE(l.graph);
  REQUIRE(ir::verifyGraph(*l.graph) == "");
  std::map<std::string, int64_t> offsets;
  int64_t next = 0;
  for (const ir::Node *p : l.graph->params()) {
    offsets[p->attrs.name] = next;
    next += ir::numElements(p->shape).valueAtOnes();
  }
  l.program = codegen::lowerToKernels(*l.graph, offsets);
  return l;
}

size_t count(const KernelProgram &p, Kernel::Kind kind) {
  size_t n = 0;
  for (const Kernel &k : p.kernels)
    n += k.kind == kind;
  return n;
}

std::string printed(const KernelProgram &p) {
  std::ostringstream out;
  codegen::printKernels(p, out);
  return out.str();
}

} // namespace

TEST_CASE("kernels: MLP is 3 matmuls with transB, bias and ReLU in their epilogues") {
  Lowered lowered = lowerExample("mlp.nnm");
  const KernelProgram &p = lowered.program;
  INFO(printed(p));
  REQUIRE(p.kernels.size() == 3);
  CHECK(count(p, Kernel::Transpose) == 0); // folded into the matmuls
  CHECK(p.symbols == std::vector<std::string>{"B"});
  for (size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    const Kernel &k = p.kernels[i];
    REQUIRE(k.kind == Kernel::MatMul);
    REQUIRE(k.product != nullptr);
    CHECK(k.product->op == ir::OpKind::MatMul);
    CHECK(codegen::hasEpilogue(k));
    CHECK_FALSE(k.transA);
    CHECK(k.transB);
    // A, B, then the bias: B reads the weight param itself, [out, in], not
    // a transposed copy; the product is not a read.
    REQUIRE(k.reads.size() == 3);
    CHECK(p.buffers[k.reads[1].second].kind == Buffer::Param);
    CHECK(k.reads[1].first->op == ir::OpKind::Param);
    CHECK(p.buffers[k.reads[2].second].kind == Buffer::Param);
    CHECK(p.buffers[k.reads[2].second].name.find("bias") != std::string::npos);
    if (i > 0)
      CHECK(k.reads[0].second == p.kernels[i - 1].out);
  }
  // The first matmul reads the input through the flatten (a view).
  CHECK(p.buffers[p.kernels[0].reads[0].second].kind == Buffer::Input);
  // Hidden layers: relu(add(product, bias)), into workspace.
  for (size_t i : {0, 1}) {
    CAPTURE(i);
    const Kernel &k = p.kernels[i];
    CHECK(k.root->op == ir::OpKind::Relu);
    CHECK(k.root->operands[0]->op == ir::OpKind::Add);
    CHECK(k.root->operands[0]->operands[0] == k.product);
    CHECK(p.buffers[k.out].kind == Buffer::Workspace);
  }
  // The last bias add writes the output buffer directly.
  const Kernel &last = p.kernels[2];
  CHECK(last.root->op == ir::OpKind::Add);
  CHECK(p.buffers[last.out].kind == Buffer::Output);
  CHECK(p.buffers[last.out].index == 0);
  std::string text = printed(p);
  CHECK(text.find("kernel matmul -> b8 b0 b1 b2 transB then relu(add(product, b2))") !=
        std::string::npos);
}

TEST_CASE("kernels: a product with two uses, or a use of another shape, keeps its own buffer") {
  Lowered twice = lowerText("graph @g(B) {\n"
                            "  %0 = input \"x\" : f32[B, 4]\n"
                            "  %1 = input \"w\" : f32[4, 4]\n"
                            "  %2 = matmul %0, %1 : f32[B, 4]\n"
                            "  %3 = relu %2 : f32[B, 4]\n"
                            "  %4 = exp %2 : f32[B, 4]\n"
                            "  return %3, %4\n}\n");
  REQUIRE(twice.program.kernels.size() == 3);
  CHECK_FALSE(codegen::hasEpilogue(twice.program.kernels[0]));
  Lowered reduced = lowerText("graph @g(B) {\n"
                              "  %0 = input \"x\" : f32[B, 4]\n"
                              "  %1 = input \"w\" : f32[4, 4]\n"
                              "  %2 = matmul %0, %1 : f32[B, 4]\n"
                              "  %3 = reduce_sum %2 {axes = [1], keepdim = true} : f32[B, 1]\n"
                              "  return %3\n}\n");
  REQUIRE(reduced.program.kernels.size() == 2);
  CHECK_FALSE(codegen::hasEpilogue(reduced.program.kernels[0]));
  // A residual add reads the product's own operand: it is read twice.
  Lowered residual = lowerText("graph @g(B) {\n"
                               "  %0 = input \"x\" : f32[B, 4]\n"
                               "  %1 = input \"w\" : f32[4, 4]\n"
                               "  %2 = matmul %0, %1 : f32[B, 4]\n"
                               "  %3 = add %0, %2 : f32[B, 4]\n"
                               "  return %3\n}\n");
  REQUIRE(residual.program.kernels.size() == 1);
  CHECK(printed(residual.program).find("kernel matmul -> b2 b0 b1 b0 then add(b0, product)") !=
        std::string::npos);
}

TEST_CASE("kernels: params are buffers at their arena offsets") {
  Lowered lowered = lowerExample("mlp.nnm");
  const KernelProgram &p = lowered.program;
  std::map<std::string, int> offsets;
  for (const Buffer &b : p.buffers)
    if (b.kind == Buffer::Param)
      offsets[b.name] = b.index;
  CHECK(offsets.size() == 6);
  CHECK(offsets["net.0.weight"] == 0);
  CHECK(offsets["net.0.bias"] == 200704);
  CHECK(offsets["net.2.weight"] == 200960);
  CHECK(offsets["net.4.bias"] == 235136);
}

TEST_CASE("kernels: softmax is two reductions and two elementwise kernels") {
  Lowered lowered = lowerExample("activations.nnm", "ActSoftmax");
  const KernelProgram &p = lowered.program;
  INFO(printed(p));
  CHECK(count(p, Kernel::Reduce) == 2);
  CHECK(count(p, Kernel::Elementwise) == 2);
  REQUIRE(p.kernels.size() == 4);
  CHECK(p.kernels[0].kind == Kernel::Reduce);
  CHECK(p.kernels[0].root->op == ir::OpKind::ReduceMax);
  CHECK(p.kernels[1].kind == Kernel::Elementwise);
  CHECK(p.kernels[1].root->op == ir::OpKind::Exp); // exp(sub(x, max)) fused
  CHECK(p.kernels[2].root->op == ir::OpKind::ReduceSum);
  CHECK(p.kernels[2].reads[0].second == p.kernels[1].out);
  CHECK(p.kernels[3].root->op == ir::OpKind::Div);
  CHECK(p.buffers[p.kernels[3].out].kind == Buffer::Output);
}

TEST_CASE("kernels: an output that is an input gets a Copy kernel") {
  Lowered lowered = lowerText("graph @id(B) {\n"
                              "  %0 = input \"x\" : f32[B, 16]\n"
                              "  return %0\n}\n");
  const KernelProgram &p = lowered.program;
  REQUIRE(p.kernels.size() == 1);
  const Kernel &k = p.kernels[0];
  CHECK(k.kind == Kernel::Copy);
  CHECK(p.buffers[k.out].kind == Buffer::Output);
  REQUIRE(k.reads.size() == 1);
  CHECK(p.buffers[k.reads[0].second].kind == Buffer::Input);
}

TEST_CASE("kernels: outputs that are params, views or repeated get Copy kernels") {
  Lowered lowered = lowerText("graph @g(B) {\n"
                              "  %0 = input \"x\" : f32[B, 2, 2]\n"
                              "  %1 = param \"w\" : f32[4]\n"
                              "  %2 = exp %0 : f32[B, 2, 2]\n"
                              "  %3 = reshape %2 {shape = [B, 4]} : f32[B, 4]\n"
                              "  return %1, %3, %2, %2\n}\n");
  const KernelProgram &p = lowered.program;
  INFO(printed(p));
  CHECK(count(p, Kernel::Elementwise) == 1);
  // %1 is a param, %3 a view of %2, and the second %2 a repeat; the first
  // %2 is written in place by its own kernel.
  CHECK(count(p, Kernel::Copy) == 3);
  const Kernel *expKernel = nullptr;
  for (const Kernel &k : p.kernels)
    if (k.kind == Kernel::Elementwise)
      expKernel = &k;
  REQUIRE(expKernel);
  CHECK(p.buffers[expKernel->out].kind == Buffer::Output);
  CHECK(p.buffers[expKernel->out].index == 2);
}

TEST_CASE("kernels: a value whose view is an output is computed into the output") {
  // A bias gradient: a reduction reshaped to the parameter's shape.
  Lowered lowered = lowerText("graph @g(B) {\n"
                              "  %0 = input \"g\" : f32[B, 4]\n"
                              "  %1 = reduce_sum %0 {axes = [0], keepdim = true} : f32[1, 4]\n"
                              "  %2 = reshape %1 {shape = [4]} : f32[4]\n"
                              "  return %2\n}\n");
  const KernelProgram &p = lowered.program;
  INFO(printed(p));
  REQUIRE(p.kernels.size() == 1);
  CHECK(p.kernels[0].kind == Kernel::Reduce);
  CHECK(p.buffers[p.kernels[0].out].kind == Buffer::Output);
}

TEST_CASE("kernels: a value used twice is materialised, not recomputed") {
  Lowered lowered = lowerText("graph @g() {\n"
                              "  %0 = input \"x\" : f32[8]\n"
                              "  %1 = exp %0 : f32[8]\n"
                              "  %2 = mul %1, %1 : f32[8]\n"
                              "  return %2\n}\n");
  const KernelProgram &p = lowered.program;
  REQUIRE(p.kernels.size() == 2);
  CHECK(p.kernels[0].root->op == ir::OpKind::Exp);
  CHECK(p.kernels[1].root->op == ir::OpKind::Mul);
  REQUIRE(p.kernels[1].reads.size() == 1); // one leaf, read once
  CHECK(p.kernels[1].reads[0].second == p.kernels[0].out);
}

TEST_CASE("kernels: no fusion across a broadcast") {
  // exp(x):[B, 1] is broadcast into the add: fusing it would recompute it
  // per element of [B, 16].
  Lowered lowered = lowerText("graph @g(B) {\n"
                              "  %0 = input \"x\" : f32[B, 1]\n"
                              "  %1 = input \"y\" : f32[B, 16]\n"
                              "  %2 = exp %0 : f32[B, 1]\n"
                              "  %3 = add %1, %2 : f32[B, 16]\n"
                              "  return %3\n}\n");
  const KernelProgram &p = lowered.program;
  CHECK(count(p, Kernel::Elementwise) == 2);
}

TEST_CASE("kernels: a transpose not feeding a matmul is a Transpose kernel") {
  Lowered lowered = lowerText("graph @g() {\n"
                              "  %0 = input \"a\" : f32[2, 3]\n"
                              "  %1 = input \"b\" : f32[3, 2]\n"
                              "  %2 = transpose %0 {perm = [1, 0]} : f32[3, 2]\n"
                              "  %3 = matmul %2, %0 : f32[3, 3]\n"
                              "  %4 = add %2, %1 : f32[3, 2]\n"
                              "  return %3, %4\n}\n");
  const KernelProgram &p = lowered.program;
  INFO(printed(p));
  CHECK(count(p, Kernel::Transpose) == 1);
  for (const Kernel &k : p.kernels)
    if (k.kind == Kernel::MatMul) {
      CHECK_FALSE(k.transA); // read from the transpose's own buffer
      CHECK(k.reads[0].first->op == ir::OpKind::Transpose);
    }
}

TEST_CASE("kernels: a transpose as the left operand folds into transA") {
  Lowered lowered = lowerText("graph @g() {\n"
                              "  %0 = input \"a\" : f32[3, 2]\n"
                              "  %1 = input \"b\" : f32[3, 4]\n"
                              "  %2 = transpose %0 {perm = [1, 0]} : f32[2, 3]\n"
                              "  %3 = matmul %2, %1 : f32[2, 4]\n"
                              "  return %3\n}\n");
  const KernelProgram &p = lowered.program;
  REQUIRE(p.kernels.size() == 1);
  CHECK(p.kernels[0].kind == Kernel::MatMul);
  CHECK(p.kernels[0].transA);
  CHECK_FALSE(p.kernels[0].transB);
  CHECK(p.buffers[p.kernels[0].out].kind == Buffer::Output);
}

TEST_CASE("kernels: boundaries are stripped before fusion, and where each value went is kept") {
  // Two calls of a parameter-less module on one value: their relus merge once
  // the boundaries are gone, and both calls' marks point at the one buffer.
  Lowered l = lowerText(
      "graph @g(B) {\n"
      "  %0 = input \"x\" : f32[B, 4]\n"
      "  %1 = boundary %0 {module = \"act\", call = 1, role = input, index = 0} : f32[B, 4]\n"
      "  %2 = relu %1 : f32[B, 4]\n"
      "  %3 = boundary %2 {module = \"act\", call = 1, role = output, index = 0} : f32[B, 4]\n"
      "  %4 = boundary %0 {module = \"act\", call = 2, role = input, index = 0} : f32[B, 4]\n"
      "  %5 = relu %4 : f32[B, 4]\n"
      "  %6 = boundary %5 {module = \"act\", call = 2, role = output, index = 0} : f32[B, 4]\n"
      "  %7 = add %3, %6 : f32[B, 4]\n"
      "  %8 = input \"w\" : f32[4, 4]\n"
      "  %9 = transpose %8 {perm = [1, 0]} : f32[4, 4]\n"
      "  %10 = boundary %9 {module = \"t\", call = 1, role = output, index = 0} : f32[4, 4]\n"
      "  %11 = matmul %7, %10 : f32[B, 4]\n"
      "  %12 = const 2.0 : f32[]\n"
      "  %13 = boundary %12 {module = \"c\", call = 1, role = output, index = 0} : f32[]\n"
      "  %14 = mul %11, %13 : f32[B, 4]\n"
      "  %15 = boundary %14 {module = \"m\", call = 1, role = output, index = 0} : f32[B, 4]\n"
      "  %16 = exp %15 : f32[B, 4]\n"
      "  return %16\n}\n");
  const KernelProgram &p = l.program;
  for (const auto &n : p.graph->nodes())
    CHECK(n->op != ir::OpKind::Boundary);
  // relu once (read twice, so stored); add; matmul with exp(mul(...)) as
  // its epilogue.
  REQUIRE(p.kernels.size() == 3);
  CHECK(p.kernels[0].root->op == ir::OpKind::Relu);
  CHECK(p.kernels[1].root->op == ir::OpKind::Add);
  CHECK(p.kernels[2].transB);
  CHECK(p.kernels[2].root->op == ir::OpKind::Exp);
  using Place = codegen::BoundaryPlace;
  REQUIRE(p.boundaries.size() == 7);
  CHECK(p.boundaries[0].boundary.str() == "act#1 input 0");
  CHECK(p.boundaries[0].kind == Place::Stored);
  CHECK(p.buffers[p.boundaries[0].buffer].kind == Buffer::Input);
  for (int i : {1, 3}) {
    CAPTURE(i);
    CHECK(p.boundaries[i].kind == Place::Stored);
    CHECK(p.boundaries[i].buffer == p.kernels[0].out);
  }
  CHECK(p.boundaries[3].boundary.str() == "act#2 output 0");
  CHECK(p.boundaries[4].kind == Place::Folded);
  CHECK(p.buffers[p.boundaries[4].buffer].name == "w");
  CHECK(p.boundaries[5].kind == Place::Constant);
  CHECK(p.boundaries[6].kind == Place::Fused);
  CHECK(p.boundaries[6].kernel == 2);
  std::string text = printed(p);
  CHECK(text.find("boundary m#1 output 0 [B, 4] fused in kernel -> b") != std::string::npos);
  CHECK(text.find("boundary t#1 output 0 [4, 4] transpose of b1") != std::string::npos);
  CHECK(text.find("boundary c#1 output 0 [] constant") != std::string::npos);
}

TEST_CASE("kernels: a model lowers to the same kernels with or without its boundaries") {
  Lowered l = lowerExample("residual.nnm");
  passes::StrippedGraph stripped = passes::stripBoundaries(*l.compiled->model->graph);
  std::map<std::string, int64_t> offsets = driver::layoutModelArena(*l.compiled->model).byName;
  KernelProgram plain = codegen::lowerToKernels(*stripped.graph, offsets);
  CHECK(plain.boundaries.empty());
  CHECK(!l.program.boundaries.empty());
  std::string withMarks = printed(l.program);
  CHECK(withMarks.substr(0, withMarks.find("boundary ")) == printed(plain));
}
