//===- parser.cpp - Recursive-descent parser for .nnm files ---------------===//
//
// Each parse function has its grammar rule above it. Errors throw nothing:
// they are reported, the parser resynchronises, and parsing continues.
//
//===----------------------------------------------------------------------===//
#include "syntax/parser.h"

#include <algorithm>

namespace nnc::syntax {
namespace {

/// Thrown inside one member/statement/declaration to abandon it; caught at
/// the resynchronisation points.
struct ParseError {};

/// How deeply brackets and blocks may nest. Parsing and checking recurse
/// once per level, so the limit keeps them within the stack; documented in
/// docs/language.md. Chains that are flat in the source (`a + b + ...`,
/// `----x`, `x.T.T...`) are not nesting and have no limit.
constexpr int kMaxNesting = 1000;

class Parser {
public:
  Parser(std::vector<Token> tokens, int32_t file, DiagnosticEngine &diags)
      : toks_(std::move(tokens)), diags_(diags) {
    ast_.file = file;
  }

  // file := decl*
  FileAst run() {
    while (!at(TokenKind::Eof)) {
      try {
        declaration();
      } catch (ParseError &) {
        syncTopLevel();
      }
    }
    return std::move(ast_);
  }

private:
  //===--- token helpers ------------------------------------------------===//
  const Token &tok(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, toks_.size() - 1);
    return toks_[i];
  }
  bool at(TokenKind k, size_t ahead = 0) const { return tok(ahead).kind == k; }
  const Token &advance() {
    const Token &t = toks_[pos_];
    if (pos_ + 1 < toks_.size())
      ++pos_;
    return t;
  }
  bool accept(TokenKind k) {
    if (!at(k))
      return false;
    advance();
    return true;
  }
  const Token &expect(TokenKind k, const char *what = nullptr) {
    if (!at(k))
      fail(DiagKind::ExpectedToken,
           {what ? std::string(what) : describe(k), describe(tok())});
    return advance();
  }
  [[noreturn]] void fail(DiagKind kind, std::vector<std::string> args) {
    if (!abandoned_)
      diags_.report(kind, range(tok()), args);
    throw ParseError{};
  }

  /// Counts one level of nesting for its lifetime. Past kMaxNesting the
  /// parser reports once and abandons the file: every enclosing level would
  /// otherwise report its own missing bracket.
  class Nested {
  public:
    explicit Nested(Parser &p) : p_(p) {
      if (++p_.depth_ <= kMaxNesting)
        return;
      --p_.depth_;
      p_.diags_.report(DiagKind::NestingTooDeep, range(p_.tok()),
                       {std::to_string(kMaxNesting)});
      p_.abandoned_ = true;
      p_.pos_ = p_.toks_.size() - 1; // the end of file
      throw ParseError{};
    }
    Nested(const Nested &) = delete;
    Nested &operator=(const Nested &) = delete;
    ~Nested() { --p_.depth_; }

  private:
    Parser &p_;
  };
  static SourceRange range(const Token &t) {
    return {t.loc, static_cast<uint32_t>(std::max<size_t>(t.text.size(), 1))};
  }
  SourceRange rangeFrom(SourceLoc begin) const {
    const Token &last = toks_[pos_ > 0 ? pos_ - 1 : 0];
    uint32_t end = last.loc.offset + static_cast<uint32_t>(last.text.size());
    return {begin, end > begin.offset ? end - begin.offset : 1};
  }
  std::string identifier(const char *what = "an identifier") {
    return std::string(expect(TokenKind::Identifier, what).text);
  }

  //===--- recovery -----------------------------------------------------===//
  static bool startsDeclaration(TokenKind k) {
    return k == TokenKind::KwModule || k == TokenKind::KwFn ||
           k == TokenKind::KwModel || k == TokenKind::KwTrain ||
           k == TokenKind::KwImport;
  }
  // Skips to the next top-level declaration keyword outside any brackets.
  void syncTopLevel() {
    int depth = 0;
    while (!at(TokenKind::Eof)) {
      if (depth <= 0 && startsDeclaration(tok().kind))
        return;
      depth += bracketDelta(tok().kind);
      advance();
    }
  }
  static int bracketDelta(TokenKind k) {
    switch (k) {
    case TokenKind::LParen:
    case TokenKind::LBracket:
    case TokenKind::LBrace:
      return 1;
    case TokenKind::RParen:
    case TokenKind::RBracket:
    case TokenKind::RBrace:
      return -1;
    default:
      return 0;
    }
  }
  // Skips the rest of a broken member or statement: stops before the `}`
  // closing the enclosing block, or at a token on a later line that can
  // start a member or statement at the same bracket depth. Always consumes at
  // least one token unless it stops at that `}`, so callers make progress.
  void syncInBlock(size_t startPos) {
    int depth = 0;
    uint32_t errorLine = lineAt(tok().loc.offset);
    while (!at(TokenKind::Eof)) {
      TokenKind k = tok().kind;
      bool moved = pos_ != startPos;
      if (depth == 0 && k == TokenKind::RBrace)
        return;
      if (depth == 0 && moved && lineAt(tok().loc.offset) > errorLine &&
          (startsStatement() || startsDeclaration(k)))
        return;
      depth = std::max(0, depth + bracketDelta(k));
      advance();
    }
  }
  bool startsStatement() const {
    switch (tok().kind) {
    case TokenKind::KwParam:
    case TokenKind::KwBuffer:
    case TokenKind::KwFrozen:
    case TokenKind::KwInit:
    case TokenKind::KwForward:
    case TokenKind::KwReturn:
    case TokenKind::KwFor:
    case TokenKind::KwIf:
      return true;
    case TokenKind::Identifier:
      return at(TokenKind::Assign, 1) || at(TokenKind::Comma, 1);
    default:
      return false;
    }
  }
  uint32_t lineAt(uint32_t offset) const {
    auto it = std::upper_bound(lineIndex_.begin(), lineIndex_.end(), offset);
    return static_cast<uint32_t>(it - lineIndex_.begin());
  }

public:
  void setLineIndex(const std::vector<uint32_t> &starts) { lineIndex_ = starts; }

private:
  //===--- declarations -------------------------------------------------===//
  // decl := import | module | fn | model | train
  void declaration() {
    switch (tok().kind) {
    case TokenKind::KwImport:
      return importDecl();
    case TokenKind::KwModule:
      return moduleDecl();
    case TokenKind::KwFn:
      ast_.functions.push_back(fnDecl());
      return;
    case TokenKind::KwModel:
      return modelDecl();
    case TokenKind::KwTrain:
      return trainDecl();
    default:
      fail(DiagKind::ExpectedDeclaration, {describe(tok())});
    }
  }

  // import := 'import' STRING
  void importDecl() {
    SourceLoc loc = advance().loc;
    const Token &path = expect(TokenKind::StringLiteral, "a file name string");
    ast_.imports.push_back({path.stringValue, loc});
  }

  // module := 'module' IDENT params? '{' member* '}'
  void moduleDecl() {
    advance();
    auto mod = std::make_unique<ModuleDecl>();
    mod->loc = tok().loc;
    mod->name = identifier("a module name");
    if (at(TokenKind::LParen))
      mod->params = paramList();
    expect(TokenKind::LBrace);
    unsigned errorsBefore = diags_.errorCount();
    while (!at(TokenKind::RBrace) && !at(TokenKind::Eof)) {
      if (accept(TokenKind::Semicolon))
        continue;
      size_t start = pos_;
      try {
        mod->members.push_back(member());
      } catch (ParseError &) {
        syncInBlock(start);
        if (startsDeclaration(tok().kind))
          break;
      }
    }
    // At end of file the `}` is missing; say so unless an error inside the
    // module already ran to the end (then it is a consequence of that one).
    if (!at(TokenKind::Eof))
      expect(TokenKind::RBrace);
    else if (diags_.errorCount() == errorsBefore && !abandoned_)
      diags_.report(DiagKind::ExpectedToken, range(tok()),
                    {describe(TokenKind::RBrace), describe(tok())});
    ast_.modules.push_back(std::move(mod));
  }

  // params := '(' (param (',' param)* ','?)? ')'
  // param  := IDENT (':' type)? ('=' expr)?
  std::vector<ParamDecl> paramList() {
    expect(TokenKind::LParen);
    std::vector<ParamDecl> params;
    while (!at(TokenKind::RParen)) {
      ParamDecl p;
      p.loc = tok().loc;
      p.name = identifier("a parameter name");
      if (accept(TokenKind::Colon))
        p.type = std::make_unique<TypeExpr>(type());
      if (accept(TokenKind::Assign))
        p.defaultValue = expression();
      params.push_back(std::move(p));
      if (!accept(TokenKind::Comma))
        break;
    }
    expect(TokenKind::RParen, "`,` or `)`");
    return params;
  }

  // type := 'int' | 'float' | 'bool' | 'str' | '[' expr,* ']' | '(' type,* ')'
  TypeExpr type() {
    TypeExpr t;
    SourceLoc begin = tok().loc;
    Nested nested(*this);
    if (accept(TokenKind::LBracket)) {
      t.kind = TypeExpr::Shape;
      while (!at(TokenKind::RBracket)) {
        t.dims.push_back(expression());
        if (!accept(TokenKind::Comma))
          break;
      }
      expect(TokenKind::RBracket, "`,` or `]`");
    } else if (accept(TokenKind::LParen)) {
      t.kind = TypeExpr::Tuple;
      while (!at(TokenKind::RParen)) {
        t.elements.push_back(type());
        if (!accept(TokenKind::Comma))
          break;
      }
      expect(TokenKind::RParen, "`,` or `)`");
    } else if (at(TokenKind::Identifier) &&
               (tok().text == "int" || tok().text == "float" ||
                tok().text == "bool" || tok().text == "str")) {
      std::string_view name = advance().text;
      t.kind = name == "int"     ? TypeExpr::Int
               : name == "float" ? TypeExpr::Float
               : name == "bool"  ? TypeExpr::Bool
                                 : TypeExpr::Str;
    } else {
      fail(DiagKind::ExpectedType, {describe(tok())});
    }
    t.range = rangeFrom(begin);
    return t;
  }

  // member := IDENT '=' expr
  //         | 'frozen'? 'param' IDENT ':' type ('=' expr)?
  //         | 'buffer' IDENT ':' type ('=' expr)?
  //         | 'init' path '=' expr
  //         | 'forward' params ('->' type)? block
  Member member() {
    Member m;
    SourceLoc begin = tok().loc;
    switch (tok().kind) {
    case TokenKind::KwFrozen:
    case TokenKind::KwParam:
    case TokenKind::KwBuffer: {
      m.frozen = accept(TokenKind::KwFrozen);
      if (m.frozen && !at(TokenKind::KwParam))
        fail(DiagKind::ExpectedToken, {"`param` after `frozen`", describe(tok())});
      m.kind = advance().kind == TokenKind::KwParam ? MemberKind::Param
                                                    : MemberKind::Buffer;
      m.nameLoc = tok().loc;
      m.name = identifier(m.kind == MemberKind::Param ? "a parameter name"
                                                      : "a buffer name");
      expect(TokenKind::Colon, "`:` and a shape");
      m.type = std::make_unique<TypeExpr>(type());
      if (accept(TokenKind::Assign))
        m.value = expression();
      break;
    }
    case TokenKind::KwInit:
      advance();
      m.kind = MemberKind::Init;
      m.nameLoc = tok().loc;
      m.path = initPath();
      expect(TokenKind::Assign, "`=` and an initialiser");
      m.value = expression();
      break;
    case TokenKind::KwForward:
      m.kind = MemberKind::Forward;
      m.forward = std::make_unique<FnDecl>();
      m.forward->loc = advance().loc;
      m.forward->name = "forward";
      m.forward->params = paramList();
      if (accept(TokenKind::Arrow))
        m.forward->result = std::make_unique<TypeExpr>(type());
      m.forward->body = block();
      break;
    case TokenKind::Identifier:
      m.kind = MemberKind::Submodule;
      m.nameLoc = tok().loc;
      m.name = identifier();
      expect(TokenKind::Assign, "`=`");
      m.value = expression();
      break;
    default:
      fail(DiagKind::ExpectedMember, {describe(tok())});
    }
    m.range = rangeFrom(begin);
    return m;
  }

  // path := segment ('.' segment)*   segment := IDENT | INT | '*' | '**'
  std::vector<std::string> initPath() {
    std::vector<std::string> path;
    do {
      if (at(TokenKind::Star)) {
        advance();
        path.push_back(accept(TokenKind::Star) ? "**" : "*");
      } else if (at(TokenKind::IntLiteral)) {
        path.emplace_back(advance().text);
      } else {
        path.push_back(identifier("a parameter path"));
      }
    } while (accept(TokenKind::Dot));
    return path;
  }

  // fn := 'fn' IDENT params ('->' type)? block
  std::unique_ptr<FnDecl> fnDecl() {
    advance();
    auto fn = std::make_unique<FnDecl>();
    fn->loc = tok().loc;
    fn->name = identifier("a function name");
    fn->params = paramList();
    if (accept(TokenKind::Arrow))
      fn->result = std::make_unique<TypeExpr>(type());
    fn->body = block();
    return fn;
  }

  // model := 'model' IDENT ('(' args ')')?
  void modelDecl() {
    advance();
    ModelDecl m;
    m.loc = tok().loc;
    m.name = identifier("a module name");
    if (accept(TokenKind::LParen))
      m.args = arguments(TokenKind::RParen);
    ast_.models.push_back(std::move(m));
  }

  // train := 'train' block
  void trainDecl() {
    TrainDecl t;
    t.loc = advance().loc;
    t.settings = block();
    ast_.trains.push_back(std::move(t));
  }

  //===--- statements ---------------------------------------------------===//
  // block := '{' stmt* '}'
  Block block() {
    Nested nested(*this);
    expect(TokenKind::LBrace);
    Block stmts;
    while (!at(TokenKind::RBrace) && !at(TokenKind::Eof)) {
      if (accept(TokenKind::Semicolon))
        continue;
      size_t start = pos_;
      try {
        stmts.push_back(statement());
      } catch (ParseError &) {
        syncInBlock(start);
        if (startsDeclaration(tok().kind))
          break;
      }
    }
    expect(TokenKind::RBrace);
    return stmts;
  }

  // stmt := 'return' expr (',' expr)* | 'for' IDENT 'in' expr block
  //       | 'if' expr block ('else' (if-stmt | block))?
  //       | IDENT (',' IDENT)* '=' expr | expr
  StmtPtr statement() {
    auto s = std::make_unique<Stmt>();
    SourceLoc begin = tok().loc;
    if (accept(TokenKind::KwReturn)) {
      s->kind = StmtKind::Return;
      s->value = tupleOrExpression(begin);
    } else if (accept(TokenKind::KwFor)) {
      s->kind = StmtKind::For;
      s->var = identifier("a loop variable");
      expect(TokenKind::KwIn);
      s->iterable = headerExpression();
      s->body = block();
    } else if (accept(TokenKind::KwIf)) {
      s->kind = StmtKind::If;
      s->value = headerExpression();
      s->body = block();
      if (accept(TokenKind::KwElse)) {
        if (at(TokenKind::KwIf))
          s->elseBody.push_back(statement());
        else
          s->elseBody = block();
      }
    } else if (at(TokenKind::Identifier) &&
               (at(TokenKind::Assign, 1) || at(TokenKind::Comma, 1))) {
      s->kind = StmtKind::Assign;
      do {
        s->targetLocs.push_back(tok().loc);
        s->targets.push_back(identifier("a name to assign"));
      } while (accept(TokenKind::Comma));
      expect(TokenKind::Assign, "`=`");
      s->value = expression();
    } else {
      s->kind = StmtKind::Expr;
      s->value = expression();
    }
    s->range = rangeFrom(begin);
    return s;
  }

  // `return a, b` is the tuple (a, b).
  ExprPtr tupleOrExpression(SourceLoc begin) {
    ExprPtr first = expression();
    if (!at(TokenKind::Comma))
      return first;
    auto tuple = node(ExprKind::Tuple, begin);
    tuple->operands.push_back(std::move(first));
    while (accept(TokenKind::Comma))
      tuple->operands.push_back(expression());
    tuple->range = rangeFrom(begin);
    return tuple;
  }

  //===--- expressions --------------------------------------------------===//
  ExprPtr node(ExprKind kind, SourceLoc begin) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->range = {begin, 1};
    return e;
  }

  ExprPtr expression() { return orExpr(); }

  ExprPtr binary(ExprPtr lhs, const Token &op, ExprPtr rhs) {
    auto e = node(ExprKind::Binary, lhs->loc());
    e->op = op.kind;
    e->text = std::string(op.text);
    e->operands.push_back(std::move(lhs));
    e->operands.push_back(std::move(rhs));
    e->range = rangeFrom(e->loc());
    return e;
  }

  // or := and ('or' and)*
  ExprPtr orExpr() {
    ExprPtr lhs = andExpr();
    while (at(TokenKind::KwOr)) {
      const Token &op = advance();
      lhs = binary(std::move(lhs), op, andExpr());
    }
    return lhs;
  }
  // and := not ('and' not)*
  ExprPtr andExpr() {
    ExprPtr lhs = notExpr();
    while (at(TokenKind::KwAnd)) {
      const Token &op = advance();
      lhs = binary(std::move(lhs), op, notExpr());
    }
    return lhs;
  }
  // not := 'not' not | compare
  // A run of `not`s is flat in the source: collected in a loop, not recursion.
  ExprPtr notExpr() {
    std::vector<const Token *> ops;
    while (at(TokenKind::KwNot))
      ops.push_back(&advance());
    ExprPtr e = compare();
    return prefixed(std::move(ops), std::move(e), "not");
  }
  /// Wraps `operand` in the prefix operators `ops`, innermost last.
  ExprPtr prefixed(std::vector<const Token *> ops, ExprPtr operand,
                   const char *spelling) {
    for (size_t i = ops.size(); i-- > 0;) {
      auto e = node(ExprKind::Unary, ops[i]->loc);
      e->op = ops[i]->kind;
      e->text = spelling;
      e->operands.push_back(std::move(operand));
      e->range = rangeFrom(ops[i]->loc);
      operand = std::move(e);
    }
    return operand;
  }
  static bool isCompare(TokenKind k) {
    return k == TokenKind::EqEq || k == TokenKind::NotEq ||
           k == TokenKind::Less || k == TokenKind::Greater ||
           k == TokenKind::LessEq || k == TokenKind::GreaterEq;
  }
  // compare := range (cmp-op range)?
  ExprPtr compare() {
    ExprPtr lhs = rangeExpr();
    if (isCompare(tok().kind)) {
      const Token &op = advance();
      lhs = binary(std::move(lhs), op, rangeExpr());
    }
    return lhs;
  }
  // range := additive ('..' additive)?
  ExprPtr rangeExpr() {
    ExprPtr lhs = additive();
    if (at(TokenKind::DotDot)) {
      advance();
      auto e = node(ExprKind::Range, lhs->loc());
      e->operands.push_back(std::move(lhs));
      e->operands.push_back(additive());
      e->range = rangeFrom(e->loc());
      return e;
    }
    return lhs;
  }
  // additive := multiplicative (('+'|'-') multiplicative)*
  ExprPtr additive() {
    ExprPtr lhs = multiplicative();
    while (at(TokenKind::Plus) || at(TokenKind::Minus)) {
      const Token &op = advance();
      lhs = binary(std::move(lhs), op, multiplicative());
    }
    return lhs;
  }
  // multiplicative := unary (('*'|'/'|'@') unary)*
  ExprPtr multiplicative() {
    ExprPtr lhs = unary();
    while (at(TokenKind::Star) || at(TokenKind::Slash) || at(TokenKind::At)) {
      const Token &op = advance();
      lhs = binary(std::move(lhs), op, unary());
    }
    return lhs;
  }
  // unary := '-' unary | postfix
  ExprPtr unary() {
    std::vector<const Token *> ops;
    while (at(TokenKind::Minus))
      ops.push_back(&advance());
    ExprPtr e = postfix();
    return prefixed(std::move(ops), std::move(e), "-");
  }
  // A `{` after a name starts braced named arguments only when it is followed
  // by `name:` or `}`; otherwise it is the body of a `for`/`if`. In a
  // `for`/`if` header, `xs {}` is the name and an empty body.
  bool atBracedArgs() const {
    return at(TokenKind::LBrace) &&
           ((at(TokenKind::Identifier, 1) && at(TokenKind::Colon, 2)) ||
            (!inHeader_ && at(TokenKind::RBrace, 1)));
  }
  /// Sets inHeader_ for the extent of one header expression, even on error.
  struct HeaderScope {
    bool &flag;
    bool saved;
    explicit HeaderScope(bool &f) : flag(f), saved(f) { flag = true; }
    ~HeaderScope() { flag = saved; }
  };
  // The iterable of a `for` or the condition of an `if`.
  ExprPtr headerExpression() {
    HeaderScope scope(inHeader_);
    return expression();
  }
  // postfix := primary ( '(' args ')' | '{' named-args '}' | '.' IDENT
  //                    | '[' expr ']' )*
  ExprPtr postfix() {
    ExprPtr e = primary();
    while (true) {
      SourceLoc begin = e->loc();
      if (at(TokenKind::LParen)) {
        Nested nested(*this);
        advance();
        auto call = node(ExprKind::Call, begin);
        call->operands.push_back(std::move(e));
        call->args = arguments(TokenKind::RParen);
        call->range = rangeFrom(begin);
        e = std::move(call);
      } else if (e->kind == ExprKind::Name && atBracedArgs()) {
        Nested nested(*this);
        advance();
        auto call = node(ExprKind::Call, begin);
        call->braced = true;
        call->operands.push_back(std::move(e));
        call->args = arguments(TokenKind::RBrace);
        call->range = rangeFrom(begin);
        e = std::move(call);
      } else if (accept(TokenKind::Dot)) {
        auto member = node(ExprKind::Member, begin);
        if (at(TokenKind::IntLiteral))
          member->text = std::string(advance().text);
        else
          member->text = identifier("a member name");
        member->operands.push_back(std::move(e));
        member->range = rangeFrom(begin);
        e = std::move(member);
      } else if (at(TokenKind::LBracket)) {
        Nested nested(*this);
        advance();
        auto index = node(ExprKind::Index, begin);
        index->operands.push_back(std::move(e));
        index->operands.push_back(expression());
        expect(TokenKind::RBracket);
        index->range = rangeFrom(begin);
        e = std::move(index);
      } else {
        return e;
      }
    }
  }
  // args := (arg (',' arg)* ','?)? close     arg := (IDENT ':')? expr
  std::vector<Arg> arguments(TokenKind close) {
    std::vector<Arg> args;
    while (!at(close)) {
      Arg a;
      if (at(TokenKind::Identifier) && at(TokenKind::Colon, 1)) {
        a.nameLoc = tok().loc;
        a.name = std::string(advance().text);
        advance();
      }
      a.value = expression();
      args.push_back(std::move(a));
      if (!accept(TokenKind::Comma))
        break;
    }
    expect(close, close == TokenKind::RParen ? "`,` or `)`" : "`,` or `}`");
    return args;
  }
  // primary := INT | FLOAT | STRING | 'true' | 'false' | IDENT
  //          | '(' expr (',' expr)* ')' | '[' list-or-comprehension ']'
  //          | '{' (IDENT ':' expr),* '}'
  ExprPtr primary() {
    const Token &t = tok();
    switch (t.kind) {
    case TokenKind::IntLiteral:
    case TokenKind::FloatLiteral:
      return number();
    case TokenKind::StringLiteral: {
      auto e = node(ExprKind::String, t.loc);
      e->text = t.stringValue;
      advance();
      e->range = rangeFrom(e->loc());
      return e;
    }
    case TokenKind::KwTrue:
    case TokenKind::KwFalse: {
      auto e = node(ExprKind::Bool, t.loc);
      e->boolValue = t.kind == TokenKind::KwTrue;
      advance();
      e->range = rangeFrom(e->loc());
      return e;
    }
    case TokenKind::Identifier: {
      auto e = node(ExprKind::Name, t.loc);
      e->text = std::string(t.text);
      advance();
      e->range = rangeFrom(e->loc());
      return e;
    }
    case TokenKind::LParen:
      return parenthesised();
    case TokenKind::LBracket:
      return listLiteral();
    case TokenKind::LBrace: {
      Nested nested(*this);
      auto e = node(ExprKind::Dict, t.loc);
      advance();
      e->args = arguments(TokenKind::RBrace);
      e->range = rangeFrom(e->loc());
      return e;
    }
    default:
      fail(DiagKind::ExpectedExpression, {describe(t)});
    }
  }
  ExprPtr number() {
    const Token &t = advance();
    std::string digits;
    for (char c : t.text)
      if (c != '_')
        digits += c;
    auto e = node(t.kind == TokenKind::IntLiteral ? ExprKind::Int
                                                   : ExprKind::Float,
                  t.loc);
    try {
      if (e->kind == ExprKind::Int)
        e->intValue = std::stoll(digits);
      else
        e->floatValue = std::stod(digits);
    } catch (const std::exception &) {
      diags_.report(DiagKind::InvalidNumber, range(t), {std::string(t.text)});
    }
    e->range = rangeFrom(t.loc);
    return e;
  }
  ExprPtr parenthesised() {
    Nested nested(*this);
    SourceLoc begin = advance().loc;
    ExprPtr first = expression();
    if (accept(TokenKind::RParen))
      return first;
    auto tuple = node(ExprKind::Tuple, begin);
    tuple->operands.push_back(std::move(first));
    while (accept(TokenKind::Comma) && !at(TokenKind::RParen))
      tuple->operands.push_back(expression());
    expect(TokenKind::RParen, "`,` or `)`");
    tuple->range = rangeFrom(begin);
    return tuple;
  }
  // list := '[' ']' | '[' expr 'for' IDENT 'in' expr ']' | '[' expr,* ']'
  ExprPtr listLiteral() {
    Nested nested(*this);
    SourceLoc begin = advance().loc;
    auto list = node(ExprKind::List, begin);
    if (accept(TokenKind::RBracket)) {
      list->range = rangeFrom(begin);
      return list;
    }
    ExprPtr first = expression();
    if (accept(TokenKind::KwFor)) {
      list->kind = ExprKind::ListComp;
      list->var = identifier("a loop variable");
      expect(TokenKind::KwIn);
      list->operands.push_back(std::move(first));
      list->operands.push_back(expression());
      expect(TokenKind::RBracket);
      list->range = rangeFrom(begin);
      return list;
    }
    list->operands.push_back(std::move(first));
    while (accept(TokenKind::Comma) && !at(TokenKind::RBracket))
      list->operands.push_back(expression());
    expect(TokenKind::RBracket, "`,` or `]`");
    list->range = rangeFrom(begin);
    return list;
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  DiagnosticEngine &diags_;
  FileAst ast_;
  std::vector<uint32_t> lineIndex_;
  bool inHeader_ = false; ///< parsing a `for` iterable or an `if` condition
  int depth_ = 0;         ///< brackets and blocks open at this point
  bool abandoned_ = false; ///< nesting went past kMaxNesting
};

} // namespace

FileAst parseFile(const SourceManager &sources, int32_t file,
                  DiagnosticEngine &diags) {
  Parser parser(lex(sources, file, diags), file, diags);
  parser.setLineIndex(sources.file(file).lineStarts);
  return parser.run();
}

} // namespace nnc::syntax
