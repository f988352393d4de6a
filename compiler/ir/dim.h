//===- dim.h - Dimensions and shapes, possibly symbolic -------------------===//
//
// A dimension is a monomial: an integer coefficient times a product of
// symbols (`784`, `B`, `B*784`). Monomials are closed under the products that
// flatten and reshape need, and two dimensions are equal exactly when their
// coefficients and sorted symbol lists are. Symbols are bound at run time from
// the shapes of the model's inputs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace nnc::ir {

/// The most elements one tensor (and the whole parameter arena) may hold:
/// 2^48, a 1 PiB float32 tensor. Below it, element and byte counts and their
/// sums over a model never overflow int64, in the compiler or in the
/// generated code's workspace sizing.
constexpr int64_t kMaxElements = int64_t(1) << 48;
/// The most dimensions a tensor may have, as in PyTorch's TensorIterator:
/// code generation nests one loop per dimension.
constexpr size_t kMaxRank = 64;

struct Dim {
  int64_t coeff = 1;
  std::vector<std::string> symbols; ///< sorted, with repetition

  static Dim constant(int64_t value) { return Dim{value, {}}; }
  static Dim symbol(std::string name) { return Dim{1, {std::move(name)}}; }

  bool isConstant() const { return symbols.empty(); }
  bool isOne() const { return symbols.empty() && coeff == 1; }
  bool operator==(const Dim &other) const = default;
  /// An arbitrary total order, for keys of ordered maps.
  auto operator<=>(const Dim &other) const = default;

  /// `784`, `B`, `B*784`: the form used by the printer and the manifest.
  std::string str() const;
};

/// The product. Coefficients are positive in a valid shape; a product past
/// int64 saturates at INT64_MAX, so it still compares as too large.
Dim operator*(const Dim &a, const Dim &b);

/// a / b when b divides a exactly (as monomials); false otherwise.
bool divideExact(const Dim &a, const Dim &b, Dim &quotient);

using Shape = std::vector<Dim>;

/// `[B, 784]`
std::string shapeStr(const Shape &shape);
/// The number of elements, as a monomial.
Dim numElements(const Shape &shape);
/// Why `shape` is not a valid tensor shape (more than kMaxRank dimensions, a
/// dimension below 1, or more than kMaxElements elements counting each
/// symbol as 1), or "" when it is.
std::string shapeProblem(const Shape &shape);
/// Shapes of only constant dimensions.
Shape constShape(std::initializer_list<int64_t> dims);

} // namespace nnc::ir
