//===- update_rules.cpp - The optimizer update of one element, as LLVM IR --===//
#include "codegen/cpu/update_rules.h"
#include "nnrt_model.h"

#include <cstddef>

namespace nnc::codegen {
namespace {

using llvm::Value;

/// The fields of `nnc_update` the updates read, in this order.
enum UpdateField {
  kRule, kLr, kWeightDecay, kDecay, kKeep, kTake, kKeep2, kTake2, kDCoef,
  kS1Coef, kBias2Sqrt, kEps, kFieldCount
};

/// Their byte offsets, from the one definition of the struct (nnrt_model.h)
/// that the runtime fills: the layout is not written a second time here.
constexpr size_t kFieldOffset[kFieldCount] = {
    offsetof(nnc_update, rule),       offsetof(nnc_update, lr),
    offsetof(nnc_update, weight_decay), offsetof(nnc_update, decay),
    offsetof(nnc_update, keep),       offsetof(nnc_update, take),
    offsetof(nnc_update, keep2),      offsetof(nnc_update, take2),
    offsetof(nnc_update, d_coef),     offsetof(nnc_update, s1_coef),
    offsetof(nnc_update, bias2_sqrt), offsetof(nnc_update, eps)};
// The loads below are an i32 for the rule and a float for the rest, and
// every field of the struct is read (one added there must be handled here).
static_assert(sizeof(nnc_update::rule) == 4 && sizeof(nnc_update::lr) == 4);
static_assert(sizeof(nnc_update) == kFieldCount * 4,
              "nnc_update has a field update_rules.cpp does not read");

} // namespace

UpdateScalars loadUpdateScalars(llvm::IRBuilder<> &b, Value *update) {
  auto field = [&](int index) -> Value * {
    Value *at = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), update, kFieldOffset[index]);
    return index == kRule ? b.CreateLoad(b.getInt32Ty(), at, "rule")
                          : b.CreateLoad(b.getFloatTy(), at);
  };
  std::vector<Value *> f(kFieldCount);
  for (int i = 0; i < kFieldCount; ++i)
    f[i] = field(i);
  return {f[kRule],
          {f[kLr], f[kWeightDecay], f[kKeep], f[kTake], f[kDCoef], f[kS1Coef]},
          {f[kLr], f[kWeightDecay], f[kDecay], f[kKeep], f[kTake], f[kKeep2], f[kTake2],
           f[kBias2Sqrt], f[kEps]}};
}

UpdateElement sgdStep(llvm::IRBuilder<> &b, UpdateElement e, const std::vector<Value *> &k) {
  Value *lr = k[0], *wd = k[1], *keep = k[2], *take = k[3], *dc = k[4], *sc = k[5];
  Value *d = b.CreateFAdd(e.g, b.CreateFMul(wd, e.p));
  Value *s1 = b.CreateFAdd(b.CreateFMul(keep, e.s1), b.CreateFMul(take, d));
  Value *dir = b.CreateFAdd(b.CreateFMul(dc, d), b.CreateFMul(sc, s1));
  return {b.CreateFSub(e.p, b.CreateFMul(lr, dir)), e.g, s1, nullptr};
}

UpdateElement adamStep(llvm::IRBuilder<> &b, UpdateElement e, const std::vector<Value *> &k) {
  Value *lr = k[0], *wd = k[1], *decay = k[2], *keep = k[3], *take = k[4],
        *keep2 = k[5], *take2 = k[6], *bias2 = k[7], *eps = k[8];
  Value *g = b.CreateFAdd(e.g, b.CreateFMul(wd, e.p));
  Value *p = b.CreateFMul(decay, e.p);
  Value *s1 = b.CreateFAdd(b.CreateFMul(keep, e.s1), b.CreateFMul(take, g));
  Value *s2 = b.CreateFAdd(b.CreateFMul(keep2, e.s2), b.CreateFMul(take2, b.CreateFMul(g, g)));
  Value *sqrt = b.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, s2);
  Value *denom = b.CreateFAdd(b.CreateFDiv(sqrt, bias2), eps);
  p = b.CreateFSub(p, b.CreateFMul(lr, b.CreateFDiv(s1, denom)));
  return {p, e.g, s1, s2};
}

} // namespace nnc::codegen
