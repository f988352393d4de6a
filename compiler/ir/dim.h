//===- dim.h - Dimensions and shapes, possibly symbolic -------------------===//
//
// A dimension is a polynomial in the symbols with integer coefficients: a
// sum of monomials, each a coefficient times a product of symbols (`784`,
// `B`, `B*784`, `B*384 + 30`). Symbols are bound at run time from the shapes
// of the model's inputs. Products and sums are exact, and a dimension is
// kept in one canonical form (like terms combined, none zero, in one order),
// so two dimensions are equal for every value of the symbols exactly when
// they compare equal. Tensor shapes built by the language are monomials;
// sums come from the kernel level's buffer offsets and, later, from shapes
// such as a concatenation's.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nnc::ir {

/// The most elements one tensor (and a model's parameters and buffers, all
/// together) may hold: 2^48, a 1 PiB float32 tensor. Below it, element and
/// byte counts and their sums over a model never overflow int64, in the
/// compiler or in the generated code's workspace sizing.
constexpr int64_t kMaxElements = int64_t(1) << 48;
/// The most dimensions a tensor may have, as in PyTorch's TensorIterator:
/// code generation nests one loop per dimension.
constexpr size_t kMaxRank = 64;
/// The most terms a tensor's element count may have once multiplied out:
/// the product of sums grows exponentially with the rank.
constexpr size_t kMaxTerms = 64;

/// coeff * symbols[0] * symbols[1] * ...
struct Monomial {
  int64_t coeff = 1;
  std::vector<std::string> symbols; ///< sorted, with repetition
  bool operator==(const Monomial &other) const = default;
  auto operator<=>(const Monomial &other) const = default;
};

struct Dim {
  /// The canonical form: no zero coefficient, no two terms with the same
  /// symbols, ordered by degree (highest first) then by symbols. Zero has
  /// no terms.
  std::vector<Monomial> terms;

  static Dim constant(int64_t value);
  static Dim symbol(std::string name);

  /// No symbol appears: the dimension is a number.
  bool isConstant() const;
  /// The number, when isConstant().
  int64_t constantValue() const;
  bool isOne() const { return isConstant() && constantValue() == 1; }
  /// At most one term: the forms tensor shapes take today.
  bool isMonomial() const { return terms.size() <= 1; }
  /// The value with every symbol bound by `value`; none when an operation
  /// overflows int64.
  std::optional<int64_t>
  evaluate(const std::function<int64_t(const std::string &)> &value) const;
  /// The value with every symbol 1, saturated at INT64_MAX: the least value
  /// of a dimension whose coefficients are all positive.
  int64_t valueAtOnes() const;
  /// Every symbol it uses, sorted, each once.
  std::vector<std::string> symbolNames() const;

  bool operator==(const Dim &other) const = default;
  /// An arbitrary total order, for keys of ordered maps.
  auto operator<=>(const Dim &other) const = default;

  /// `784`, `B`, `B*784`, `B*384 + 30`: the form used by the printer, the
  /// IR parser and the manifest.
  std::string str() const;
};

/// The product and the sum, multiplied out and combined. A coefficient past
/// int64 saturates (at INT64_MAX, or INT64_MIN below), so it is still
/// refused as too large (or negative).
Dim operator*(const Dim &a, const Dim &b);
Dim operator+(const Dim &a, const Dim &b);

/// a / b when some dimension q has q * b == a; false otherwise. Dividing by
/// a monomial divides each term; by a sum, the quotient must be a monomial.
bool divideExact(const Dim &a, const Dim &b, Dim &quotient);

using Shape = std::vector<Dim>;

/// `[B, 784]`
std::string shapeStr(const Shape &shape);
/// The number of elements, as a polynomial.
Dim numElements(const Shape &shape);
/// Why `shape` is not a valid tensor shape (more than kMaxRank dimensions, a
/// dimension with a coefficient below 0 or a value below 1, an element count
/// of more than kMaxTerms terms, or more than kMaxElements elements counting
/// each symbol as 1), or "" when it is.
std::string shapeProblem(const Shape &shape);
/// Shapes of only constant dimensions.
Shape constShape(std::initializer_list<int64_t> dims);

} // namespace nnc::ir
