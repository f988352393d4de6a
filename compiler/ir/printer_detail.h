//===- printer_detail.h - Pieces of the IR printer shared with graph.cpp --===//
//
// The attribute text is both what the printer shows and the interning key,
// so that two nodes print the same exactly when they are the same node.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/graph.h"

namespace nnc::ir {

/// `"x"`, `0.5`, `{perm = [1, 0]}`, `{shape = [B, 784]}`, or empty.
std::string attrsText(const Node &node);

} // namespace nnc::ir
