//===- test_sema.cpp - Unit tests of sema: loadProgram + elaborate --------===//
//
// The examples' models (parameter names in PyTorch's state_dict order,
// shapes, initialisers, module paths, buffers, symbolic inputs; where they
// go in the arena is test_arena.cpp's),
// and the semantic errors a user meets first: shape mismatches with their
// line:col, unknown names, wrong argument counts, duplicate members. Files
// come from examples/ or are written to a per-test temporary directory.
//
//===----------------------------------------------------------------------===//
#include "test_support.h"

#include <cmath>

using namespace nnc;
using nnc::test::Compiled;
using nnc::test::TempDir;

namespace {

/// An initialiser argument: a number or a string.
const std::variant<double, std::string> *initArg(const sema::InitSpec &spec,
                                                 const std::string &name) {
  for (const auto &[key, value] : spec.args)
    if (key == name)
      return &value;
  return nullptr;
}

double numArg(const sema::InitSpec &spec, const std::string &name) {
  const auto *v = initArg(spec, name);
  REQUIRE_MESSAGE(v != nullptr, "no init argument " << name);
  REQUIRE(std::holds_alternative<double>(*v));
  return std::get<double>(*v);
}

std::string strArg(const sema::InitSpec &spec, const std::string &name) {
  const auto *v = initArg(spec, name);
  REQUIRE_MESSAGE(v != nullptr, "no init argument " << name);
  REQUIRE(std::holds_alternative<std::string>(*v));
  return std::get<std::string>(*v);
}

std::vector<std::string> tensorNames(const sema::Model &m) {
  std::vector<std::string> names;
  for (const sema::TensorInfo &t : m.tensors)
    names.push_back(t.name);
  return names;
}

const sema::ModuleInfo *module(const sema::Model &m, const std::string &path) {
  for (const sema::ModuleInfo &info : m.modules)
    if (info.path == path)
      return &info;
  return nullptr;
}

std::unique_ptr<Compiled> example(const char *file, const char *model = "") {
  auto c = test::compileFile(test::examplePath(file), model);
  INFO(c->printed.str());
  REQUIRE(c->model != nullptr);
  CHECK(c->diags.errorCount() == 0);
  return c;
}

/// Compiles `text`, which must fail; returns the compilation.
std::unique_ptr<Compiled> failing(const TempDir &dir, const std::string &text) {
  auto c = test::compileText(dir, text);
  CHECK(c->model == nullptr);
  CHECK(c->diags.errorCount() > 0);
  return c;
}

} // namespace

TEST_CASE("sema: MLP has 235,146 parameters named like PyTorch's state_dict") {
  auto c = example("mlp.nnm");
  const sema::Model &m = *c->model;
  CHECK(m.name == "MLP");
  CHECK(m.countParams(false) == 235146);
  CHECK(m.countParams(true) == 235146);
  CHECK(tensorNames(m) ==
        std::vector<std::string>{"net.0.weight", "net.0.bias", "net.2.weight",
                                 "net.2.bias", "net.4.weight", "net.4.bias"});
  std::vector<std::vector<int64_t>> shapes;
  for (const sema::TensorInfo &t : m.tensors)
    shapes.push_back(t.shape);
  CHECK(shapes == std::vector<std::vector<int64_t>>{
                      {256, 784}, {256}, {128, 256}, {128}, {10, 128}, {10}});
  for (const sema::TensorInfo &t : m.tensors) {
    CAPTURE(t.name);
    CHECK(t.trainable());
    CHECK_FALSE(t.isBuffer);
  }
}

TEST_CASE("sema: MLP's module tree, pre-order with depths") {
  auto c = example("mlp.nnm");
  const std::vector<sema::ModuleInfo> &mods = c->model->modules;
  std::vector<std::string> paths, types;
  for (const sema::ModuleInfo &info : mods) {
    paths.push_back(info.path);
    types.push_back(info.type);
  }
  CHECK(paths == std::vector<std::string>{"", "net", "net.0", "net.1", "net.2",
                                          "net.3", "net.4"});
  CHECK(types == std::vector<std::string>{"MLP", "Sequential", "Linear", "ReLU",
                                          "Linear", "ReLU", "Linear"});
  REQUIRE(mods.size() == 7);
  CHECK(mods[0].depth == 0);
  CHECK(mods[1].depth == 1);
  CHECK(mods[2].depth == 2);
}

TEST_CASE("sema: MLP's inputs and outputs keep the symbolic batch B") {
  auto c = example("mlp.nnm");
  const sema::Model &m = *c->model;
  REQUIRE(m.inputs.size() == 1);
  CHECK(m.inputs[0].name == "x");
  CHECK(m.inputs[0].shape == ir::Shape{ir::Dim::symbol("B"), ir::Dim::constant(1),
                                       ir::Dim::constant(28),
                                       ir::Dim::constant(28)});
  REQUIRE(m.outputs.size() == 1);
  CHECK(ir::shapeStr(m.outputs[0].shape) == "[B, 10]");
  CHECK(m.graph->symbols() == std::vector<std::string>{"B"});
  CHECK(ir::verifyGraph(*m.graph) == "");
  // The train block: settings checked, the loss built over output and target.
  REQUIRE(m.training);
  const sema::TrainSpec &t = *m.training;
  CHECK(t.batch == 64);
  CHECK(t.epochs == 10);
  CHECK(t.optimizer.name == "Adam");
  CHECK(t.optimizer.args ==
        std::vector<std::pair<std::string, double>>{{"lr", 0.001},
                                                    {"beta1", 0.9},
                                                    {"beta2", 0.999},
                                                    {"eps", 1e-8},
                                                    {"weight_decay", 0}});
  CHECK(t.normalize == "global");
  CHECK(t.data == "/usr/share/datasets/fashion-mnist");
  CHECK(t.lossFn == "cross_entropy");
  CHECK(t.classTargets);
  CHECK(ir::shapeStr(t.target.shape) == "[B, 10]");
  // The forward graph does not see the target; the training graph does.
  CHECK(m.graph->inputs().size() == 1);
  REQUIRE(t.graph->inputs().size() == 2);
  CHECK(t.graph->inputs()[1]->attrs.name == "target");
  REQUIRE(t.graph->outputs().size() == 2);
  CHECK(t.graph->outputs()[1]->shape.empty());
  CHECK(ir::verifyGraph(*t.graph) == "");
}

TEST_CASE("sema: Linear's default init is PyTorch's reset_parameters") {
  auto c = example("mlp.nnm");
  const sema::TensorInfo *w = c->tensor("net.0.weight");
  const sema::TensorInfo *b = c->tensor("net.0.bias");
  REQUIRE(w);
  REQUIRE(b);
  CHECK(w->init.fn == "kaiming_uniform");
  CHECK(numArg(w->init, "a") == doctest::Approx(std::sqrt(5.0)));
  CHECK(strArg(w->init, "mode") == "fan_in");
  CHECK(strArg(w->init, "nonlinearity") == "leaky_relu");
  // bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = 784 for net.0.
  CHECK(b->init.fn == "uniform");
  CHECK(numArg(b->init, "a") == doctest::Approx(-1.0 / std::sqrt(784.0)));
  CHECK(numArg(b->init, "b") == doctest::Approx(1.0 / std::sqrt(784.0)));
  // net.2's fan_in is 256.
  const sema::TensorInfo *b2 = c->tensor("net.2.bias");
  REQUIRE(b2);
  CHECK(numArg(b2->init, "b") == doctest::Approx(1.0 / 16.0));
}

TEST_CASE("sema: NamedMLP's init overrides by path and by glob") {
  auto c = example("named_mlp.nnm");
  const sema::Model &m = *c->model;
  CHECK(tensorNames(m) ==
        std::vector<std::string>{"net.fc1.weight", "net.fc1.bias",
                                 "net.fc2.weight", "net.fc2.bias"});
  const sema::TensorInfo *w1 = c->tensor("net.fc1.weight");
  REQUIRE(w1);
  CHECK(w1->init.fn == "kaiming_normal");
  CHECK(strArg(w1->init, "nonlinearity") == "relu");
  CHECK(numArg(w1->init, "a") == 0.0);
  CHECK(strArg(w1->init, "mode") == "fan_in");
  // fc2.weight keeps Linear's default.
  const sema::TensorInfo *w2 = c->tensor("net.fc2.weight");
  REQUIRE(w2);
  CHECK(w2->init.fn == "kaiming_uniform");
  // `init net.*.bias = zeros()` reaches both biases.
  for (const char *name : {"net.fc1.bias", "net.fc2.bias"}) {
    CAPTURE(name);
    const sema::TensorInfo *bias = c->tensor(name);
    REQUIRE(bias);
    CHECK(bias->init.fn == "zeros");
    CHECK(bias->init.args.empty());
  }
  CHECK(module(m, "net.act") != nullptr);
  CHECK(module(m, "net.act")->type == "ReLU");
}

TEST_CASE("sema: ManualLinear's explicit params with module arguments") {
  auto c = example("manual_linear.nnm");
  const sema::Model &m = *c->model;
  CHECK(tensorNames(m) == std::vector<std::string>{"W", "b"});
  CHECK(m.tensors[0].shape == std::vector<int64_t>{8, 32});
  CHECK(m.tensors[0].init.fn == "randn");
  CHECK(m.tensors[1].shape == std::vector<int64_t>{8});
  CHECK(m.tensors[1].init.fn == "zeros");
  CHECK(m.countParams(false) == 264);
  CHECK(ir::shapeStr(m.inputs[0].shape) == "[B, 32]");
}

TEST_CASE("sema: Deep has a buffer, a module list, a module dict and two outputs") {
  auto c = example("deep.nnm");
  const sema::Model &m = *c->model;
  const sema::TensorInfo *scale = c->tensor("scale");
  REQUIRE(scale);
  CHECK(scale->isBuffer);
  CHECK_FALSE(scale->trainable());
  CHECK(scale->shape == std::vector<int64_t>{128});
  CHECK(scale->init.fn == "ones");
  // 4 blocks of 2 x (128*128 + 128), heads 128*10 + 10 and 128 + 1.
  int64_t expected = 4 * 2 * (128 * 128 + 128) + (128 * 10 + 10) + (128 + 1);
  CHECK(m.countParams(false) == expected);
  CHECK(m.countParams(true) == expected);

  REQUIRE(module(m, "blocks"));
  CHECK(module(m, "blocks")->type == "ModuleList");
  for (int i = 0; i < 4; ++i) {
    std::string path = "blocks." + std::to_string(i);
    CAPTURE(path);
    REQUIRE(module(m, path));
    CHECK(module(m, path)->type == "ResidualBlock");
    CHECK(module(m, path + ".block.0") != nullptr);
    CHECK(c->tensor(path + ".block.2.weight") != nullptr);
  }
  CHECK(module(m, "blocks.4") == nullptr);
  REQUIRE(module(m, "heads"));
  CHECK(module(m, "heads")->type == "ModuleDict");
  REQUIRE(module(m, "heads.cls"));
  CHECK(module(m, "heads.cls")->type == "Linear");
  REQUIRE(module(m, "heads.reg"));
  CHECK(c->tensor("heads.reg.weight")->shape == std::vector<int64_t>{1, 128});

  REQUIRE(m.outputs.size() == 2);
  CHECK(ir::shapeStr(m.outputs[0].shape) == "[B, 10]");
  CHECK(ir::shapeStr(m.outputs[1].shape) == "[B, 1]");
  CHECK(m.graph->outputs().size() == 2);
}

TEST_CASE("sema: a frozen param counts in the total but is not trainable") {
  TempDir dir;
  auto c = test::compileText(dir, "module M {\n"
                                  "    frozen param w: [3, 4] = randn()\n"
                                  "    param b: [3] = zeros()\n"
                                  "    forward(x: [B, 4]) -> [B, 3] { return x @ w.T + b }\n"
                                  "}\n"
                                  "model M\n");
  INFO(c->printed.str());
  REQUIRE(c->model);
  const sema::Model &m = *c->model;
  CHECK(m.countParams(false) == 15);
  CHECK(m.countParams(true) == 3);
  const sema::TensorInfo *w = c->tensor("w");
  REQUIRE(w);
  CHECK(w->frozen);
  CHECK_FALSE(w->isBuffer);
  CHECK_FALSE(w->trainable());
  CHECK(c->tensor("b")->trainable());
}

TEST_CASE("sema: every module call marks what it is given and returns; two calls stay apart") {
  TempDir dir;
  auto c = test::compileText(dir, "module Twice {\n"
                         "  act = ReLU()\n"
                         "  forward(x: [B, 4], y: [B, 4]) -> ([B, 4], [B, 4]) {\n"
                         "    a = act(x)\n"
                         "    b = act(x)\n"
                         "    return a + b, y\n"
                         "  }\n"
                         "}\n"
                         "model Twice()\n");
  INFO(c->printed.str());
  REQUIRE(c->model);
  std::vector<std::string> marks;
  std::map<int, int> reluOperands; // call -> id of the boundary relu reads
  for (const auto &n : c->model->graph->nodes())
    if (n->op == ir::OpKind::Boundary)
      marks.push_back(n->attrs.boundary.str());
    else if (n->op == ir::OpKind::Relu)
      reluOperands[n->operands[0]->attrs.boundary.call] = n->operands[0]->id;
  CHECK(marks == std::vector<std::string>{
                     "(model)#1 input 0", "(model)#1 input 1",
                     "act#1 input 0", "act#1 output 0",
                     "act#2 input 0", "act#2 output 0",
                     "(model)#1 output 0", "(model)#1 output 1"});
  // The second call is not merged into the first: each has its own relu.
  CHECK(reluOperands.size() == 2);
}

TEST_CASE("sema: --model picks a module with its default arguments") {
  // deep.nnm imports residual.nnm, so ResidualStack(128, 4) is visible.
  auto c = example("deep.nnm", "ResidualStack");
  const sema::Model &m = *c->model;
  CHECK(m.name == "ResidualStack");
  CHECK(m.countParams(false) == 4 * 2 * (128 * 128 + 128));
  CHECK(module(m, "blocks.3.block.2") != nullptr);
  CHECK(module(m, "heads") == nullptr);
  // ResidualBlock(dim: int) has no default for `dim`: it cannot be the model.
  auto block = test::compileFile(test::examplePath("residual.nnm"), "ResidualBlock");
  CHECK(block->model == nullptr);
  CHECK(block->diags.errorCount() > 0);
}

TEST_CASE("sema: several symbols, and symbols bound through shapes") {
  TempDir dir;
  // `@` folds the leading dimensions of a rank-3 left operand into M.
  auto c = test::compileText(dir, "module M {\n"
                                  "    param w: [4, 16] = randn()\n"
                                  "    forward(x: [N, T, 16]) -> [N, T, 4] {\n"
                                  "        return x @ w.T\n"
                                  "    }\n"
                                  "}\n"
                                  "model M\n");
  INFO(c->printed.str());
  REQUIRE(c->model);
  CHECK(ir::shapeStr(c->model->inputs[0].shape) == "[N, T, 16]");
  CHECK(ir::shapeStr(c->model->outputs[0].shape) == "[N, T, 4]");
  CHECK(c->model->graph->symbols() == std::vector<std::string>{"N", "T"});
  CHECK(ir::verifyGraph(*c->model->graph) == "");
  std::ostringstream text;
  ir::printGraph(*c->model->graph, text);
  CHECK(text.str().find("{shape = [N*T, 16]}") != std::string::npos);
}

TEST_CASE("sema: a matmul shape mismatch points at the operator, naming both shapes") {
  TempDir dir;
  auto c = failing(dir, "module M {\n"
                        "    fc = Linear(4, 8)\n"
                        "    forward(x: [B, 4]) -> [B, 8] {\n"
                        "        return x @ fc.weight\n"
                        "    }\n"
                        "}\n"
                        "model M\n");
  const Diagnostic *d = c->find(DiagKind::ShapeMismatch);
  REQUIRE(d);
  CHECK(c->where(*d).line == 4);
  CHECK(c->where(*d).col == 16);
  CHECK(d->message == "shape mismatch in `@`: [B, 4] @ [8, 4]: the inner "
                      "dimensions differ (4 vs 8)");
  std::string printed = c->printed.str();
  CHECK(printed.find("m.nnm:4:16: error: shape mismatch in `@`") !=
        std::string::npos);
  CHECK(printed.find("[ShapeMismatch]") != std::string::npos);
  CHECK(printed.find("        return x @ fc.weight\n") != std::string::npos);
  CHECK(printed.find("               ^~~~~~~~~~~~~") != std::string::npos);
}

TEST_CASE("sema: a broadcast mismatch names both shapes and the dimension") {
  TempDir dir;
  auto c = failing(dir, "module M {\n"
                        "    param b: [3] = zeros()\n"
                        "    forward(x: [B, 4]) -> [B, 4] { return x + b }\n"
                        "}\n"
                        "model M\n");
  const Diagnostic *d = c->find(DiagKind::ShapeMismatch);
  REQUIRE(d);
  CHECK(c->where(*d).line == 3);
  CHECK(c->where(*d).col == 43);
  CHECK(d->message.find("[B, 4] and [3]") != std::string::npos);
  CHECK(d->message.find("dimension 1") != std::string::npos);
}

TEST_CASE("sema: a returned shape that differs from the declared one") {
  TempDir dir;
  auto c = failing(dir, "module M {\n"
                        "    fc = Linear(4, 8)\n"
                        "    forward(x: [B, 4]) -> [B, 4] { return fc(x) }\n"
                        "}\n"
                        "model M\n");
  const Diagnostic *d = c->find(DiagKind::ReturnShapeMismatch);
  REQUIRE(d);
  CHECK(d->message.find("[B, 8]") != std::string::npos);
  CHECK(d->message.find("[B, 4]") != std::string::npos);
  CHECK(c->where(*d).line == 3);
}

TEST_CASE("sema: an argument whose shape does not fit the callee's forward") {
  TempDir dir;
  auto c = failing(dir, "module M {\n"
                        "    fc = Linear(4, 8)\n"
                        "    forward(x: [B, 5]) -> [B, 8] { return fc(x) }\n"
                        "}\n"
                        "model M\n");
  const Diagnostic *d = c->find(DiagKind::InputShapeMismatch);
  REQUIRE(d);
  CHECK(d->message.find("[B, 5]") != std::string::npos);
  CHECK(d->message.find("[N, 4]") != std::string::npos);
  CHECK(c->where(*d).line == 3);
}

TEST_CASE("sema: an unknown name is reported where it is used") {
  TempDir dir;
  auto c = failing(dir, "module M {\n"
                        "    fc = Linear(4, 8)\n"
                        "    forward(x: [B, 4]) -> [B, 8] { return fc(y) }\n"
                        "}\n"
                        "model M\n");
  const Diagnostic *d = c->find(DiagKind::UnknownName);
  REQUIRE(d);
  CHECK(d->message == "unknown name `y`");
  CHECK(c->where(*d).line == 3);
  CHECK(c->where(*d).col == 46);
}

TEST_CASE("sema: an unknown module or function") {
  TempDir dir;
  auto c = failing(dir, "module M {\n"
                        "    fc = Linaer(4, 8)\n"
                        "    forward(x: [B, 4]) -> [B, 8] { return fc(x) }\n"
                        "}\n"
                        "model M\n");
  REQUIRE(c->reported().size() >= 1);
  const Diagnostic &d = c->reported()[0];
  CHECK((d.kind == DiagKind::UnknownModule || d.kind == DiagKind::UnknownName));
  CHECK(d.message.find("`Linaer`") != std::string::npos);
  CHECK(c->where(d).line == 2);
}

TEST_CASE("sema: a wrong argument count names the callee and both counts") {
  TempDir dir;
  auto c = failing(dir, "module M {\n"
                        "    fc = Linear(4, 8, 9)\n"
                        "    forward(x: [B, 4]) -> [B, 8] { return fc(x) }\n"
                        "}\n"
                        "model M\n");
  const Diagnostic *d = c->find(DiagKind::WrongArgumentCount);
  REQUIRE(d);
  CHECK(d->message == "`Linear` takes 2 argument(s), 3 given");
  CHECK(c->where(*d).line == 2);
  CHECK(c->where(*d).col == 10);
}

TEST_CASE("sema: a missing and an unknown named argument") {
  TempDir dir;
  auto missing = failing(dir, "module M {\n"
                              "    fc = Linear(4)\n"
                              "    forward(x: [B, 4]) -> [B, 8] { return fc(x) }\n"
                              "}\n"
                              "model M\n");
  const Diagnostic *d = missing->find(DiagKind::MissingArgument);
  REQUIRE(d);
  CHECK(d->message.find("`out_features`") != std::string::npos);
  auto unknown = failing(dir, "module M {\n"
                              "    fc = Linear(4, 8, bias_: true)\n"
                              "    forward(x: [B, 4]) -> [B, 8] { return fc(x) }\n"
                              "}\n"
                              "model M\n");
  CHECK(unknown->find(DiagKind::UnknownArgument) != nullptr);
}

TEST_CASE("sema: a duplicate member is reported with a note at the first") {
  TempDir dir;
  auto c = failing(dir, "module M {\n"
                        "    fc = Linear(4, 8)\n"
                        "    fc = Linear(4, 8)\n"
                        "    forward(x: [B, 4]) -> [B, 8] { return fc(x) }\n"
                        "}\n"
                        "model M\n");
  const std::vector<Diagnostic> &all = c->reported();
  REQUIRE(all.size() == 2);
  CHECK(all[0].kind == DiagKind::DuplicateDefinition);
  CHECK(all[0].message == "duplicate definition of `fc`");
  CHECK(c->where(all[0]).line == 3);
  CHECK(c->where(all[0]).col == 5);
  CHECK(all[1].kind == DiagKind::PreviousDefinition);
  CHECK(all[1].severity == Severity::Note);
  CHECK(c->where(all[1]).line == 2);
  CHECK(c->diags.errorCount() == 1);
}

TEST_CASE("sema: a param and a submodule of one name are duplicates too") {
  TempDir dir;
  auto c = failing(dir, "module M {\n"
                        "    w = Linear(4, 4)\n"
                        "    param w: [4] = zeros()\n"
                        "    forward(x: [B, 4]) -> [B, 4] { return w(x) }\n"
                        "}\n"
                        "model M\n");
  const Diagnostic *d = c->find(DiagKind::DuplicateDefinition);
  REQUIRE(d);
  CHECK(c->where(*d).line == 3);
}

TEST_CASE("sema: two user modules of one name; a user module shadows the stdlib") {
  TempDir dir;
  auto dup = failing(dir, "module M { forward(x: [B, 4]) -> [B, 4] { return x } }\n"
                          "module M { forward(x: [B, 4]) -> [B, 4] { return x } }\n"
                          "model M\n");
  const Diagnostic *d = dup->find(DiagKind::DuplicateDefinition);
  REQUIRE(d);
  CHECK(dup->where(*d).line == 2);

  auto shadow = test::compileText(
      dir,
      "module ReLU { forward(x) { return x * 2 } }\n"
      "module M { act = ReLU()  forward(x: [B, 4]) -> [B, 4] { return act(x) } }\n"
      "model M\n",
      "", "shadow.nnm");
  INFO(shadow->printed.str());
  REQUIRE(shadow->model);
  // The user's ReLU multiplies instead of applying relu.
  bool hasRelu = false, hasMul = false;
  for (const auto &node : shadow->model->graph->nodes()) {
    hasRelu |= node->op == ir::OpKind::Relu;
    hasMul |= node->op == ir::OpKind::Mul;
  }
  CHECK_FALSE(hasRelu);
  CHECK(hasMul);
}

TEST_CASE("sema: no model, an unknown --model, and an init that matches nothing") {
  TempDir dir;
  auto none = failing(dir, "module M { forward(x: [B, 4]) -> [B, 4] { return x } }\n");
  CHECK(none->find(DiagKind::NoModel) != nullptr);

  std::string path =
      dir.write("one.nnm", "module M { forward(x: [B, 4]) -> [B, 4] { return x } }\n"
                           "model M\n");
  auto unknown = test::compileFile(path, "Nope");
  CHECK(unknown->model == nullptr);
  REQUIRE(unknown->find(DiagKind::UnknownModel) != nullptr);
  CHECK(unknown->find(DiagKind::UnknownModel)->message ==
        "no module named `Nope` to compile as the model");

  auto init = failing(dir, "module M {\n"
                           "    fc = Linear(4, 4)\n"
                           "    init fc.wieght = zeros()\n"
                           "    forward(x: [B, 4]) -> [B, 4] { return fc(x) }\n"
                           "}\n"
                           "model M\n");
  const Diagnostic *d = init->find(DiagKind::InitMatchesNothing);
  REQUIRE(d);
  CHECK(d->message == "`init fc.wieght` matches no parameter or buffer");
  CHECK(init->where(*d).line == 3);
}

TEST_CASE("sema: a missing file and a missing import") {
  TempDir dir;
  auto missing = test::compileFile((dir.path() / "absent.nnm").string());
  CHECK_FALSE(missing->loaded);
  CHECK(missing->find(DiagKind::CannotReadFile) != nullptr);

  auto import = failing(dir, "import \"nowhere.nnm\"\n"
                             "module M { forward(x: [B, 4]) -> [B, 4] { return x } }\n"
                             "model M\n");
  const Diagnostic *d = import->find(DiagKind::ImportNotFound);
  REQUIRE(d);
  CHECK(import->where(*d).line == 1);
}

TEST_CASE("sema: an import cycle is reported, not followed forever") {
  TempDir dir;
  dir.write("a.nnm", "import \"b.nnm\"\n"
                     "module A { forward(x: [B, 4]) -> [B, 4] { return x } }\n"
                     "model A\n");
  dir.write("b.nnm", "import \"a.nnm\"\n"
                     "module Bm { forward(x: [B, 4]) -> [B, 4] { return x } }\n");
  auto c = test::compileFile((dir.path() / "a.nnm").string());
  CHECK(c->model == nullptr);
  CHECK(c->find(DiagKind::ImportCycle) != nullptr);
}

TEST_CASE("sema: a syntax error stops before elaboration") {
  TempDir dir;
  auto c = test::compileText(dir, "module M {\n    fc = Linear(4 8)\n"
                                  "    forward(x: [B, 4]) -> [B, 8] { return fc(x) }\n"
                                  "}\nmodel M\n");
  CHECK_FALSE(c->loaded);
  CHECK(c->diags.errorCount() == 1);
  CHECK(c->find(DiagKind::ExpectedToken) != nullptr);
}

// A member whose construction failed is poisoned; using it later must not
// add "an invalid value is not callable" on top of the real error.
TEST_CASE("sema: a failed member does not cascade into its uses") {
  TempDir dir;
  auto c = failing(dir, "module M {\n"
                        "    fc = Linear(4, 8, 9)\n"
                        "    forward(x: [B, 4]) -> [B, 8] { return fc(x) }\n"
                        "}\n"
                        "model M\n");
  CHECK(c->diags.errorCount() == 1);
  CHECK(c->find(DiagKind::WrongArgumentCount) != nullptr);
  CHECK(c->find(DiagKind::NotCallable) == nullptr);
}
