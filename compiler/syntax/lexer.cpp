//===- lexer.cpp - Tokens of the .nnm language ----------------------------===//
//
// A hand-written scanner: longest match for punctuation, keywords looked up
// after an identifier is scanned.
//
//===----------------------------------------------------------------------===//
#include "syntax/lexer.h"

#include <cctype>
#include <unordered_map>

namespace nnc::syntax {
namespace {

const std::unordered_map<std::string_view, TokenKind> &keywords() {
  static const std::unordered_map<std::string_view, TokenKind> table = {
#define NNC_KEYWORD(Kind, Spelling) {Spelling, TokenKind::Kind},
#include "syntax/tokens.def"
  };
  return table;
}

struct Punct {
  std::string_view spelling;
  TokenKind kind;
};

// Longer spellings first so that `..` wins over `.` and `->` over `-`.
constexpr Punct kPunct[] = {
    {"..", TokenKind::DotDot},   {"->", TokenKind::Arrow},
    {"==", TokenKind::EqEq},     {"!=", TokenKind::NotEq},
    {"<=", TokenKind::LessEq},   {">=", TokenKind::GreaterEq},
    {"(", TokenKind::LParen},    {")", TokenKind::RParen},
    {"[", TokenKind::LBracket},  {"]", TokenKind::RBracket},
    {"{", TokenKind::LBrace},    {"}", TokenKind::RBrace},
    {",", TokenKind::Comma},     {":", TokenKind::Colon},
    {";", TokenKind::Semicolon}, {".", TokenKind::Dot},
    {"=", TokenKind::Assign},    {"<", TokenKind::Less},
    {">", TokenKind::Greater},   {"+", TokenKind::Plus},
    {"-", TokenKind::Minus},     {"*", TokenKind::Star},
    {"/", TokenKind::Slash},     {"@", TokenKind::At},
};

class Lexer {
public:
  Lexer(const SourceManager &sources, int32_t file, DiagnosticEngine &diags)
      : text_(sources.file(file).text), file_(file), diags_(diags) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    // Editors on some systems start UTF-8 files with a byte-order mark.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF")
      pos_ = 3;
    while (true) {
      skipTrivia();
      if (pos_ >= text_.size()) {
        tokens.push_back(make(TokenKind::Eof, pos_, 0));
        return tokens;
      }
      if (auto tok = next())
        tokens.push_back(std::move(*tok));
    }
  }

private:
  Token make(TokenKind kind, size_t begin, size_t length) {
    Token t;
    t.kind = kind;
    t.loc = SourceLoc{file_, static_cast<uint32_t>(begin)};
    t.text = text_.substr(begin, length);
    return t;
  }

  void skipTrivia() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n')
          ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else {
        return;
      }
    }
  }

  std::optional<Token> next() {
    char c = text_[pos_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_')
      return identifier();
    if (std::isdigit(static_cast<unsigned char>(c)))
      return number();
    if (c == '"')
      return string();
    for (const Punct &p : kPunct) {
      if (text_.substr(pos_, p.spelling.size()) == p.spelling) {
        size_t begin = pos_;
        pos_ += p.spelling.size();
        return make(p.kind, begin, p.spelling.size());
      }
    }
    size_t length = utf8Length(text_, pos_); // `é` is one error, not two
    diags_.report(DiagKind::UnexpectedCharacter,
                  SourceRange{SourceLoc{file_, static_cast<uint32_t>(pos_)},
                              static_cast<uint32_t>(length)},
                  {nameBytes(text_.substr(pos_, length))});
    pos_ += length;
    return std::nullopt;
  }

  Token identifier() {
    size_t begin = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
            text_[pos_] == '_'))
      ++pos_;
    Token t = make(TokenKind::Identifier, begin, pos_ - begin);
    auto it = keywords().find(t.text);
    if (it != keywords().end())
      t.kind = it->second;
    return t;
  }

  // int: digits; float: digits '.' digits [exponent] | digits exponent.
  // `0..4` is a range, so a '.' only starts a fraction before a digit.
  Token number() {
    size_t begin = pos_;
    bool isFloat = false;
    auto digits = [&] {
      while (pos_ < text_.size() &&
             (std::isdigit(static_cast<unsigned char>(text_[pos_])) ||
              text_[pos_] == '_'))
        ++pos_;
    };
    digits();
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' &&
        std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]))) {
      isFloat = true;
      ++pos_;
      digits();
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      size_t save = pos_;
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-'))
        ++pos_;
      if (pos_ < text_.size() &&
          std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        isFloat = true;
        digits();
      } else {
        pos_ = save;
      }
    }
    // A letter glued to a number (`12abc`) is one bad literal, not two tokens.
    if (pos_ < text_.size() &&
        (std::isalpha(static_cast<unsigned char>(text_[pos_])))) {
      while (pos_ < text_.size() &&
             std::isalnum(static_cast<unsigned char>(text_[pos_])))
        ++pos_;
      Token bad = make(TokenKind::Invalid, begin, pos_ - begin);
      diags_.report(DiagKind::InvalidNumber,
                    SourceRange{bad.loc, static_cast<uint32_t>(bad.text.size())},
                    {std::string(bad.text)});
      bad.kind = TokenKind::IntLiteral;
      bad.text = text_.substr(begin, 1);
      return bad;
    }
    return make(isFloat ? TokenKind::FloatLiteral : TokenKind::IntLiteral,
                begin, pos_ - begin);
  }

  Token string() {
    size_t begin = pos_++;
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\n') {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        char e = text_[pos_++];
        value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      } else {
        value += c;
      }
    }
    if (pos_ >= text_.size() || text_[pos_] != '"') {
      diags_.report(DiagKind::UnterminatedString,
                    SourceLoc{file_, static_cast<uint32_t>(begin)});
    } else {
      ++pos_;
    }
    Token t = make(TokenKind::StringLiteral, begin, pos_ - begin);
    t.stringValue = std::move(value);
    return t;
  }

  std::string_view text_;
  int32_t file_;
  DiagnosticEngine &diags_;
  size_t pos_ = 0;
};

} // namespace

std::string nameBytes(std::string_view bytes) {
  auto hex = [](std::string_view b) {
    static const char kDigits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : b)
      out += std::string(out.empty() ? "" : " ") + kDigits[c >> 4] +
             kDigits[c & 15];
    return out;
  };
  if (bytes.size() == 1) {
    unsigned char c = static_cast<unsigned char>(bytes[0]);
    if (c >= 0x21 && c < 0x7F)
      return "character `" + std::string(bytes) + "`";
    if (c == 0)
      return "NUL byte (00)";
    if (c < 0x20 || c == 0x7F)
      return "control character (byte " + hex(bytes) + ")";
    return "byte " + hex(bytes) + " (not ASCII, and not part of a UTF-8 "
                                  "character)";
  }
  if (bytes == "\xEF\xBB\xBF")
    return "UTF-8 byte-order mark (bytes EF BB BF) after the start of the file";
  return "non-ASCII character (UTF-8 bytes " + hex(bytes) +
         "); names and operators are ASCII";
}

std::string describe(TokenKind kind) {
  switch (kind) {
#define NNC_TOKEN(Kind, Spelling)                                              \
  case TokenKind::Kind:                                                        \
    return "`" Spelling "`";
#define NNC_KEYWORD(Kind, Spelling)                                            \
  case TokenKind::Kind:                                                        \
    return "`" Spelling "`";
#define NNC_TOKEN_CLASS(Kind, Desc)                                            \
  case TokenKind::Kind:                                                        \
    return Desc;
#include "syntax/tokens.def"
  }
  return "token";
}

std::string describe(const Token &token) {
  switch (token.kind) {
  case TokenKind::Eof:
    return "end of file";
  case TokenKind::Identifier:
  case TokenKind::IntLiteral:
  case TokenKind::FloatLiteral:
    return "`" + std::string(token.text) + "`";
  case TokenKind::StringLiteral:
    return "string " + std::string(token.text);
  default:
    return describe(token.kind);
  }
}

std::vector<Token> lex(const SourceManager &sources, int32_t file,
                       DiagnosticEngine &diags) {
  return Lexer(sources, file, diags).run();
}

} // namespace nnc::syntax
