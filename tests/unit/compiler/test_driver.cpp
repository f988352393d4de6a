//===- test_driver.cpp - Unit tests of driver::run (the `nnc` command) ----===//
//
// The whole command in-process, with string streams: summary text and
// JSON, check with and without errors, --emit stages, the ir subcommand,
// and command-line errors. Nothing here links an executable.
//
//===----------------------------------------------------------------------===//
#include "test_support.h"

#include "codegen/backend.h"
#include "driver/driver.h"
#include "driver/summary.h"

#include <nlohmann/json.hpp>

using namespace nnc;
using nnc::test::TempDir;

namespace {

struct Result {
  int code;
  std::string out, err;
};

Result runNnc(const std::vector<std::string> &args) {
  test::ensureStdlibEnv();
  std::ostringstream out, err;
  int code = driver::run(args, out, err);
  return {code, out.str(), err.str()};
}

bool contains(const std::string &s, const std::string &part) {
  return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("driver: summary prints the parameter table and 235,146") {
  Result r = runNnc({"summary", test::examplePath("mlp.nnm")});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.err == "");
  CHECK(contains(r.out, "total parameters: 235,146"));
  CHECK(contains(r.out, "trainable parameters: 235,146"));
  CHECK(contains(r.out, "net.0.weight"));
  CHECK(contains(r.out, "200,704"));
  CHECK(contains(r.out, "inputs: x [B, 1, 28, 28]"));
  CHECK(contains(r.out, "net.4: Linear"));
}

TEST_CASE("driver: summary --json parses with total_parameters 235146") {
  Result r = runNnc({"summary", test::examplePath("mlp.nnm"), "--json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out); // throws if not JSON
  CHECK(j["total_parameters"] == 235146);
  CHECK(j["trainable_parameters"] == 235146);
  CHECK(j["model"] == "MLP");
  REQUIRE(j["tensors"].is_array());
  REQUIRE(j["tensors"].size() == 6);
  CHECK(j["tensors"][0]["name"] == "net.0.weight");
  CHECK(j["tensors"][0]["shape"] == nlohmann::json::array({256, 784}));
  CHECK(j["inputs"][0]["shape"] == nlohmann::json::array({"B", 1, 28, 28}));
}

TEST_CASE("driver: summary --json of Deep separates buffers from parameters") {
  Result r = runNnc({"summary", "--json", test::examplePath("deep.nnm")});
  INFO(r.err);
  REQUIRE(r.code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["total_parameters"] == 133515);
  CHECK(j["tensors"][0]["name"] == "scale");
  CHECK(j["tensors"][0]["kind"] == "buffer");
  CHECK(j["tensors"][0]["trainable"] == false);
  CHECK(j["outputs"].size() == 2);
}

TEST_CASE("driver: check of a good file prints nothing and returns 0") {
  Result r = runNnc({"check", test::examplePath("named_mlp.nnm")});
  CHECK(r.code == 0);
  CHECK(r.out == "");
  CHECK(r.err == "");
}

TEST_CASE("driver: check of a bad file returns 1 with the error text") {
  TempDir dir;
  std::string bad = dir.write("bad.nnm", "module M {\n"
                                         "    fc = Linear(4, 8)\n"
                                         "    forward(x: [B, 4]) -> [B, 8] {\n"
                                         "        return x @ fc.weight\n"
                                         "    }\n"
                                         "}\n"
                                         "model M\n");
  Result r = runNnc({"check", bad});
  CHECK(r.code == 1);
  CHECK(r.out == "");
  CHECK(contains(r.err, "bad.nnm:4:16: error: shape mismatch in `@`: [B, 4] @ "
                        "[8, 4]: the inner dimensions differ (4 vs 8) "
                        "[ShapeMismatch]"));
  CHECK(contains(r.err, "^~~~"));
}

TEST_CASE("driver: several syntax errors are all printed, with a count") {
  TempDir dir;
  std::string bad = dir.write("bad.nnm", "module A { fc = Linear(4 8) }\n"
                                         "module B { param w [4] }\n"
                                         "model A\n");
  Result r = runNnc({"check", bad});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "bad.nnm:1:"));
  CHECK(contains(r.err, "bad.nnm:2:"));
  CHECK(contains(r.err, "2 errors generated"));
}

TEST_CASE("driver: check of a missing file fails cleanly") {
  TempDir dir;
  Result r = runNnc({"check", (dir.path() / "none.nnm").string()});
  CHECK(r.code == 1);
  CHECK(contains(r.err, "cannot read file"));
  CHECK(contains(r.err, "[CannotReadFile]"));
}

TEST_CASE("driver: check --emit tokens, ast and ir") {
  std::string mlp = test::examplePath("mlp.nnm");
  Result tokens = runNnc({"check", mlp, "--emit", "tokens"});
  CHECK(tokens.code == 0);
  CHECK(contains(tokens.out, "2:1 `module` module\n"));
  Result ast = runNnc({"check", mlp, "--emit", "ast"});
  CHECK(ast.code == 0);
  CHECK(contains(ast.out, "MLP"));
  Result ir = runNnc({"check", mlp, "--emit", "ir"});
  CHECK(ir.code == 0);
  CHECK(ir.out.rfind("graph @MLP(B) {\n", 0) == 0);
  CHECK(contains(ir.out, "param \"net.4.bias\" : f32[10]"));
  Result bad = runNnc({"check", mlp, "--emit", "ptx"});
  CHECK(bad.code == 1);
  CHECK(contains(bad.err, "`check --emit` takes tokens, ast, ir, ir-grad, ir-train, kernels, "
                          "kernels-train, kernels-hooked, llvm-raw or llvm"));
  Result obj = runNnc({"check", mlp, "--emit", "obj"});
  CHECK(obj.code == 1);
  CHECK(contains(obj.err, "check writes no file"));
}

TEST_CASE("driver: one --emit ladder for check and build, every stage in order") {
  // Each stage of the pipeline, stopped after and printed, by both commands:
  // the same text, and each shows what its stage adds.
  std::string xor_ = test::examplePath("xor.nnm");
  struct Expect {
    const char *stage;
    const char *fragment;
  };
  for (Expect e : {Expect{"tokens", "`module` module"}, {"ast", "module XorNet"},
                   {"ir", "graph @XorNet(B)"}, {"ir-grad", "grad.output"},
                   {"ir-train", "input \"target\""}, {"kernels", "kernel matmul"},
                   {"kernels-train", "# train_step"},
                   {"kernels-hooked", "kernel hook backward hidden#1"},
                   {"llvm-raw", "define internal void @nnc_forward("},
                   {"llvm", "@nnc_model = "}}) {
    INFO(e.stage);
    Result checked = runNnc({"check", xor_, "--emit", e.stage});
    INFO(checked.err);
    CHECK(checked.code == 0);
    CHECK(contains(checked.out, e.fragment));
    Result built = runNnc({"build", xor_, "--emit", e.stage, "--target-cpu", "native"});
    CHECK(built.code == 0);
    CHECK(built.out == checked.out);
  }
  // llvm-raw is before LLVM's passes: the kernels are still separate
  // functions with their loop nests, which O3 then inlines into thunks.
  Result raw = runNnc({"check", xor_, "--emit", "llvm-raw"});
  Result optimised = runNnc({"check", xor_, "--emit", "llvm"});
  CHECK(contains(raw.out, ".body("));
  CHECK(raw.out != optimised.out);
  // A training stage of a model without a train block.
  Result untrained =
      runNnc({"check", test::examplePath("manual_linear.nnm"), "--emit", "kernels-train"});
  CHECK(untrained.code == 1);
  CHECK(contains(untrained.err, "`--emit kernels-train` needs a train block with a loss"));
}

TEST_CASE("driver: build --emit ir and kernels write to stdout") {
  std::string mlp = test::examplePath("mlp.nnm");
  Result ir = runNnc({"build", mlp, "--emit", "ir"});
  INFO(ir.err);
  CHECK(ir.code == 0);
  CHECK(contains(ir.out, "matmul"));
  Result kernels = runNnc({"build", mlp, "--emit", "kernels"});
  CHECK(kernels.code == 0);
  CHECK(contains(kernels.out, "kernel matmul -> b8 b0 b1 b2 transB then relu(add(product, b2))"));
  Result noOutput = runNnc({"build", mlp});
  CHECK(noOutput.code == 1);
  CHECK(contains(noOutput.err, "needs `-o FILE`"));
  // The target-neutral stages are the same for the GPU; its code is PTX so far.
  Result cuda = runNnc({"build", mlp, "--emit", "ir", "--target", "cuda"});
  CHECK(cuda.code == 0);
  CHECK(cuda.out == runNnc({"build", mlp, "--emit", "ir"}).out);
  Result cudaExe = runNnc({"build", mlp, "--target", "cuda", "-o", "unused"});
  CHECK(cudaExe.code == 1);
  CHECK(contains(cudaExe.err, "writes the model's kernels"));
  Result tpu = runNnc({"build", mlp, "--emit", "ir", "--target", "tpu"});
  CHECK(tpu.code == 1);
  CHECK(contains(tpu.err, "not supported"));
}

TEST_CASE("driver: the ir subcommand reads, verifies and prints back") {
  TempDir dir;
  std::string text = "graph @g(B) {\n"
                     "  %0 = input \"x\" : f32[B, 4]\n"
                     "  %1 = relu %0 : f32[B, 4]\n"
                     "  return %1\n"
                     "}\n";
  Result ok = runNnc({"ir", dir.write("g.nnir", text)});
  CHECK(ok.code == 0);
  CHECK(ok.out == text);
  std::string badText = "graph @g(B) {\n"
                        "  %0 = input \"x\" : f32[B, 4]\n"
                        "  %1 = relu %0 : f32[B, 5]\n"
                        "  return %1\n"
                        "}\n";
  std::string badPath = dir.write("bad.nnir", badText);
  Result bad = runNnc({"ir", badPath});
  CHECK(bad.code == 1);
  CHECK(contains(bad.err, badPath + ":3:"));
  Result kernels = runNnc({"ir", dir.write("k.nnir", text), "--emit", "kernels"});
  CHECK(kernels.code == 0);
  CHECK(contains(kernels.out, "kernel elementwise -> b1 = relu(b0)"));
}

TEST_CASE("driver: unknown subcommands and flags return non-zero") {
  Result sub = runNnc({"frobnicate", test::examplePath("mlp.nnm")});
  CHECK(sub.code != 0);
  CHECK(sub.err != "");
  Result flag = runNnc({"summary", test::examplePath("mlp.nnm"), "--no-such-flag"});
  CHECK(flag.code != 0);
  CHECK(flag.err != "");
  Result none = runNnc({});
  CHECK(none.code != 0);
  Result missingFile = runNnc({"check"});
  CHECK(missingFile.code != 0);
  // --help is not an error.
  Result help = runNnc({"--help"});
  CHECK(help.code == 0);
  CHECK(contains(help.out, "summary"));
}

TEST_CASE("driver: --model selects a module of the file") {
  Result r = runNnc({"summary", test::examplePath("activations.nnm"), "--model",
                  "ActGELUTanh"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(contains(r.out, "model ActGELUTanh"));
  CHECK(contains(r.out, "total parameters: 0"));
  Result bad = runNnc({"summary", test::examplePath("activations.nnm"), "--model",
                    "Nope"});
  CHECK(bad.code == 1);
  CHECK(contains(bad.err, "[UnknownModel]"));
}

TEST_CASE("driver: nnc run JIT-compiles the model and runs its command line") {
  Result info = runNnc({"run", test::examplePath("sine.nnm"), "--", "info"});
  INFO(info.err);
  CHECK(info.code == 0);
  CHECK(contains(info.out, "model: SineFit"));

  // Training through the JIT: the same entry points as a built executable.
  TempDir dir;
  std::string ckpt = (dir.path() / "sine.safetensors").string();
  Result train = runNnc({"run", test::examplePath("sine.nnm"), "--", "train",
                         "--data", test::examplePath("data/sine.csv"), "--epochs",
                         "40", "--progress", "plain", "--save", ckpt});
  INFO(train.err);
  CHECK(train.code == 0);
  CHECK(contains(train.out, "epoch 40/40"));
  Result eval = runNnc({"run", test::examplePath("sine.nnm"), "--", "eval",
                        "--params", ckpt, "--data",
                        test::examplePath("data/sine.csv"), "--json"});
  INFO(eval.err);
  CHECK(eval.code == 0);
  CHECK(contains(eval.out, "\"loss\""));

  // A model without a train block still runs its other commands.
  Result forwardOnly = runNnc({"run", test::examplePath("residual.nnm"), "--", "info"});
  CHECK(forwardOnly.code == 0);
  Result noTrain = runNnc({"run", test::examplePath("residual.nnm"), "--", "train",
                           "--data", test::examplePath("data/sine.csv")});
  CHECK(noTrain.code == 1);
  CHECK(contains(noTrain.err, "train block"));
}

TEST_CASE("driver: arguments after -- belong to nnc run alone") {
  Result missing = runNnc({"run", test::examplePath("sine.nnm")});
  CHECK(missing.code == 1);
  CHECK(contains(missing.err, "needs the model's command after `--`"));
  Result stray = runNnc({"check", test::examplePath("sine.nnm"), "--", "info"});
  CHECK(stray.code == 1);
  CHECK(contains(stray.err, "only `nnc run` takes arguments after `--`"));
  Result badSource = runNnc({"run", "/nonexistent.nnm", "--", "info"});
  CHECK(badSource.code == 1);
}

TEST_CASE("driver: --target chooses the backend, which describes its CPU") {
  std::string error;
  std::unique_ptr<codegen::Backend> cpu = codegen::makeBackend("cpu", "x86-64-v3", error);
  REQUIRE_MESSAGE(cpu, error);
  CHECK(cpu->name() == "cpu");
  codegen::TargetDescription d = cpu->describe({"sse2", "avx2", "avx512f"});
  CHECK(d.cpu == "x86-64-v3");
  CHECK(d.features == std::vector<std::string>{"sse2", "avx2"});
  CHECK(codegen::makeBackend("cuda", "native", error) == nullptr);
  CHECK(error == "target `cuda` is not supported yet; this nnc builds for `cpu`");
  CHECK(codegen::makeBackend("cpu", "pentium-imaginary", error) == nullptr);
  CHECK(error.rfind("--target-cpu: ", 0) == 0);
}
