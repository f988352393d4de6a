//===- vjp_rules.h - One vector-Jacobian product rule per op --------------===//
#pragma once

#include "autodiff/grad_builder.h"

#include <vector>

namespace nnc::autodiff {

/// Given the node `n` and the gradient `g` of the objective with respect to
/// `n`'s value, returns the gradient with respect to each operand (nullptr
/// where it is zero or not differentiable), each of the operand's shape.
std::vector<const ir::Node *> vjp(GradBuilder &b, const ir::Node &n,
                                  const ir::Node *g);

} // namespace nnc::autodiff
