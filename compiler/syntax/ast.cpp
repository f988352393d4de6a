//===- ast.cpp - Out-of-line parts of the AST -----------------------------===//
//
// Only the expression destructor: the default one recurses once per level,
// and a 100,000-term sum is 100,000 levels deep.
//
//===----------------------------------------------------------------------===//
#include "syntax/ast.h"

namespace nnc::syntax {
namespace {

/// Moves `e`'s children into `pending`, leaving `e` a leaf.
void detachChildren(Expr &e, std::vector<ExprPtr> &pending) {
  for (ExprPtr &operand : e.operands)
    if (operand)
      pending.push_back(std::move(operand));
  for (Arg &arg : e.args)
    if (arg.value)
      pending.push_back(std::move(arg.value));
}

} // namespace

Expr::~Expr() {
  std::vector<ExprPtr> pending;
  detachChildren(*this, pending);
  while (!pending.empty()) {
    ExprPtr next = std::move(pending.back());
    pending.pop_back();
    detachChildren(*next, pending);
    // `next` is freed here, childless, so its destructor does not recurse.
  }
}

} // namespace nnc::syntax
