//===- scalar_reference.cpp - One reference scalar function per op --------===//
//
// Written for clarity, not speed: each ref<Name> is the textbook formula.
// Where the formula leaves a case open (NaN, signed zeros), it says what the
// generated code does (codegen/cpu/scalar_emitters.cpp), since the two must
// agree and tests/unit/compiler/test_scalar_reference.cpp compares them.
//
//===----------------------------------------------------------------------===//
#include "ir/scalar_reference.h"
#include "base/diagnostics.h"

#include <cmath>
#include <limits>

namespace nnc::ir {
namespace {

using Args = std::span<const double>;

#define NO_SCALAR_MEANING(Name)                                                \
  double ref##Name(Args) {                                                     \
    NNC_CHECK(false, "op has no scalar meaning");                              \
    return 0;                                                                  \
  }
NO_SCALAR_MEANING(Input)
NO_SCALAR_MEANING(Param)
NO_SCALAR_MEANING(Const)
NO_SCALAR_MEANING(MatMul)
NO_SCALAR_MEANING(Transpose)
NO_SCALAR_MEANING(Reshape)
NO_SCALAR_MEANING(Boundary)
#undef NO_SCALAR_MEANING

double refNeg(Args a) { return -a[0]; }
double refExp(Args a) { return std::exp(a[0]); }
double refLog(Args a) { return std::log(a[0]); }
double refTanh(Args a) { return std::tanh(a[0]); }
double refErf(Args a) { return std::erf(a[0]); }
double refSqrt(Args a) { return std::sqrt(a[0]); }
double refAbs(Args a) { return std::fabs(a[0]); }
// x < 0 ? 0 : x: NaN stays NaN, -0 stays -0 (torch.relu).
double refRelu(Args a) { return a[0] < 0 ? 0.0 : a[0]; }
// exp(-x) overflowing to inf gives exactly 0.
double refSigmoid(Args a) { return 1 / (1 + std::exp(-a[0])); }
double refAdd(Args a) { return a[0] + a[1]; }
double refSub(Args a) { return a[0] - a[1]; }
double refMul(Args a) { return a[0] * a[1]; }
double refDiv(Args a) { return a[0] / a[1]; }
// IEEE 754-2019 maximum/minimum (LLVM's llvm.maximum): NaN if either is NaN,
// and +0 above -0.
double refMax(Args a) {
  if (std::isnan(a[0]) || std::isnan(a[1]))
    return std::numeric_limits<double>::quiet_NaN();
  if (a[0] == a[1])
    return std::signbit(a[0]) ? a[1] : a[0];
  return a[0] > a[1] ? a[0] : a[1];
}
double refMin(Args a) {
  if (std::isnan(a[0]) || std::isnan(a[1]))
    return std::numeric_limits<double>::quiet_NaN();
  if (a[0] == a[1])
    return std::signbit(a[0]) ? a[0] : a[1];
  return a[0] < a[1] ? a[0] : a[1];
}
// An ordered comparison: NaN > x is false.
double refGreater(Args a) { return a[0] > a[1] ? 1.0 : 0.0; }
// A NaN condition is "not zero", so it selects the first branch.
double refSelect(Args a) { return a[0] != 0 ? a[1] : a[2]; }
double refBroadcast(Args a) { return a[0]; }
// A reduction's scalar meaning is its combiner (ops.def's NNC_REDUCTION row).
#define REDUCTION_COMBINER(Name)                                               \
  double ref##Name(Args a) {                                                   \
    return evalScalar(reductionInfo(OpKind::Name)->combiner, a);               \
  }
REDUCTION_COMBINER(ReduceSum)
REDUCTION_COMBINER(ReduceMax)
REDUCTION_COMBINER(ReduceMean)
#undef REDUCTION_COMBINER

} // namespace

double evalScalar(OpKind op, std::span<const double> args) {
  switch (op) {
#define NNC_OP(Name, Mnemonic, Surface, Arity, ShapeRule, Lowering)            \
  case OpKind::Name:                                                           \
    return ref##Name(args);
#include "ir/ops.def"
  }
  NNC_CHECK(false, "unknown op");
  return 0;
}

bool hasScalarMeaning(OpKind op) {
  Lowering lowering = opInfo(op).lowering;
  return lowering == Lowering::Elementwise || lowering == Lowering::Reduce;
}


} // namespace nnc::ir
