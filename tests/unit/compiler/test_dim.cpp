//===- test_dim.cpp - Unit tests of ir/dim --------------------------------===//
//
// Polynomial dimensions: products keep symbols sorted and multiply out, sums
// combine like terms, equality is structural on the canonical form, exact
// division, evaluation, the validity of shapes, and the printed form the IR
// and the manifest use.
//
//===----------------------------------------------------------------------===//
#include <doctest/doctest.h>

#include "ir/dim.h"

#include <limits>

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
  REQUIRE(p.terms.size() == 1);
  CHECK(p.terms[0].coeff == 784);
  CHECK(p.terms[0].symbols == std::vector<std::string>{"B", "T"});
  CHECK(p.str() == "B*T*784");
  // Symbols repeat: B*B.
  Dim sq = b * b;
  CHECK(sq.terms[0].symbols == std::vector<std::string>{"B", "B"});
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

TEST_CASE("dim: sums combine like terms and keep one canonical form") {
  Dim b = Dim::symbol("B"), t = Dim::symbol("T");
  Dim s = b * Dim::constant(2) + Dim::constant(3);
  CHECK(s.str() == "B*2 + 3");
  CHECK_FALSE(s.isConstant());
  CHECK_FALSE(s.isMonomial());
  // Order of addition does not matter, and like terms combine.
  CHECK(Dim::constant(3) + b + b == s);
  CHECK((b + t) == (t + b));
  // Highest degree first, then by symbols.
  CHECK((Dim::constant(1) + b + b * t).str() == "B*T + B + 1");
  // Terms that cancel disappear; all of them: zero.
  Dim minusB = b * Dim::constant(-1);
  CHECK((s + minusB).str() == "B + 3");
  CHECK((b + minusB) == Dim::constant(0));
  CHECK((b + minusB).str() == "0");
  CHECK((s + minusB * Dim::constant(2) + Dim::constant(-3)).isConstant());
  CHECK((b * Dim::constant(2) + Dim::constant(-3)).str() == "B*2 - 3");
  // Products multiply out.
  CHECK(((b + Dim::constant(1)) * (b + Dim::constant(1))).str() == "B*B + B*2 + 1");
  CHECK(((b + Dim::constant(1)) * Dim::constant(0)) == Dim::constant(0));
}

TEST_CASE("dim: evaluate binds the symbols and reports overflow") {
  Dim s = Dim::symbol("B") * Dim::symbol("T") + Dim::symbol("B") * Dim::constant(3) +
          Dim::constant(7);
  auto at = [](int64_t b, int64_t t) {
    return [=](const std::string &name) { return name == "B" ? b : t; };
  };
  CHECK(s.evaluate(at(2, 5)) == 2 * 5 + 6 + 7);
  CHECK(s.evaluate(at(1, 1)) == s.valueAtOnes());
  CHECK(s.valueAtOnes() == 11);
  CHECK_FALSE(s.evaluate(at(int64_t(1) << 40, int64_t(1) << 40)).has_value());
  CHECK(Dim::constant(0).evaluate(at(1, 1)) == 0);
  CHECK(s.symbolNames() == std::vector<std::string>{"B", "T"});
}

TEST_CASE("dim: divideExact by a sum needs a one-term quotient") {
  Dim b = Dim::symbol("B"), q;
  Dim s = b + Dim::constant(1);
  REQUIRE(divideExact(s * b * Dim::constant(6), s, q));
  CHECK(q == b * Dim::constant(6));
  REQUIRE(divideExact(s * Dim::constant(4), Dim::constant(2), q));
  CHECK(q.str() == "B*2 + 2");
  CHECK_FALSE(divideExact(s * s, s, q)); // the quotient B + 1 is a sum
  CHECK_FALSE(divideExact(b, s, q));
  CHECK_FALSE(divideExact(s, b, q)); // 1 / B is no dimension
  CHECK_FALSE(divideExact(s + Dim::constant(1), Dim::constant(2), q)); // B + 2: B is odd
}

TEST_CASE("dim: shapeProblem refuses dimensions that can be below 1 and counts that explode") {
  Dim b = Dim::symbol("B");
  CHECK(nnc::ir::shapeProblem({b + Dim::constant(1), Dim::constant(4)}) == "");
  CHECK(nnc::ir::shapeProblem({b * Dim::constant(2) + Dim::constant(-1)}) ==
        "dimension 0 of [B*2 - 1] is B*2 - 1; dimensions must be at least 1");
  CHECK(nnc::ir::shapeProblem({b + Dim::constant(-1)}) ==
        "dimension 0 of [B - 1] is B - 1; dimensions must be at least 1");
  Shape wide;
  for (const char *name : {"A", "C", "D", "E", "F", "G", "H"})
    wide.push_back(Dim::symbol(name) + Dim::constant(1));
  CHECK(nnc::ir::shapeProblem(wide).find("more than 64 terms") != std::string::npos);
  wide.pop_back(); // 2^6 = 64 terms
  CHECK(nnc::ir::shapeProblem(wide) == "");
}

TEST_CASE("dim: arithmetic past int64 saturates towards the exact result's sign") {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  CHECK((Dim::constant(kMax) + Dim::constant(1)).constantValue() == kMax);
  CHECK((Dim::constant(kMin + 1) + Dim::constant(-5)).constantValue() == kMin);
  CHECK((Dim::constant(kMax) * Dim::constant(-2)).constantValue() == kMin);
  CHECK((Dim::constant(kMin) * Dim::constant(-2)).constantValue() == kMax);
  CHECK(nnc::ir::shapeProblem({Dim::constant(kMin + 1) + Dim::constant(-5)}).find(
            "must be at least 1") != std::string::npos);
}
