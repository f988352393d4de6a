//===- ops.cpp - Op table lookups -----------------------------------------===//
//
// The per-op facts of ops.def as data, and lookups by mnemonic and by the
// op's name in the language.
//
//===----------------------------------------------------------------------===//
#include "ir/graph.h"

#include <cstring>
#include <limits>
#include <string>

namespace nnc::ir {
namespace {

constexpr OpInfo kOpInfo[] = {
#define NNC_OP(Name, Mnemonic, Surface, Arity, ShapeRule, Lower)               \
  {Mnemonic, Surface, Arity, Lowering::Lower},
#include "ir/ops.def"
};
constexpr int kNumOps = sizeof(kOpInfo) / sizeof(kOpInfo[0]);

struct ReductionRow {
  OpKind op;
  ReductionInfo info;
};
constexpr ReductionRow kReductions[] = {
#define NNC_REDUCTION(Name, Identity, Combiner, Finalize)                      \
  {OpKind::Name, {Identity, OpKind::Combiner, ReductionInfo::Finalize}},
#include "ir/ops.def"
};

// Each op lowered as Reduce has exactly one row, and each row is such an op.
constexpr bool reductionRowsMatch() {
  int reduceOps = 0;
  for (const OpInfo &info : kOpInfo)
    reduceOps += info.lowering == Lowering::Reduce;
  for (const ReductionRow &row : kReductions) {
    if (kOpInfo[static_cast<int>(row.op)].lowering != Lowering::Reduce)
      return false;
    int rows = 0;
    for (const ReductionRow &other : kReductions)
      rows += other.op == row.op;
    if (rows != 1)
      return false;
  }
  return reduceOps == static_cast<int>(sizeof(kReductions) / sizeof(kReductions[0]));
}
static_assert(reductionRowsMatch(), "every Reduce op of ops.def needs one NNC_REDUCTION row");

} // namespace

const OpInfo &opInfo(OpKind op) { return kOpInfo[static_cast<int>(op)]; }

const ReductionInfo *reductionInfo(OpKind op) {
  for (const ReductionRow &row : kReductions)
    if (row.op == op)
      return &row.info;
  return nullptr;
}

std::optional<OpKind> opByMnemonic(const std::string &name) {
  for (int i = 0; i < kNumOps; ++i)
    if (name == kOpInfo[i].mnemonic)
      return static_cast<OpKind>(i);
  return std::nullopt;
}

std::optional<OpKind> opBySurface(const std::string &name) {
  for (int i = 0; i < kNumOps; ++i)
    if (kOpInfo[i].surface[0] != '\0' && name == kOpInfo[i].surface)
      return static_cast<OpKind>(i);
  return std::nullopt;
}

const char *boundaryRoleName(BoundaryRole role) {
  switch (role) {
  case BoundaryRole::Input:
    return "input";
  case BoundaryRole::Output:
    return "output";
  case BoundaryRole::GradInput:
    return "grad_input";
  case BoundaryRole::GradOutput:
    return "grad_output";
  }
  return "?";
}

std::optional<BoundaryRole> boundaryRoleByName(const std::string &name) {
  for (BoundaryRole role : {BoundaryRole::Input, BoundaryRole::Output,
                            BoundaryRole::GradInput, BoundaryRole::GradOutput})
    if (name == boundaryRoleName(role))
      return role;
  return std::nullopt;
}

std::string ModuleBoundary::str() const {
  return (module.empty() ? "(model)" : module) + "#" + std::to_string(call) +
         " " + boundaryRoleName(role) + " " + std::to_string(index);
}

const char *dtypeName(DType t) { return t == DType::F32 ? "f32" : "f64"; }

} // namespace nnc::ir
