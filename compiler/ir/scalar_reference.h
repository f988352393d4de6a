//===- scalar_reference.h - One reference scalar function per op ----------===//
//
// What an elementwise op computes on one element, in double precision: the
// meaning that the interpreter, constant folding in sema and the tests of
// the generated code share. ref<Name> exists for every row of ops.def (a
// missing one fails to build); structural ops and leaves have none to call.
// NaN handling follows PyTorch, as the code generators do: relu, max and min
// propagate NaN; max(-0, +0) is +0 and min(+0, -0) is -0.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/graph.h"

#include <span>

namespace nnc::ir {

/// `op` applied to `args` (as many as its arity). For a reduction, its
/// combiner (reductionInfo): ReduceSum and ReduceMean add two values,
/// ReduceMax takes their maximum.
/// Must not be called for leaves, matmul, transpose or reshape.
double evalScalar(OpKind op, std::span<const double> args);

/// True when evalScalar is defined for `op`: elementwise ops and reductions.
bool hasScalarMeaning(OpKind op);

} // namespace nnc::ir
