//===- manifest_test.cpp - Manifest parsing, dimensions and binding -------===//
//
// The fake model's manifest parses into the expected structs; dimension
// expressions; binding symbols from input shapes with the documented
// messages; and invalid manifests are refused with a reason.
//
//===----------------------------------------------------------------------===//
#include "nnrt/manifest.h"
#include "nnrt/model.h"
#include "nnrt_model.h"
#include "test_util.h"

using namespace nnrt;

namespace {

Manifest imageManifest() {
  return parseManifest(R"({"format": 1, "abi": 3, "symbols": ["B", "T"],
    "inputs": [{"name": "x", "shape": ["B", 1, 28, 28]},
               {"name": "s", "shape": ["B", "T", "2*T"]}],
    "outputs": [{"name": "y", "shape": ["B*T", 10]}],
    "arena_elements": 0, "tensors": []})");
}

std::string withTensors(const std::string &tensors, int arena = 10) {
  return R"({"format": 1, "abi": 3, "inputs": [], "outputs": [], "arena_elements": )" +
         std::to_string(arena) + R"(, "tensors": [)" + tensors + "]}";
}

} // namespace

TEST_CASE("the fake model's manifest") {
  Manifest m = parseManifest(nnc_model.manifest);
  CHECK(m.model == "Fake");
  CHECK(m.symbols == std::vector<std::string>{"B"});
  REQUIRE(m.inputs.size() == 1);
  CHECK(formatDims(m.inputs[0].shape) == "[B, 3]");
  REQUIRE(m.tensors.size() == 3);
  CHECK(m.tensors[0].name == "fc.weight");
  CHECK(m.tensors[0].init.fn == "kaiming_uniform");
  CHECK(m.tensors[0].init.a == doctest::Approx(std::sqrt(5.0)));
  CHECK(m.tensors[1].offset == 6);
  CHECK(m.tensors[2].kind == "buffer");
  CHECK_FALSE(m.tensors[2].trainable);
  CHECK(m.parameterCount() == 8);
  CHECK(m.trainableCount() == 8);
  CHECK(m.modules.size() == 2);
}

TEST_CASE("dimension expressions") {
  std::vector<std::string> symbols = {"B", "T"};
  Dim d = parseDim("B*784", symbols);
  CHECK(d.constant == 784);
  CHECK(d.symbols == std::vector<int>{0});
  CHECK_FALSE(d.isSingleSymbol());
  CHECK(d.evaluate({4, 7}) == 4 * 784);
  Dim e = parseDim("2*T*B*3", symbols);
  CHECK(e.evaluate({4, 7}) == 2 * 7 * 4 * 3);
  CHECK(parseDim("T", symbols).isSingleSymbol());
  CHECK(parseDim(12, symbols).evaluate({}) == 12);
  NNRT_CHECK_ERROR(parseDim("B*N", symbols),
                   "dimension \"B*N\" uses `N`, which is not in `symbols`");
  NNRT_CHECK_ERROR(parseDim("B**2", symbols), "has an empty factor");
  NNRT_CHECK_ERROR(parseDim(2.5, symbols), "neither an integer nor a string");
}

TEST_CASE("binding symbols from input shapes") {
  Manifest m = imageManifest();
  std::vector<int64_t> dims = bindSymbols(m, {{4, 1, 28, 28}, {4, 5, 10}});
  CHECK(dims == std::vector<int64_t>{4, 5});
  CHECK(evaluateShape(m.outputs[0].shape, dims) ==
        std::vector<int64_t>{20, 10});
  NNRT_CHECK_ERROR(bindSymbols(m, {{4, 784}, {4, 5, 10}}),
                   "input `x`: expected shape [B, 1, 28, 28], got [4, 784]: "
                   "rank 2, expected 4");
  NNRT_CHECK_ERROR(bindSymbols(m, {{4, 1, 28, 27}, {4, 5, 10}}),
                   "input `x`: expected shape [B, 1, 28, 28], got [4, 1, 28, "
                   "27]: dimension 3 is 27, expected 28");
  NNRT_CHECK_ERROR(bindSymbols(m, {{4, 1, 28, 28}, {3, 5, 10}}),
                   "input `s`: expected shape [B, T, 2*T], got [3, 5, 10]: "
                   "dimension 0 is 3, but `B` = 4 from input `x` dimension 0");
  NNRT_CHECK_ERROR(bindSymbols(m, {{4, 1, 28, 28}, {4, 5, 9}}),
                   "dimension 2 is 9, expected 10");
  NNRT_CHECK_ERROR(bindSymbols(m, {{4, 1, 28, 28}}),
                   "the model takes 2 input(s), got 1");
}

TEST_CASE("a symbol no input binds on its own is an error") {
  Manifest m = parseManifest(R"({"format": 1, "abi": 3, "symbols": ["B"],
    "inputs": [{"name": "x", "shape": ["B*784"]}], "outputs": [],
    "arena_elements": 0, "tensors": []})");
  NNRT_CHECK_ERROR(bindSymbols(m, {{784}}), "symbol `B` is not the whole of");
}

TEST_CASE("invalid manifests are refused with a reason") {
  NNRT_CHECK_ERROR(parseManifest("{"), "manifest: not valid JSON");
  NNRT_CHECK_ERROR(parseManifest("[]"), "manifest: not a JSON object");
  NNRT_CHECK_ERROR(parseManifest(R"({"format": 2})"),
                   "manifest: format 2 is not supported");
  NNRT_CHECK_ERROR(
      parseManifest(R"({"format": 1, "abi": 3, "inputs": [], "outputs": []})"),
      "manifest: the manifest has no `arena_elements`");
  // A model compiled for another contract is refused before its code runs.
  NNRT_CHECK_ERROR(parseManifest(R"({"format": 1, "abi": 1})"),
                   "manifest: the model was compiled for model ABI 1, and this "
                   "runtime implements ABI 3; rebuild it");
  NNRT_CHECK_ERROR(parseManifest(R"({"format": 1, "inputs": []})"),
                   "manifest: the manifest has no `abi`");
  std::string w =
      R"({"name": "w", "shape": [2, 3], "offset": 0, "init": {"fn": "zeros"}})";
  CHECK(parseManifest(withTensors(w)).tensors.size() == 1);
  NNRT_CHECK_ERROR(parseManifest(withTensors(w, 5)),
                   "tensor `w` at offset 0 with 6 elements does not fit the "
                   "arena of 5 elements");
  NNRT_CHECK_ERROR(parseManifest(withTensors(w + "," + w, 12)),
                   "tensor `w` appears twice");
  std::string v =
      R"({"name": "v", "shape": [2], "offset": 5, "init": {"fn": "ones"}})";
  NNRT_CHECK_ERROR(parseManifest(withTensors(w + "," + v)),
                   "tensors `w` and `v` overlap in the arena");
  NNRT_CHECK_ERROR(
      parseManifest(withTensors(
          R"({"name": "w", "shape": [2], "offset": 0, "init": {"fn": "glorot"}})")),
      "tensor `w`: unknown initialiser `glorot`");
  NNRT_CHECK_ERROR(
      parseManifest(withTensors(
          R"({"name": "w", "shape": [2], "offset": 0, "init": {"fn": "constant"}})")),
      "tensor `w` init has no `value`");
  NNRT_CHECK_ERROR(
      parseManifest(withTensors(R"({"name": "w", "shape": [2, 2], "offset": 0,
         "init": {"fn": "kaiming_normal", "mode": "fan_both"}})")),
      "kaiming mode must be `fan_in` or `fan_out`, got `fan_both`");
  NNRT_CHECK_ERROR(
      parseManifest(withTensors(
          R"({"name": "w", "shape": "big", "offset": 0, "init": {"fn": "ones"}})")),
      "tensor `w`: `shape` has the wrong type");
}

TEST_CASE("a descriptor of another ABI version is refused before anything of it is read") {
  nnc_model_descriptor old = nnc_model;
  old.abi_version = NNC_MODEL_ABI_VERSION - 1;
  old.manifest = nullptr; // would crash if read
  ModelCode code = ModelCode::fromDescriptor(old);
  CHECK(!code.forward);
  NNRT_CHECK_ERROR(Model(code), "the model was compiled for model ABI 2, and this runtime "
                                "implements ABI 3; rebuild it");
  // The fake model is of this version, and runs on the threads asked for.
  Model current(ModelCode::fromDescriptor(nnc_model), 3);
  CHECK(current.threads() == 3);
  CHECK(current.context()->threads == 3);
  CHECK(bool(current.context()->parallel_for));
}

TEST_CASE("hook points: parsed per entry point, and checked") {
  auto with = [](const std::string &hooks) {
    return parseManifest(R"({"format": 1, "abi": 3, "symbols": ["B"],
      "inputs": [{"name": "x", "shape": ["B", 4]}], "outputs": [{"name": "y", "shape": ["B", 2]}],
      "arena_elements": 0, "tensors": [],
      "modules": [{"path": "", "type": "M"}, {"path": "fc", "type": "Linear"}],
      "hooks": )" + hooks + "}");
  };
  Manifest m = with(R"({"forward": [{"module": "fc", "call": 2, "kind": "forward",
      "inputs": [{"index": 0, "shape": ["B", 4]}], "outputs": [{"index": 0, "shape": ["B", 2]}]}],
      "train_step": [{"module": "", "call": 1, "kind": "backward", "inputs": [],
      "outputs": [{"index": 0, "shape": ["B", 2]}]}]})");
  REQUIRE(m.hooks.forward.size() == 1);
  CHECK(m.hooks.forward[0].module == "fc");
  CHECK(m.hooks.forward[0].call == 2);
  CHECK(!m.hooks.forward[0].backward);
  CHECK(formatDims(m.hooks.forward[0].inputs[0].shape) == "[B, 4]");
  CHECK(m.hooks.evaluate.empty());
  REQUIRE(m.hooks.trainStep.size() == 1);
  CHECK(m.hooks.trainStep[0].backward);
  CHECK(m.hooks.trainStep[0].inputs.empty());
  NNRT_CHECK_ERROR(with(R"({"forward": [{"module": "conv", "call": 1, "kind": "forward",
      "inputs": [], "outputs": []}]})"),
                   "manifest: hooks.forward: module `conv` is not in `modules`");
  NNRT_CHECK_ERROR(with(R"({"forward": [{"module": "fc", "call": 1, "kind": "backward",
      "inputs": [], "outputs": []}]})"),
                   "manifest: hooks.forward: a backward hook point outside the training step");
  NNRT_CHECK_ERROR(with(R"({"forward": [{"module": "fc", "call": 0, "kind": "forward",
      "inputs": [], "outputs": []}]})"),
                   "manifest: hooks.forward: `call` must be at least 1");
  NNRT_CHECK_ERROR(with(R"({"forward": [{"module": "fc", "call": 1, "kind": "forward",
      "inputs": [{"index": 0, "shape": ["T"]}], "outputs": []}]})"),
                   "`T`, which is not in `symbols`");
  NNRT_CHECK_ERROR(with(R"([1])"), "manifest: `hooks` must be an object");
}

TEST_CASE("module patterns: as in init, `*` one segment, `**` any number") {
  CHECK(modulePatternMatches("net.0", "net.0"));
  CHECK(!modulePatternMatches("net.0", "net.00"));
  CHECK(modulePatternMatches("net.*", "net.3"));
  CHECK(!modulePatternMatches("net.*", "net"));
  CHECK(!modulePatternMatches("net.*", "net.3.fc"));
  CHECK(modulePatternMatches("**", ""));
  CHECK(modulePatternMatches("**", "a.b.c"));
  CHECK(modulePatternMatches("blocks.**.fc", "blocks.fc"));
  CHECK(modulePatternMatches("blocks.**.fc", "blocks.1.block.fc"));
  CHECK(modulePatternMatches("", ""));
  CHECK(!modulePatternMatches("", "net"));
  // Deep nesting stays fast: quadratic at worst.
  std::string deep, pattern;
  for (int i = 0; i < 2000; ++i) {
    deep += (i ? "." : "") + std::string("m");
    pattern += (i ? "." : "") + std::string("**");
  }
  CHECK(modulePatternMatches(pattern + ".x", deep) == false);
  CHECK(parseModulePatterns("net.0,blocks.*") == std::vector<std::string>{"net.0", "blocks.*"});
  NNRT_CHECK_ERROR(parseModulePatterns("net.0,,x"), "has an empty pattern");
  NNRT_CHECK_ERROR(parseModulePatterns("net..0"), "segment `` is not a name");
  NNRT_CHECK_ERROR(parseModulePatterns("net.0-1"), "segment `0-1` is not a name");
}
