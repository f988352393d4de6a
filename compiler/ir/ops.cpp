//===- ops.cpp - Op table lookups -----------------------------------------===//
//
// The per-op facts of ops.def as data, and lookups by mnemonic and by the
// op's name in the language.
//
//===----------------------------------------------------------------------===//
#include "ir/graph.h"

#include <cstring>

namespace nnc::ir {
namespace {

constexpr OpInfo kOpInfo[] = {
#define NNC_OP(Name, Mnemonic, Surface, Arity, ShapeRule, Lower)               \
  {Mnemonic, Surface, Arity, Lowering::Lower},
#include "ir/ops.def"
};
constexpr int kNumOps = sizeof(kOpInfo) / sizeof(kOpInfo[0]);

} // namespace

const OpInfo &opInfo(OpKind op) { return kOpInfo[static_cast<int>(op)]; }

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

const char *dtypeName(DType t) { return t == DType::F32 ? "f32" : "f64"; }

} // namespace nnc::ir
