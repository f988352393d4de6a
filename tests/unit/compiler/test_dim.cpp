//===- test_dim.cpp - Unit tests of ir/dim --------------------------------===//
//
// Monomial dimensions: products keep symbols sorted, equality is structural,
// exact division, and the printed form the IR and the manifest use.
//
//===----------------------------------------------------------------------===//
#include <doctest/doctest.h>

#include "ir/dim.h"

using nnc::ir::Dim;
using nnc::ir::Shape;

TEST_CASE("dim: constants and symbols print as themselves") {
  CHECK(Dim::constant(784).str() == "784");
  CHECK(Dim::constant(1).str() == "1");
  CHECK(Dim::constant(0).str() == "0");
  CHECK(Dim::symbol("B").str() == "B");
  CHECK(Dim::constant(1).isOne());
  CHECK_FALSE(Dim::symbol("B").isOne());
  CHECK_FALSE(Dim::constant(2).isOne());
  CHECK(Dim::constant(5).isConstant());
  CHECK_FALSE(Dim::symbol("B").isConstant());
}

TEST_CASE("dim: products multiply coefficients and sort symbols") {
  Dim b = Dim::symbol("B");
  Dim t = Dim::symbol("T");
  Dim p = t * Dim::constant(4) * b * Dim::constant(196);
  CHECK(p.coeff == 784);
  CHECK(p.symbols == std::vector<std::string>{"B", "T"});
  CHECK(p.str() == "B*T*784");
  // Symbols repeat: B*B.
  Dim sq = b * b;
  CHECK(sq.symbols == std::vector<std::string>{"B", "B"});
  CHECK(sq.str() == "B*B");
  // 1 is the identity; a coefficient of 1 is not printed.
  CHECK(b * Dim::constant(1) == b);
  CHECK((b * Dim::constant(1)).str() == "B");
  // Times zero is the constant zero, whatever the symbols.
  Dim zero = b * Dim::constant(0);
  CHECK(zero.isConstant());
  CHECK(zero == Dim::constant(0));
}

TEST_CASE("dim: equality is order-independent but exact") {
  Dim bt = Dim::symbol("B") * Dim::symbol("T");
  Dim tb = Dim::symbol("T") * Dim::symbol("B");
  CHECK(bt == tb);
  CHECK_FALSE(bt == Dim::symbol("B"));
  CHECK_FALSE(Dim::symbol("B") == Dim::symbol("N"));
  CHECK_FALSE(Dim::symbol("B") * Dim::constant(2) == Dim::symbol("B"));
  CHECK(Dim::constant(3) * Dim::constant(4) == Dim::constant(12));
}

TEST_CASE("dim: divideExact divides monomials and refuses what does not divide") {
  Dim q;
  Dim b784 = Dim::symbol("B") * Dim::constant(784);
  REQUIRE(divideExact(b784, Dim::constant(28), q));
  CHECK(q == Dim::symbol("B") * Dim::constant(28));
  REQUIRE(divideExact(b784, Dim::symbol("B"), q));
  CHECK(q == Dim::constant(784));
  REQUIRE(divideExact(b784, b784, q));
  CHECK(q.isOne());
  // Repeated symbols are removed one at a time.
  REQUIRE(divideExact(Dim::symbol("B") * Dim::symbol("B"), Dim::symbol("B"), q));
  CHECK(q == Dim::symbol("B"));

  Dim untouched = Dim::constant(99);
  q = untouched;
  CHECK_FALSE(divideExact(b784, Dim::constant(5), q));       // 784 % 5 != 0
  CHECK_FALSE(divideExact(b784, Dim::symbol("T"), q));       // no T in B*784
  CHECK_FALSE(divideExact(Dim::constant(8), Dim::symbol("B"), q));
  CHECK_FALSE(divideExact(b784, Dim::constant(0), q));       // no division by 0
  CHECK(q == untouched); // a refused division leaves the quotient alone
}

TEST_CASE("dim: shapes print, count elements and build from constants") {
  Shape s = {Dim::symbol("B"), Dim::constant(1), Dim::constant(28),
             Dim::constant(28)};
  CHECK(nnc::ir::shapeStr(s) == "[B, 1, 28, 28]");
  CHECK(nnc::ir::numElements(s) == Dim::symbol("B") * Dim::constant(784));
  CHECK(nnc::ir::numElements(s).str() == "B*784");
  CHECK(nnc::ir::shapeStr({}) == "[]");
  CHECK(nnc::ir::numElements({}) == Dim::constant(1)); // a scalar
  Shape c = nnc::ir::constShape({256, 784});
  REQUIRE(c.size() == 2);
  CHECK(c[0] == Dim::constant(256));
  CHECK(nnc::ir::numElements(c).str() == "200704");
}
