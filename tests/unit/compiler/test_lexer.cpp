//===- test_lexer.cpp - Unit tests of syntax/lexer ------------------------===//
//
// Token kinds and spellings for each lexical class, the `0..4` range rule,
// string escapes, comments, and error recovery: a bad character is reported
// at its line:col and lexing goes on.
//
//===----------------------------------------------------------------------===//
#include "test_support.h"

#include "syntax/lexer.h"

using namespace nnc;
using namespace nnc::syntax;
using nnc::test::Source;

namespace {

std::vector<Token> lexText(Source &src) {
  return lex(src.sources, src.file, src.diags);
}

std::vector<TokenKind> kinds(const std::vector<Token> &tokens) {
  std::vector<TokenKind> out;
  for (const Token &t : tokens)
    out.push_back(t.kind);
  return out;
}

} // namespace

TEST_CASE("lexer: every keyword is its own kind; longer names are identifiers") {
  Source src("module fn model train import param buffer frozen init forward "
             "return for in if else true false and or not modules forwards _x");
  std::vector<Token> toks = lexText(src);
  std::vector<TokenKind> expected = {
      TokenKind::KwModule,  TokenKind::KwFn,      TokenKind::KwModel,
      TokenKind::KwTrain,   TokenKind::KwImport,  TokenKind::KwParam,
      TokenKind::KwBuffer,  TokenKind::KwFrozen,  TokenKind::KwInit,
      TokenKind::KwForward, TokenKind::KwReturn,  TokenKind::KwFor,
      TokenKind::KwIn,      TokenKind::KwIf,      TokenKind::KwElse,
      TokenKind::KwTrue,    TokenKind::KwFalse,   TokenKind::KwAnd,
      TokenKind::KwOr,      TokenKind::KwNot,     TokenKind::Identifier,
      TokenKind::Identifier, TokenKind::Identifier, TokenKind::Eof};
  CHECK(kinds(toks) == expected);
  CHECK(toks[20].text == "modules");
  CHECK(toks[22].text == "_x");
  CHECK(src.errors() == 0);
}

TEST_CASE("lexer: `0..4` is int, range, int") {
  Source src("0..4");
  std::vector<Token> toks = lexText(src);
  REQUIRE(toks.size() == 4);
  CHECK(toks[0].kind == TokenKind::IntLiteral);
  CHECK(toks[0].text == "0");
  CHECK(toks[1].kind == TokenKind::DotDot);
  CHECK(toks[2].kind == TokenKind::IntLiteral);
  CHECK(toks[2].text == "4");
  CHECK(toks[3].kind == TokenKind::Eof);
  CHECK(src.errors() == 0);
}

TEST_CASE("lexer: integers and floats, with fractions and exponents") {
  Source src("42 1_000 0.5 3.25 1e5 2E10 1.5e-3 6.02e+23 7");
  std::vector<Token> toks = lexText(src);
  REQUIRE(toks.size() == 10);
  struct Expect {
    TokenKind kind;
    const char *text;
  } expected[] = {
      {TokenKind::IntLiteral, "42"},       {TokenKind::IntLiteral, "1_000"},
      {TokenKind::FloatLiteral, "0.5"},    {TokenKind::FloatLiteral, "3.25"},
      {TokenKind::FloatLiteral, "1e5"},    {TokenKind::FloatLiteral, "2E10"},
      {TokenKind::FloatLiteral, "1.5e-3"}, {TokenKind::FloatLiteral, "6.02e+23"},
      {TokenKind::IntLiteral, "7"}};
  for (size_t i = 0; i < std::size(expected); ++i) {
    CAPTURE(i);
    CHECK(toks[i].kind == expected[i].kind);
    CHECK(toks[i].text == expected[i].text);
  }
  CHECK(src.errors() == 0);
}

TEST_CASE("lexer: a member access on an int is not a float (`x.0.weight`)") {
  Source src("net.0.weight");
  std::vector<Token> toks = lexText(src);
  std::vector<TokenKind> expected = {TokenKind::Identifier, TokenKind::Dot,
                                     TokenKind::IntLiteral, TokenKind::Dot,
                                     TokenKind::Identifier, TokenKind::Eof};
  CHECK(kinds(toks) == expected);
}

TEST_CASE("lexer: a letter glued to a number is one invalid literal") {
  Source src("12abc + 1");
  std::vector<Token> toks = lexText(src);
  REQUIRE(src.diags.reported().size() == 1);
  const Diagnostic &d = src.diags.reported()[0];
  CHECK(d.kind == DiagKind::InvalidNumber);
  CHECK(d.message == "invalid number literal `12abc`");
  CHECK(d.range.length == 5);
  // Lexing went on after it.
  REQUIRE(toks.size() == 4);
  CHECK(toks[1].kind == TokenKind::Plus);
  CHECK(toks[2].text == "1");
}

TEST_CASE("lexer: strings decode escapes; the token text keeps the quotes") {
  Source src(R"(x = "a\n\tb\"c\\d" "relu")");
  std::vector<Token> toks = lexText(src);
  REQUIRE(toks.size() == 5);
  CHECK(toks[2].kind == TokenKind::StringLiteral);
  CHECK(toks[2].stringValue == "a\n\tb\"c\\d");
  CHECK(toks[2].text == R"("a\n\tb\"c\\d")");
  CHECK(toks[3].stringValue == "relu");
  CHECK(src.errors() == 0);
}

TEST_CASE("lexer: an unterminated string is reported at its opening quote") {
  Source src("a = \"oops\nb");
  std::vector<Token> toks = lexText(src);
  REQUIRE(src.diags.reported().size() == 1);
  const Diagnostic &d = src.diags.reported()[0];
  CHECK(d.kind == DiagKind::UnterminatedString);
  CHECK(src.where(d).line == 1);
  CHECK(src.where(d).col == 5);
  // The next line is still lexed.
  REQUIRE(toks.size() >= 2);
  CHECK(toks[toks.size() - 2].text == "b");
}

TEST_CASE("lexer: punctuation, longest match first") {
  Source src("-> .. . - == = != <= >= < > ( ) [ ] { } , : ; + * / @");
  std::vector<TokenKind> expected = {
      TokenKind::Arrow,     TokenKind::DotDot,    TokenKind::Dot,
      TokenKind::Minus,     TokenKind::EqEq,      TokenKind::Assign,
      TokenKind::NotEq,     TokenKind::LessEq,    TokenKind::GreaterEq,
      TokenKind::Less,      TokenKind::Greater,   TokenKind::LParen,
      TokenKind::RParen,    TokenKind::LBracket,  TokenKind::RBracket,
      TokenKind::LBrace,    TokenKind::RBrace,    TokenKind::Comma,
      TokenKind::Colon,     TokenKind::Semicolon, TokenKind::Plus,
      TokenKind::Star,      TokenKind::Slash,     TokenKind::At,
      TokenKind::Eof};
  CHECK(kinds(lexText(src)) == expected);
  // Without spaces: `x->y` and `a..b` still split into three tokens each.
  Source glued("x->y a..b");
  std::vector<TokenKind> expectedGlued = {
      TokenKind::Identifier, TokenKind::Arrow,  TokenKind::Identifier,
      TokenKind::Identifier, TokenKind::DotDot, TokenKind::Identifier,
      TokenKind::Eof};
  CHECK(kinds(lexText(glued)) == expectedGlued);
}

TEST_CASE("lexer: comments run to the end of the line") {
  Source src("a # b ( ] $ \"unterminated\n"
             "c#d\n"
             "# whole line\n"
             "e");
  std::vector<Token> toks = lexText(src);
  REQUIRE(toks.size() == 4);
  CHECK(toks[0].text == "a");
  CHECK(toks[1].text == "c");
  CHECK(toks[2].text == "e");
  CHECK(src.sources.lineCol(toks[2].loc).line == 4);
  CHECK(src.errors() == 0);
}

TEST_CASE("lexer: a bad character is reported at its line:col and lexing goes on") {
  Source src("a $ b\n"
             "  c ? d\n");
  std::vector<Token> toks = lexText(src);
  REQUIRE(src.diags.reported().size() == 2);
  const Diagnostic &first = src.diags.reported()[0];
  const Diagnostic &second = src.diags.reported()[1];
  CHECK(first.kind == DiagKind::UnexpectedCharacter);
  CHECK(first.message == "unexpected character `$`");
  CHECK(src.where(first).line == 1);
  CHECK(src.where(first).col == 3);
  CHECK(second.message == "unexpected character `?`");
  CHECK(src.where(second).line == 2);
  CHECK(src.where(second).col == 5);
  // Every good token survives, in order, with its own location.
  REQUIRE(toks.size() == 5);
  CHECK(toks[0].text == "a");
  CHECK(toks[1].text == "b");
  CHECK(toks[2].text == "c");
  CHECK(toks[3].text == "d");
  CHECK(src.sources.lineCol(toks[3].loc).col == 7);
  CHECK(toks[4].kind == TokenKind::Eof);
  // The printed form points at the file and position, with the kind tag.
  CHECK(src.printed.str().find("t.nnm:1:3: error: unexpected character `$` "
                               "[UnexpectedCharacter]") != std::string::npos);
}

TEST_CASE("lexer: token locations are byte offsets in the file") {
  Source src("module\n  Foo");
  std::vector<Token> toks = lexText(src);
  REQUIRE(toks.size() == 3);
  CHECK(toks[1].loc.offset == 9);
  LineCol lc = src.sources.lineCol(toks[1].loc);
  CHECK(lc.line == 2);
  CHECK(lc.col == 3);
  CHECK(toks[2].kind == TokenKind::Eof);
  CHECK(toks[2].loc.offset == 12);
}

TEST_CASE("lexer: describe names kinds and concrete tokens for diagnostics") {
  CHECK(describe(TokenKind::LParen) == "`(`");
  CHECK(describe(TokenKind::KwModule) == "`module`");
  CHECK(describe(TokenKind::Identifier) == "identifier");
  Source src("foo");
  std::vector<Token> toks = lexText(src);
  CHECK(describe(toks[0]) == "`foo`");
  CHECK(describe(toks[1]) == "end of file");
}
