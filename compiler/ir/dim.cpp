//===- dim.cpp - Dimensions and shapes, possibly symbolic -----------------===//
//
// Arithmetic on monomial dimensions and their printed form.
//
//===----------------------------------------------------------------------===//
#include "ir/dim.h"

#include <algorithm>
#include <limits>

namespace nnc::ir {

std::string Dim::str() const {
  std::string out;
  for (const std::string &s : symbols)
    out += (out.empty() ? "" : "*") + s;
  if (coeff != 1 || out.empty())
    out += (out.empty() ? "" : "*") + std::to_string(coeff);
  return out;
}

Dim operator*(const Dim &a, const Dim &b) {
  Dim r;
  if (__builtin_mul_overflow(a.coeff, b.coeff, &r.coeff))
    r.coeff = std::numeric_limits<int64_t>::max();
  r.symbols = a.symbols;
  r.symbols.insert(r.symbols.end(), b.symbols.begin(), b.symbols.end());
  std::sort(r.symbols.begin(), r.symbols.end());
  if (r.coeff == 0)
    r.symbols.clear();
  return r;
}

bool divideExact(const Dim &a, const Dim &b, Dim &quotient) {
  if (b.coeff == 0 || a.coeff % b.coeff != 0)
    return false;
  std::vector<std::string> rest = a.symbols;
  for (const std::string &s : b.symbols) {
    auto it = std::find(rest.begin(), rest.end(), s);
    if (it == rest.end())
      return false;
    rest.erase(it);
  }
  quotient = Dim{a.coeff / b.coeff, rest};
  return true;
}

std::string shapeStr(const Shape &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + shape[i].str();
  return out + "]";
}

Dim numElements(const Shape &shape) {
  Dim n = Dim::constant(1);
  for (const Dim &d : shape)
    n = n * d;
  return n;
}

std::string shapeProblem(const Shape &shape) {
  if (shape.size() > kMaxRank)
    return shapeStr(shape) + " has " + std::to_string(shape.size()) +
           " dimensions; a tensor has at most " + std::to_string(kMaxRank);
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i].coeff < 1)
      return "dimension " + std::to_string(i) + " of " + shapeStr(shape) +
             " is " + shape[i].str() + "; dimensions must be at least 1";
  if (numElements(shape).coeff > kMaxElements)
    return shapeStr(shape) + " has more than 2^48 = " +
           std::to_string(kMaxElements) +
           " elements, the most a tensor may hold";
  return "";
}

Shape constShape(std::initializer_list<int64_t> dims) {
  Shape s;
  for (int64_t d : dims)
    s.push_back(Dim::constant(d));
  return s;
}

} // namespace nnc::ir
