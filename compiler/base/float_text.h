//===- float_text.h - Doubles as the shortest text that reads back --------===//
//
// The IR printer and the AST printer write numbers that a parser reads
// again, so each one must come back as the same double: std::to_string
// would print 1e-5 as 0.000010 and cut 0.7978845608028654 to 0.797885.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace nnc {

/// The shortest `%g` text that strtod reads back as `value`, with `.0`
/// added when it would look like an integer (`2` -> `2.0`).
std::string floatText(double value);

} // namespace nnc
