//===- parser.h - Recursive-descent parser for .nnm files -----------------===//
//
// Builds a FileAst from tokens. On a syntax error the parser reports it,
// skips to the next point where a member, statement or declaration can start,
// and goes on, so that one run reports several independent errors.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "syntax/ast.h"

namespace nnc::syntax {

/// Lexes and parses `file`. Errors go to `diags`; the returned AST holds
/// everything that could be parsed.
FileAst parseFile(const SourceManager &sources, int32_t file,
                  DiagnosticEngine &diags);

} // namespace nnc::syntax
