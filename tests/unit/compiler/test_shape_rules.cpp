//===- test_shape_rules.cpp - Unit tests of ir/shape_rules ----------------===//
//
// inferShape for each rule of ops.def: broadcasting (constant and symbolic,
// and the failure naming the dimension), matmul and its inner-dimension
// message, transpose permutations, reshape's element-count check, and
// reductions with and without keepdim.
//
//===----------------------------------------------------------------------===//
#include <doctest/doctest.h>

#include "ir/graph.h"

using namespace nnc::ir;

namespace {

Dim B() { return Dim::symbol("B"); }
Dim N() { return Dim::symbol("N"); }
Dim c(int64_t v) { return Dim::constant(v); }

/// inferShape that returns the printed shape, or "error: <message>".
std::string infer(OpKind op, const std::vector<Shape> &in,
                  const Attrs &attrs = {}) {
  ShapeError error;
  std::optional<Shape> out = inferShape(op, in, attrs, error);
  if (!out)
    return "error: " + error.message;
  CHECK(error.message.empty());
  return shapeStr(*out);
}

Attrs axes(std::vector<int64_t> a, bool keepdim = false) {
  Attrs attrs;
  attrs.axes = std::move(a);
  attrs.keepdim = keepdim;
  return attrs;
}

Attrs reshapeTo(Shape s) {
  Attrs attrs;
  attrs.shape = std::move(s);
  return attrs;
}

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("shape rules: unary ops keep their operand's shape") {
  CHECK(infer(OpKind::Relu, {{B(), c(256)}}) == "[B, 256]");
  CHECK(infer(OpKind::Exp, {{}}) == "[]");
}

TEST_CASE("shape rules: broadcasting of constant dimensions") {
  CHECK(infer(OpKind::Add, {{c(2), c(3)}, {c(2), c(3)}}) == "[2, 3]");
  CHECK(infer(OpKind::Add, {{c(4), c(1), c(3)}, {c(5), c(1)}}) == "[4, 5, 3]");
  CHECK(infer(OpKind::Mul, {{c(3)}, {}}) == "[3]"); // a scalar broadcasts
  CHECK(infer(OpKind::Sub, {{c(1)}, {c(7)}}) == "[7]");
}

TEST_CASE("shape rules: broadcasting of symbolic dimensions") {
  // [B, 256] + [256]: the bias of a linear layer.
  CHECK(infer(OpKind::Add, {{B(), c(256)}, {c(256)}}) == "[B, 256]");
  // [B, 1] against [B, 16]: softmax's row maximum.
  CHECK(infer(OpKind::Div, {{B(), c(16)}, {B(), c(1)}}) == "[B, 16]");
  // 1 broadcasts to a symbol; a symbol matches itself.
  CHECK(infer(OpKind::Add, {{c(1), c(4)}, {B(), c(1)}}) == "[B, 4]");
  CHECK(infer(OpKind::Max, {{B(), N()}, {B(), N()}}) == "[B, N]");
  // select takes three operands and broadcasts all of them.
  CHECK(infer(OpKind::Select, {{B(), c(8)}, {c(8)}, {}}) == "[B, 8]");
}

TEST_CASE("shape rules: a broadcast failure names both shapes and the dimension") {
  std::string constant = infer(OpKind::Add, {{c(2), c(3)}, {c(4), c(3)}});
  CHECK(constant == "error: [2, 3] and [4, 3] do not broadcast: dimension 0 "
                    "of the result is 2 in one and 4 in the other");
  // A trailing mismatch names the aligned result dimension.
  std::string trailing = infer(OpKind::Add, {{c(5), c(2), c(3)}, {c(4)}});
  CHECK(contains(trailing, "dimension 2"));
  CHECK(contains(trailing, "3 in one and 4 in the other"));
  // Two different symbols never broadcast: B is not known to equal N.
  std::string symbolic = infer(OpKind::Mul, {{B(), c(4)}, {N(), c(4)}});
  CHECK(contains(symbolic, "[B, 4] and [N, 4] do not broadcast"));
  CHECK(contains(symbolic, "dimension 0"));
  CHECK(contains(symbolic, "B in one and N in the other"));
  // A symbol and a constant other than 1 do not either.
  CHECK(contains(infer(OpKind::Add, {{B()}, {c(3)}}), "do not broadcast"));
}

TEST_CASE("shape rules: matmul") {
  CHECK(infer(OpKind::MatMul, {{B(), c(784)}, {c(784), c(256)}}) == "[B, 256]");
  CHECK(infer(OpKind::MatMul, {{c(2), N()}, {N(), B()}}) == "[2, B]");
}

TEST_CASE("shape rules: a matmul inner-dimension mismatch names both shapes") {
  std::string msg = infer(OpKind::MatMul, {{c(64), c(784)}, {c(128), c(10)}});
  CHECK(msg == "error: [64, 784] @ [128, 10]: the inner dimensions differ "
               "(784 vs 128)");
  std::string symbolic = infer(OpKind::MatMul, {{B(), N()}, {B(), c(3)}});
  CHECK(contains(symbolic, "[B, N] @ [B, 3]"));
  CHECK(contains(symbolic, "(N vs B)"));
}

TEST_CASE("shape rules: matmul needs rank 2 on both sides") {
  std::string msg = infer(OpKind::MatMul, {{B(), c(4), c(5)}, {c(5), c(6)}});
  CHECK(msg == "error: [B, 4, 5] @ [5, 6]: both operands must have rank 2");
  CHECK(contains(infer(OpKind::MatMul, {{c(4)}, {c(4), c(2)}}), "rank 2"));
}

TEST_CASE("shape rules: transpose permutes; a bad permutation is refused") {
  CHECK(infer(OpKind::Transpose, {{B(), c(784)}}, axes({1, 0})) == "[784, B]");
  CHECK(infer(OpKind::Transpose, {{c(2), c(3), c(4)}}, axes({2, 0, 1})) ==
        "[4, 2, 3]");
  CHECK(infer(OpKind::Transpose, {{c(2), c(3)}}, axes({0, 1})) == "[2, 3]");
  std::string repeated = infer(OpKind::Transpose, {{c(2), c(3)}}, axes({0, 0}));
  CHECK(repeated ==
        "error: the permutation does not match a tensor of shape [2, 3]");
  CHECK(contains(infer(OpKind::Transpose, {{c(2), c(3)}}, axes({1, 0, 2})),
                 "does not match"));
  CHECK(contains(infer(OpKind::Transpose, {{c(2), c(3)}}, axes({1})),
                 "does not match"));
  CHECK(contains(infer(OpKind::Transpose, {{c(2), c(3)}}, axes({1, 2})),
                 "does not match"));
}

TEST_CASE("shape rules: reshape checks the element count, symbolically") {
  Shape image = {B(), c(1), c(28), c(28)};
  CHECK(infer(OpKind::Reshape, {image}, reshapeTo({B(), c(784)})) == "[B, 784]");
  CHECK(infer(OpKind::Reshape, {image}, reshapeTo({B() * c(784)})) == "[B*784]");
  CHECK(infer(OpKind::Reshape, {{c(6)}}, reshapeTo({c(2), c(3)})) == "[2, 3]");
  std::string msg = infer(OpKind::Reshape, {image}, reshapeTo({B(), c(780)}));
  CHECK(msg == "error: cannot reshape [B, 1, 28, 28] (B*784 elements) to "
               "[B, 780] (B*780 elements)");
  // The same count but another symbol is still a mismatch.
  CHECK(contains(infer(OpKind::Reshape, {{B(), c(4)}}, reshapeTo({N(), c(4)})),
                 "cannot reshape"));
}

TEST_CASE("shape rules: reductions with and without keepdim") {
  Shape x = {B(), c(16), c(8)};
  CHECK(infer(OpKind::ReduceSum, {x}, axes({1})) == "[B, 8]");
  CHECK(infer(OpKind::ReduceSum, {x}, axes({1}, true)) == "[B, 1, 8]");
  CHECK(infer(OpKind::ReduceMax, {x}, axes({0, 2})) == "[16]");
  CHECK(infer(OpKind::ReduceMax, {x}, axes({0, 2}, true)) == "[1, 16, 1]");
  CHECK(infer(OpKind::ReduceSum, {x}, axes({0, 1, 2})) == "[]");
}

TEST_CASE("shape rules: a reduction over a missing axis is refused") {
  std::string msg = infer(OpKind::ReduceSum, {{B(), c(16)}}, axes({2}));
  CHECK(msg == "error: dimension 2 is out of range for shape [B, 16]");
  // Negative axes are resolved by sema; the IR only takes 0..rank-1.
  CHECK(contains(infer(OpKind::ReduceMax, {{B(), c(16)}}, axes({-1}, true)),
                 "dimension -1 is out of range"));
}

TEST_CASE("shape rules: the operand count must be the op's arity") {
  CHECK(infer(OpKind::Add, {{c(2)}}) == "error: `add` takes 2 operand(s)");
  CHECK(infer(OpKind::Relu, {{c(2)}, {c(2)}}) ==
        "error: `relu` takes 1 operand(s)");
  CHECK(infer(OpKind::Select, {{c(2)}, {c(2)}}) ==
        "error: `select` takes 3 operand(s)");
}

TEST_CASE("shape rules: leaves have no rule") {
  CHECK(infer(OpKind::Input, {}) == "error: leaves carry their own shape");
}
