//===- dim.cpp - Dimensions and shapes, possibly symbolic -----------------===//
//
// Polynomial arithmetic on dimensions, their canonical form and their
// printed form.
//
//===----------------------------------------------------------------------===//
#include "ir/dim.h"

#include <algorithm>
#include <limits>
#include <map>

namespace nnc::ir {

namespace {

constexpr int64_t kSaturated = std::numeric_limits<int64_t>::max();

// Past int64, towards the sign of the exact result: a dimension that
// large is refused either way, as too large or as negative.
int64_t saturatingMul(int64_t a, int64_t b) {
  int64_t r;
  if (!__builtin_mul_overflow(a, b, &r))
    return r;
  return (a < 0) != (b < 0) ? std::numeric_limits<int64_t>::min() : kSaturated;
}

int64_t saturatingAdd(int64_t a, int64_t b) {
  int64_t r;
  if (!__builtin_add_overflow(a, b, &r))
    return r;
  return a < 0 ? std::numeric_limits<int64_t>::min() : kSaturated;
}

/// Combines like terms, drops zeros and orders the rest.
Dim canonical(std::vector<Monomial> terms) {
  std::map<std::vector<std::string>, int64_t> bySymbols;
  for (Monomial &t : terms) {
    int64_t &c = bySymbols[std::move(t.symbols)];
    c = saturatingAdd(c, t.coeff);
  }
  Dim d;
  for (auto &[symbols, coeff] : bySymbols)
    if (coeff != 0)
      d.terms.push_back(Monomial{coeff, symbols});
  std::stable_sort(d.terms.begin(), d.terms.end(),
                   [](const Monomial &a, const Monomial &b) {
                     return a.symbols.size() > b.symbols.size();
                   });
  return d;
}

std::string monomialStr(const Monomial &t) {
  std::string out;
  for (const std::string &s : t.symbols)
    out += (out.empty() ? "" : "*") + s;
  if (t.coeff != 1 || out.empty())
    out += (out.empty() ? "" : "*") + std::to_string(t.coeff);
  return out;
}

/// a / b for monomials, when b divides a exactly.
std::optional<Monomial> divideMonomial(const Monomial &a, const Monomial &b) {
  if (b.coeff == 0 || a.coeff % b.coeff != 0)
    return std::nullopt;
  std::vector<std::string> rest = a.symbols;
  for (const std::string &s : b.symbols) {
    auto it = std::find(rest.begin(), rest.end(), s);
    if (it == rest.end())
      return std::nullopt;
    rest.erase(it);
  }
  return Monomial{a.coeff / b.coeff, rest};
}

} // namespace

Dim Dim::constant(int64_t value) {
  return value == 0 ? Dim{} : Dim{{Monomial{value, {}}}};
}

Dim Dim::symbol(std::string name) { return Dim{{Monomial{1, {std::move(name)}}}}; }

bool Dim::isConstant() const {
  return terms.empty() || (terms.size() == 1 && terms[0].symbols.empty());
}

int64_t Dim::constantValue() const { return terms.empty() ? 0 : terms[0].coeff; }

std::optional<int64_t>
Dim::evaluate(const std::function<int64_t(const std::string &)> &value) const {
  int64_t sum = 0;
  for (const Monomial &t : terms) {
    int64_t product = t.coeff;
    for (const std::string &s : t.symbols)
      if (__builtin_mul_overflow(product, value(s), &product))
        return std::nullopt;
    if (__builtin_add_overflow(sum, product, &sum))
      return std::nullopt;
  }
  return sum;
}

int64_t Dim::valueAtOnes() const {
  int64_t sum = 0;
  for (const Monomial &t : terms)
    sum = saturatingAdd(sum, t.coeff);
  return sum;
}

std::vector<std::string> Dim::symbolNames() const {
  std::vector<std::string> names;
  for (const Monomial &t : terms)
    names.insert(names.end(), t.symbols.begin(), t.symbols.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string Dim::str() const {
  if (terms.empty())
    return "0";
  std::string out;
  for (const Monomial &t : terms) {
    if (out.empty())
      out = monomialStr(t);
    else if (t.coeff < 0)
      out += " - " + monomialStr(Monomial{-t.coeff, t.symbols});
    else
      out += " + " + monomialStr(t);
  }
  return out;
}

Dim operator*(const Dim &a, const Dim &b) {
  std::vector<Monomial> terms;
  for (const Monomial &x : a.terms)
    for (const Monomial &y : b.terms) {
      Monomial t{saturatingMul(x.coeff, y.coeff), x.symbols};
      t.symbols.insert(t.symbols.end(), y.symbols.begin(), y.symbols.end());
      std::sort(t.symbols.begin(), t.symbols.end());
      terms.push_back(std::move(t));
    }
  return canonical(std::move(terms));
}

Dim operator+(const Dim &a, const Dim &b) {
  std::vector<Monomial> terms = a.terms;
  terms.insert(terms.end(), b.terms.begin(), b.terms.end());
  return canonical(std::move(terms));
}

bool divideExact(const Dim &a, const Dim &b, Dim &quotient) {
  if (b.terms.empty())
    return false;
  if (b.isMonomial()) {
    std::vector<Monomial> terms;
    for (const Monomial &t : a.terms) {
      std::optional<Monomial> q = divideMonomial(t, b.terms[0]);
      if (!q)
        return false;
      terms.push_back(*q);
    }
    quotient = canonical(std::move(terms));
    return true;
  }
  // The leading terms of canonical forms correspond, so a monomial
  // quotient can only be their ratio.
  if (a.terms.empty())
    return false;
  std::optional<Monomial> q = divideMonomial(a.terms[0], b.terms[0]);
  if (!q || !(Dim{{*q}} * b == a))
    return false;
  quotient = Dim{{*q}};
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
  // With every coefficient at least 0, a dimension is smallest where every
  // symbol is 1, so a value of at least 1 there holds for all bindings.
  for (size_t i = 0; i < shape.size(); ++i) {
    bool negative = std::any_of(shape[i].terms.begin(), shape[i].terms.end(),
                                [](const Monomial &t) { return t.coeff < 0; });
    if (negative || shape[i].valueAtOnes() < 1)
      return "dimension " + std::to_string(i) + " of " + shapeStr(shape) +
             " is " + shape[i].str() + "; dimensions must be at least 1";
  }
  // Multiplied out step by step, so that a shape of many sums is refused
  // before its element count has exponentially many terms.
  Dim n = Dim::constant(1);
  for (const Dim &d : shape) {
    n = n * d;
    if (n.terms.size() > kMaxTerms)
      return shapeStr(shape) + " has an element count of more than " +
             std::to_string(kMaxTerms) + " terms";
  }
  if (n.valueAtOnes() > kMaxElements)
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
