//===- test_parser.cpp - Unit tests of syntax/parser ----------------------===//
//
// The sample programs of DESIGN.md §2 (examples/*.nnm) parse cleanly;
// operator precedence; the `Name { k: v }` braced call versus a `for` body;
// list comprehensions and tuple returns; and error recovery: independent
// errors are each reported once, on their own line, and the rest of the
// file still yields its declarations.
//
//===----------------------------------------------------------------------===//
#include "test_support.h"

using namespace nnc;
using namespace nnc::syntax;
using nnc::test::Source;

namespace {

FileAst parse(Source &src) { return parseFile(src.sources, src.file, src.diags); }

/// The value of the first statement of the first function of `ast`.
const Expr &firstValue(const FileAst &ast) {
  REQUIRE(ast.functions.size() == 1);
  REQUIRE(!ast.functions[0]->body.empty());
  REQUIRE(ast.functions[0]->body[0]->value);
  return *ast.functions[0]->body[0]->value;
}

const Member *findMember(const ModuleDecl &mod, MemberKind kind) {
  for (const Member &m : mod.members)
    if (m.kind == kind)
      return &m;
  return nullptr;
}

// The language sketch of DESIGN.md §2, verbatim, as one file.
const char *kDesignSketch = R"nnm(
module MLP(hidden1: int = 256, hidden2: int = 128, classes: int = 10) {
    net = Sequential(
        Linear(784, hidden1),
        ReLU(),
        Linear(hidden1, hidden2),
        ReLU(),
        Linear(hidden2, classes),
    )
    forward(x: [B, 1, 28, 28]) -> [B, classes] {
        return net(flatten(x, 1))
    }
}

module ManualLinear(d_in: int, d_out: int) {
    param W: [d_out, d_in] = randn()
    param b: [d_out] = zeros()
    forward(x: [B, d_in]) -> [B, d_out] { return x @ W.T + b }
}

module NamedMLP {
    net = Sequential { fc1: Linear(784, 256), act: ReLU(), fc2: Linear(256, 10) }
    init net.fc1.weight = kaiming_normal(nonlinearity: "relu")   # override the default init
    init net.*.bias = zeros()                                     # glob over parameter paths
    forward(x: [B, 784]) -> [B, 10] { return net(x) }
}

module ResidualBlock(dim: int) {
    block = Sequential(Linear(dim, dim), ReLU(), Linear(dim, dim))
    forward(x: [B, dim]) -> [B, dim] { return x + block(x) }
}

module Deep(dim: int = 128, depth: int = 4) {
    blocks = [ResidualBlock(dim) for i in 0..depth]           # a module list: blocks.0 … blocks.3
    heads = { cls: Linear(dim, 10), reg: Linear(dim, 1) }      # a module dict
    buffer scale: [dim] = ones()                               # state that is not learned
    forward(x: [B, dim]) -> ([B, 10], [B, 1]) {
        for blk in blocks { x = blk(x) }
        x = x * scale
        return (heads.cls(x), heads.reg(x))
    }
}

model MLP()                       # what `nnc build` compiles when no --model is given

train {                           # defaults for `./mlp train`; every one can be overridden by a flag
    loss = cross_entropy(output, target)
    optimizer = SGD(lr: 0.05, momentum: 0.9)
    batch = 64
    epochs = 10
}
)nnm";

} // namespace

TEST_CASE("parser: every example program parses with no diagnostics") {
  struct Example {
    const char *file;
    size_t modules;
    size_t models;
  } examples[] = {{"mlp.nnm", 1, 1},          {"manual_linear.nnm", 1, 1},
                  {"named_mlp.nnm", 1, 1},    {"residual.nnm", 2, 1},
                  {"deep.nnm", 1, 1},         {"activations.nnm", 9, 1}};
  for (const Example &ex : examples) {
    CAPTURE(ex.file);
    SourceManager sources;
    std::ostringstream printed;
    DiagnosticEngine diags(sources, printed);
    std::string why;
    bool missing = false;
    std::optional<int32_t> file =
        sources.load(test::examplePath(ex.file), why, missing);
    REQUIRE_MESSAGE(file.has_value(), why);
    FileAst ast = parseFile(sources, *file, diags);
    CHECK(diags.errorCount() == 0);
    CHECK(printed.str() == "");
    CHECK(ast.modules.size() == ex.modules);
    CHECK(ast.models.size() == ex.models);
    for (const auto &mod : ast.modules)
      CHECK_MESSAGE(findMember(*mod, MemberKind::Forward) != nullptr, mod->name);
  }
}

TEST_CASE("parser: the DESIGN.md §2 sketch parses as a whole") {
  Source src(kDesignSketch);
  FileAst ast = parse(src);
  CHECK(src.errors() == 0);
  REQUIRE(ast.modules.size() == 5);
  std::vector<std::string> names;
  for (const auto &m : ast.modules)
    names.push_back(m->name);
  CHECK(names == std::vector<std::string>{"MLP", "ManualLinear", "NamedMLP",
                                          "ResidualBlock", "Deep"});
  REQUIRE(ast.models.size() == 1);
  CHECK(ast.models[0].name == "MLP");
  REQUIRE(ast.trains.size() == 1);
  CHECK(ast.trains[0].settings.size() == 4);
  // MLP's defaults and the trailing comma in Sequential(...).
  const ModuleDecl &mlp = *ast.modules[0];
  REQUIRE(mlp.params.size() == 3);
  CHECK(mlp.params[0].name == "hidden1");
  REQUIRE(mlp.params[0].defaultValue);
  CHECK(mlp.params[0].defaultValue->intValue == 256);
  const Member &net = mlp.members[0];
  REQUIRE(net.value);
  CHECK(net.value->kind == ExprKind::Call);
  CHECK(net.value->args.size() == 5);
  // NamedMLP's init paths.
  const ModuleDecl &named = *ast.modules[2];
  std::vector<std::vector<std::string>> paths;
  for (const Member &m : named.members)
    if (m.kind == MemberKind::Init)
      paths.push_back(m.path);
  CHECK(paths == std::vector<std::vector<std::string>>{
                     {"net", "fc1", "weight"}, {"net", "*", "bias"}});
  // Deep's buffer and tuple result type.
  const ModuleDecl &deep = *ast.modules[4];
  const Member *buffer = findMember(deep, MemberKind::Buffer);
  REQUIRE(buffer);
  CHECK(buffer->name == "scale");
  const Member *forward = findMember(deep, MemberKind::Forward);
  REQUIRE(forward);
  REQUIRE(forward->forward->result);
  CHECK(forward->forward->result->kind == TypeExpr::Tuple);
  CHECK(forward->forward->result->elements.size() == 2);
}

TEST_CASE("parser: `a + b * c @ d` is a + ((b * c) @ d)") {
  Source src("fn f() { return a + b * c @ d }");
  FileAst ast = parse(src);
  REQUIRE(src.errors() == 0);
  const Expr &plus = firstValue(ast);
  REQUIRE(plus.kind == ExprKind::Binary);
  CHECK(plus.op == TokenKind::Plus);
  CHECK(plus.operands[0]->text == "a");
  const Expr &at = *plus.operands[1];
  REQUIRE(at.kind == ExprKind::Binary);
  CHECK(at.op == TokenKind::At);
  CHECK(at.operands[1]->text == "d");
  const Expr &star = *at.operands[0];
  REQUIRE(star.kind == ExprKind::Binary);
  CHECK(star.op == TokenKind::Star);
  CHECK(star.operands[0]->text == "b");
  CHECK(star.operands[1]->text == "c");
}

TEST_CASE("parser: unary minus binds tighter than `@`; `not` looser than `==`") {
  Source src("fn f() { y = -x @ w\n z = not a == b }");
  FileAst ast = parse(src);
  REQUIRE(src.errors() == 0);
  const Block &body = ast.functions[0]->body;
  REQUIRE(body.size() == 2);
  const Expr &matmul = *body[0]->value;
  REQUIRE(matmul.kind == ExprKind::Binary);
  CHECK(matmul.op == TokenKind::At);
  CHECK(matmul.operands[0]->kind == ExprKind::Unary);
  const Expr &notExpr = *body[1]->value;
  REQUIRE(notExpr.kind == ExprKind::Unary);
  CHECK(notExpr.text == "not");
  CHECK(notExpr.operands[0]->kind == ExprKind::Binary);
  CHECK(notExpr.operands[0]->op == TokenKind::EqEq);
}

TEST_CASE("parser: subtraction is left-associative") {
  Source src("fn f() { return a - b - c }");
  FileAst ast = parse(src);
  REQUIRE(src.errors() == 0);
  const Expr &outer = firstValue(ast);
  REQUIRE(outer.kind == ExprKind::Binary);
  CHECK(outer.operands[1]->text == "c");
  REQUIRE(outer.operands[0]->kind == ExprKind::Binary);
  CHECK(outer.operands[0]->operands[0]->text == "a");
}

TEST_CASE("parser: `Name { k: v }` is a braced call; `for x in xs { ... }` is a loop body") {
  Source src("module M {\n"
             "  net = Sequential { a: X(), b: Y() }\n"
             "  forward(x) {\n"
             "    for blk in blocks { x = blk(x) }\n"
             "    return x\n"
             "  }\n"
             "}\n");
  FileAst ast = parse(src);
  REQUIRE(src.errors() == 0);
  REQUIRE(ast.modules.size() == 1);
  const ModuleDecl &mod = *ast.modules[0];
  REQUIRE(mod.members.size() == 2);
  const Expr &call = *mod.members[0].value;
  CHECK(call.kind == ExprKind::Call);
  CHECK(call.braced);
  CHECK(call.operands[0]->text == "Sequential");
  REQUIRE(call.args.size() == 2);
  CHECK(call.args[0].name == "a");
  CHECK(call.args[1].name == "b");
  CHECK(call.args[1].value->kind == ExprKind::Call);

  const FnDecl &fwd = *mod.members[1].forward;
  REQUIRE(fwd.body.size() == 2);
  const Stmt &loop = *fwd.body[0];
  CHECK(loop.kind == StmtKind::For);
  CHECK(loop.var == "blk");
  REQUIRE(loop.iterable);
  // The iterable is the plain name, not a braced call on it.
  CHECK(loop.iterable->kind == ExprKind::Name);
  CHECK(loop.iterable->text == "blocks");
  REQUIRE(loop.body.size() == 1);
  CHECK(loop.body[0]->kind == StmtKind::Assign);
  CHECK(loop.body[0]->targets == std::vector<std::string>{"x"});
  CHECK(fwd.body[1]->kind == StmtKind::Return);
}

// An empty body `{ }` after a name looks like an argument-less braced call
// (`xs {}`); in a `for`/`if` header it is the name and an empty body.
TEST_CASE("parser: an empty `for` or `if` body after a name") {
  Source src("fn f(xs, flag) {\n"
             "  for x in xs { }\n"
             "  if flag {}\n"
             "  for y in xs { z = S {} }\n"
             "  return 1\n"
             "}\n");
  FileAst ast = parse(src);
  CHECK(src.errors() == 0);
  REQUIRE(ast.functions.size() == 1);
  const Block &body = ast.functions[0]->body;
  REQUIRE(body.size() == 4);
  CHECK(body[0]->kind == StmtKind::For);
  CHECK(body[0]->iterable->kind == ExprKind::Name);
  CHECK(body[0]->body.empty());
  CHECK(body[1]->kind == StmtKind::If);
  CHECK(body[1]->value->kind == ExprKind::Name);
  // Outside a header, `S {}` is still a braced call with no arguments.
  REQUIRE(body[2]->body.size() == 1);
  const Expr &call = *body[2]->body[0]->value;
  CHECK(call.kind == ExprKind::Call);
  CHECK(call.braced);
  CHECK(call.args.empty());
}

TEST_CASE("parser: list comprehension and range") {
  Source src("fn f(dim, depth) { return [ResidualBlock(dim) for i in 0..depth] }");
  FileAst ast = parse(src);
  REQUIRE(src.errors() == 0);
  const Expr &comp = firstValue(ast);
  REQUIRE(comp.kind == ExprKind::ListComp);
  CHECK(comp.var == "i");
  REQUIRE(comp.operands.size() == 2);
  CHECK(comp.operands[0]->kind == ExprKind::Call);
  CHECK(comp.operands[0]->operands[0]->text == "ResidualBlock");
  const Expr &range = *comp.operands[1];
  REQUIRE(range.kind == ExprKind::Range);
  CHECK(range.operands[0]->kind == ExprKind::Int);
  CHECK(range.operands[0]->intValue == 0);
  CHECK(range.operands[1]->text == "depth");
}

TEST_CASE("parser: plain lists and dicts") {
  Source src("fn f() { a = [1, 2.5, \"s\",]\n b = { cls: 1, reg: 2 }\n c = [] }");
  FileAst ast = parse(src);
  REQUIRE(src.errors() == 0);
  const Block &body = ast.functions[0]->body;
  REQUIRE(body.size() == 3);
  CHECK(body[0]->value->kind == ExprKind::List);
  REQUIRE(body[0]->value->operands.size() == 3);
  CHECK(body[0]->value->operands[1]->floatValue == doctest::Approx(2.5));
  CHECK(body[0]->value->operands[2]->text == "s");
  CHECK(body[1]->value->kind == ExprKind::Dict);
  REQUIRE(body[1]->value->args.size() == 2);
  CHECK(body[1]->value->args[1].name == "reg");
  CHECK(body[2]->value->kind == ExprKind::List);
  CHECK(body[2]->value->operands.empty());
}

TEST_CASE("parser: tuple returns, parenthesised and bare; tuple assignment") {
  Source src("fn f(x) {\n"
             "  a, b = g(x)\n"
             "  if a > 0 { return (a, b) } else { return a, b, x }\n"
             "  return (x)\n"
             "}\n");
  FileAst ast = parse(src);
  REQUIRE(src.errors() == 0);
  const Block &body = ast.functions[0]->body;
  REQUIRE(body.size() == 3);
  CHECK(body[0]->kind == StmtKind::Assign);
  CHECK(body[0]->targets == std::vector<std::string>{"a", "b"});
  const Stmt &branch = *body[1];
  REQUIRE(branch.kind == StmtKind::If);
  REQUIRE(branch.body.size() == 1);
  const Expr &paren = *branch.body[0]->value;
  CHECK(paren.kind == ExprKind::Tuple);
  CHECK(paren.operands.size() == 2);
  REQUIRE(branch.elseBody.size() == 1);
  const Expr &bare = *branch.elseBody[0]->value;
  CHECK(bare.kind == ExprKind::Tuple);
  CHECK(bare.operands.size() == 3);
  // `(x)` is just x, not a one-element tuple.
  CHECK(body[2]->value->kind == ExprKind::Name);
}

TEST_CASE("parser: frozen params, buffers, member access and indexing") {
  Source src("module M {\n"
             "  frozen param w: [3, 4] = randn()\n"
             "  buffer s: [4]\n"
             "  forward(x) { return x @ w.T + heads.0[1] }\n"
             "}\n");
  FileAst ast = parse(src);
  REQUIRE(src.errors() == 0);
  const ModuleDecl &mod = *ast.modules[0];
  REQUIRE(mod.members.size() == 3);
  CHECK(mod.members[0].kind == MemberKind::Param);
  CHECK(mod.members[0].frozen);
  CHECK(mod.members[0].name == "w");
  REQUIRE(mod.members[0].type);
  CHECK(mod.members[0].type->dims.size() == 2);
  CHECK(mod.members[1].kind == MemberKind::Buffer);
  CHECK_FALSE(mod.members[1].frozen);
  CHECK(mod.members[1].value == nullptr);
  const Expr &sum = *mod.members[2].forward->body[0]->value;
  const Expr &transposed = *sum.operands[0]->operands[1];
  CHECK(transposed.kind == ExprKind::Member);
  CHECK(transposed.text == "T");
  const Expr &indexed = *sum.operands[1];
  CHECK(indexed.kind == ExprKind::Index);
  CHECK(indexed.operands[0]->kind == ExprKind::Member);
  CHECK(indexed.operands[0]->text == "0");
}

TEST_CASE("parser: `frozen` must be followed by `param`") {
  Source src("module M {\n  frozen buffer s: [4]\n  forward(x) { return x }\n}\n");
  FileAst ast = parse(src);
  REQUIRE(src.diags.reported().size() == 1);
  CHECK(src.diags.reported()[0].kind == DiagKind::ExpectedToken);
  CHECK(src.diags.reported()[0].message ==
        "expected `param` after `frozen`, found `buffer`");
  CHECK(src.where(src.diags.reported()[0]).line == 2);
  REQUIRE(ast.modules.size() == 1);
  CHECK(findMember(*ast.modules[0], MemberKind::Forward) != nullptr);
}

TEST_CASE("parser: three independent errors are three diagnostics on their lines") {
  Source src("module A {\n"                                         // 1
             "    fc = Linear(4 8)\n"                               // 2
             "    forward(x: [B, 4]) -> [B, 8] { return fc(x) }\n" // 3
             "}\n"                                                  // 4
             "module B {\n"                                         // 5
             "    param w [4, 4] = zeros()\n"                       // 6
             "    forward(x: [B, 4]) -> [B, 4] { return x @ w }\n" // 7
             "}\n"                                                  // 8
             "module C {\n"                                         // 9
             "    forward(x: [B, 4]) -> [B, 4] {\n"                 // 10
             "        y = x +* 2\n"                                 // 11
             "        return y\n"                                   // 12
             "    }\n"                                              // 13
             "}\n"                                                  // 14
             "model A\n");                                          // 15
  FileAst ast = parse(src);
  const std::vector<Diagnostic> &diags = src.diags.reported();
  REQUIRE(diags.size() == 3);
  CHECK(src.errors() == 3);

  CHECK(diags[0].kind == DiagKind::ExpectedToken);
  CHECK(diags[0].message == "expected `,` or `)`, found `8`");
  CHECK(src.where(diags[0]).line == 2);
  CHECK(src.where(diags[0]).col == 19);

  CHECK(diags[1].kind == DiagKind::ExpectedToken);
  CHECK(diags[1].message == "expected `:` and a shape, found `[`");
  CHECK(src.where(diags[1]).line == 6);
  CHECK(src.where(diags[1]).col == 13);

  CHECK(diags[2].kind == DiagKind::ExpectedExpression);
  CHECK(diags[2].message == "expected an expression, found `*`");
  CHECK(src.where(diags[2]).line == 11);
  CHECK(src.where(diags[2]).col == 16);

  // The rest of the file still yields its declarations.
  REQUIRE(ast.modules.size() == 3);
  CHECK(ast.modules[0]->name == "A");
  CHECK(ast.modules[1]->name == "B");
  CHECK(ast.modules[2]->name == "C");
  for (const auto &mod : ast.modules)
    CHECK_MESSAGE(findMember(*mod, MemberKind::Forward) != nullptr, mod->name);
  // C's forward kept the statement after the broken one.
  const Member *cForward = findMember(*ast.modules[2], MemberKind::Forward);
  REQUIRE(cForward);
  REQUIRE(cForward->forward->body.size() == 1);
  CHECK(cForward->forward->body[0]->kind == StmtKind::Return);
  REQUIRE(ast.models.size() == 1);
  CHECK(ast.models[0].name == "A");
}

TEST_CASE("parser: junk between declarations is skipped up to the next one") {
  Source src("module A { forward(x) { return x } }\n"
             "oops ( module ) 42\n"
             "module B { forward(x) { return x } }\n");
  FileAst ast = parse(src);
  REQUIRE(src.diags.reported().size() == 1);
  CHECK(src.diags.reported()[0].kind == DiagKind::ExpectedDeclaration);
  CHECK(src.where(src.diags.reported()[0]).line == 2);
  CHECK(src.where(src.diags.reported()[0]).col == 1);
  REQUIRE(ast.modules.size() == 2);
  CHECK(ast.modules[1]->name == "B");
}

TEST_CASE("parser: a module left open at end of file is reported, members kept") {
  Source src("module A {\n  fc = Linear(1, 2)\n");
  FileAst ast = parse(src);
  REQUIRE(src.diags.reported().size() == 1);
  const Diagnostic &d = src.diags.reported()[0];
  CHECK(d.kind == DiagKind::ExpectedToken);
  CHECK(d.message == "expected `}`, found end of file");
  CHECK(src.where(d).line == 3);
  CHECK(src.where(d).col == 1);
  REQUIRE(ast.modules.size() == 1);
  CHECK(ast.modules[0]->members.size() == 1);
}

TEST_CASE("parser: an error that runs to end of file is not reported twice") {
  // The unclosed `(` swallows the rest of the file; the missing `}` of the
  // module is a consequence, not a second error.
  Source src("module A {\n  fc = Linear(1, 2\n  forward(x) { return x }\n");
  FileAst ast = parse(src);
  CHECK(src.errors() == 1);
  CHECK(ast.modules.size() == 1);
}

TEST_CASE("parser: a bad member names what a member can be") {
  Source src("module A {\n  42\n  forward(x) { return x }\n}\n");
  FileAst ast = parse(src);
  REQUIRE(src.diags.reported().size() == 1);
  CHECK(src.diags.reported()[0].kind == DiagKind::ExpectedMember);
  CHECK(src.where(src.diags.reported()[0]).line == 2);
  REQUIRE(ast.modules.size() == 1);
  CHECK(findMember(*ast.modules[0], MemberKind::Forward) != nullptr);
}
