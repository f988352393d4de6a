//===- update_rules.h - The optimizer update of one element, as LLVM IR ----===//
//
// nnrt_model.h's formulas for SGD and Adam (docs/training.md derives them
// from torch.optim), written once for every backend: the CPU's update loops
// (emit_update.cpp) and the GPU's update kernel (codegen/cuda/gpu_update.cpp)
// read the same nnc_update fields and build the same arithmetic.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <llvm/IR/IRBuilder.h>

#include <vector>

namespace nnc::codegen {

/// One element's parameter, gradient and optimizer slots (s2 for Adam).
struct UpdateElement {
  llvm::Value *p, *g, *s1, *s2;
};

/// The per-step scalars of nnc_update, loaded from `update` (a pointer to
/// the struct): the rule (i32), then the scalars SGD's and Adam's steps take.
struct UpdateScalars {
  llvm::Value *rule;
  std::vector<llvm::Value *> sgd;  ///< lr, weight_decay, keep, take, d_coef, s1_coef
  std::vector<llvm::Value *> adam; ///< lr, weight_decay, decay, keep, take, keep2, take2, bias2_sqrt, eps
};
UpdateScalars loadUpdateScalars(llvm::IRBuilder<> &b, llvm::Value *update);

/// d = g + wd * p; s1 = keep * s1 + take * d; p = p - lr * (dc * d + sc * s1)
UpdateElement sgdStep(llvm::IRBuilder<> &b, UpdateElement e, const std::vector<llvm::Value *> &k);

/// g' = g + wd * p; p = decay * p; s1 = keep*s1 + take*g';
/// s2 = keep2*s2 + take2*g'*g'; p = p - lr * s1 / (sqrt(s2) / b2 + eps)
UpdateElement adamStep(llvm::IRBuilder<> &b, UpdateElement e, const std::vector<llvm::Value *> &k);

} // namespace nnc::codegen
