//===- test_verifier.cpp - Unit tests of ir/verifier ----------------------===//
//
// The IR parser and Graph::add both refuse a node whose shape contradicts
// its rule, so a wrong graph cannot be built through the public API. The
// tests below build a valid graph and then corrupt one node in place:
// Graph::nodes() hands out the owning unique_ptrs, whose pointees are
// mutable. Each invariant the verifier states is broken once.
//
//===----------------------------------------------------------------------===//
#include <doctest/doctest.h>

#include "ir/graph.h"

using namespace nnc::ir;

namespace {

/// x:[B, 4] -> relu -> matmul with w^T:[4, 3] -> output [B, 3].
struct Small {
  Graph g{"small"};
  const Node *x, *w, *wt, *r, *y;
  Small() {
    g.addSymbol("B");
    x = g.addLeaf(OpKind::Input, "x", {Dim::symbol("B"), Dim::constant(4)});
    w = g.addLeaf(OpKind::Param, "w", constShape({3, 4}));
    Attrs perm;
    perm.axes = {1, 0};
    wt = g.add(OpKind::Transpose, {w}, perm);
    r = g.add(OpKind::Relu, {x}, {});
    y = g.add(OpKind::MatMul, {r, wt}, {});
    g.addOutput(y);
  }
  Node &mut(const Node *n) { return *g.nodes()[n->id]; }
};

} // namespace

TEST_CASE("verifier: a graph built through the API is valid") {
  Small s;
  CHECK(verifyGraph(s.g) == "");
}

TEST_CASE("verifier: a node whose shape contradicts its rule") {
  Small s;
  s.mut(s.r).shape = {Dim::symbol("B"), Dim::constant(5)};
  // relu's own shape is now wrong: [B, 5] where the rule gives [B, 4]. The
  // verifier stops at the first bad node, before the matmul that reads it.
  CHECK(verifyGraph(s.g) == "%3 (relu): shape [B, 5] differs from [B, 4]");
}

TEST_CASE("verifier: a shape rule that refuses the operands") {
  Small s;
  // Give the transpose a bad permutation: the rule itself refuses it.
  s.mut(s.wt).attrs.axes = {0, 0};
  CHECK(verifyGraph(s.g) == "%2 (transpose): the permutation does not match a "
                            "tensor of shape [3, 4]");
}

TEST_CASE("verifier: a wrong operand count") {
  Small s;
  s.mut(s.y).operands.pop_back();
  CHECK(verifyGraph(s.g) == "%4 (matmul): wrong number of operands");
}

TEST_CASE("verifier: an operand used before it is defined") {
  Small s;
  // relu (%3) now reads the matmul (%4) that comes after it.
  s.mut(s.r).operands[0] = s.y;
  CHECK(verifyGraph(s.g) == "%3 (relu): operand is not defined before its use");
}

TEST_CASE("verifier: an operand from another graph") {
  Small s;
  Graph other;
  const Node *stranger =
      other.addLeaf(OpKind::Input, "x", {Dim::symbol("B"), Dim::constant(4)});
  s.mut(s.r).operands[0] = stranger;
  CHECK(verifyGraph(s.g) == "%3 (relu): operand is not defined before its use");
}

TEST_CASE("verifier: an id that is not the node's position") {
  Small s;
  s.mut(s.wt).id = 7;
  CHECK(verifyGraph(s.g) == "%7 (transpose): id does not match its position");
}

TEST_CASE("verifier: a graph without outputs") {
  Graph g;
  g.addLeaf(OpKind::Input, "x", constShape({2}));
  CHECK(verifyGraph(g) == "the graph has no outputs");
}

TEST_CASE("verifier: an output that is not a node of the graph") {
  Small s;
  Graph other;
  s.g.addOutput(other.addLeaf(OpKind::Input, "z", constShape({1})));
  CHECK(verifyGraph(s.g) == "an output is not a node of the graph");
}

TEST_CASE("verifier: leaves are trusted with their declared shape") {
  Small s;
  // A param's shape is its declaration; changing it breaks its users only.
  s.mut(s.w).shape = constShape({3, 5});
  CHECK(verifyGraph(s.g) == "%2 (transpose): shape [4, 3] differs from [5, 3]");
}
