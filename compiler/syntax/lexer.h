//===- lexer.h - Tokens of the .nnm language ------------------------------===//
//
// Turns a source file into tokens. Newlines are not significant: statements
// delimit themselves. `#` starts a comment to the end of the line. Bad
// characters are reported and skipped so that parsing can go on.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "base/diagnostics.h"

#include <string>
#include <string_view>
#include <vector>

namespace nnc::syntax {

enum class TokenKind {
#define NNC_TOKEN(Kind, Spelling) Kind,
#define NNC_KEYWORD(Kind, Spelling) Kind,
#define NNC_TOKEN_CLASS(Kind, Desc) Kind,
#include "syntax/tokens.def"
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  SourceLoc loc;
  std::string_view text; ///< the token's spelling in the source
  /// The decoded value of a string literal (escapes resolved).
  std::string stringValue;
};

/// How a token kind is named in diagnostics: "`(`", "identifier".
std::string describe(TokenKind kind);
/// How a concrete token is named in diagnostics: "`foo`", "end of file".
std::string describe(const Token &token);

/// Lexes the whole of `file`; the result always ends with an Eof token.
std::vector<Token> lex(const SourceManager &sources, int32_t file,
                       DiagnosticEngine &diags);

/// Names bytes a diagnostic must not echo raw: "character `$`" for a
/// printable ASCII character, "NUL byte (00)", "non-ASCII character (UTF-8
/// bytes C3 A9)".
std::string nameBytes(std::string_view bytes);

} // namespace nnc::syntax
