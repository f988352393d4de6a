//===- test_arena.cpp - Unit tests of the parameter arena's layout --------===//
//
// codegen::layoutArena on hand-made tensor lists (alignment, order, the
// arena's length, lookup by name, the optimizer's ranges), and on the
// examples' models through driver::layoutModelArena: the numbers the
// manifests and checkpoints of those models depend on.
//
//===----------------------------------------------------------------------===//
#include "codegen/kernel/arena.h"
#include "driver/model_arena.h"
#include "test_support.h"

using namespace nnc;
using codegen::ArenaLayout;
using codegen::ArenaTensor;
using Ranges = std::vector<std::pair<int64_t, int64_t>>;

namespace {

ArenaLayout exampleLayout(const char *file) {
  auto c = test::compileFile(test::examplePath(file));
  INFO(c->printed.str());
  REQUIRE(c->model != nullptr);
  return driver::layoutModelArena(*c->model);
}

} // namespace

TEST_CASE("arena: tensors in the order given, each on a 16-element line") {
  ArenaLayout a = codegen::layoutArena({{"a", 3, true},
                                        {"b", 16, true},
                                        {"c", 1, false},
                                        {"d", 17, true},
                                        {"e", 2, true}});
  CHECK(a.offsets == std::vector<int64_t>{0, 16, 32, 48, 80});
  for (int64_t offset : a.offsets)
    CHECK(offset % codegen::kTensorAlign == 0);
  // The arena ends with the last tensor, not with its padding.
  CHECK(a.elements == 82);
  CHECK(a.byName == std::map<std::string, int64_t>{
                        {"a", 0}, {"b", 16}, {"c", 32}, {"d", 48}, {"e", 80}});
}

TEST_CASE("arena: an empty arena has no elements and no ranges") {
  ArenaLayout a = codegen::layoutArena({});
  CHECK(a.offsets.empty());
  CHECK(a.elements == 0);
  CHECK(a.byName.empty());
  CHECK(a.updateRanges.empty());
}

TEST_CASE("arena: the optimizer's ranges merge adjacent trainable tensors") {
  // a and b with a's padding: one range; c (frozen or a buffer) splits it;
  // d and e merge again, e's range clipped at the arena's end (82, not 96).
  ArenaLayout a = codegen::layoutArena({{"a", 3, true},
                                        {"b", 16, true},
                                        {"c", 1, false},
                                        {"d", 17, true},
                                        {"e", 2, true}});
  CHECK(a.updateRanges == Ranges{{0, 32}, {48, 82}});
}

TEST_CASE("arena: a range keeps its padding when a frozen tensor ends the arena") {
  ArenaLayout a = codegen::layoutArena({{"w", 3, true}, {"stats", 5, false}});
  CHECK(a.elements == 21);
  CHECK(a.updateRanges == Ranges{{0, 16}});
  ArenaLayout none = codegen::layoutArena({{"x", 40, false}, {"y", 7, false}});
  CHECK(none.updateRanges.empty());
}

TEST_CASE("arena: MLP's tensors, each starting on a 64-byte line") {
  ArenaLayout a = exampleLayout("mlp.nnm");
  // [256, 784], [256], [128, 256], [128], [10, 128], [10]: every size but
  // the last is a multiple of 16, and the last has no padding after it, so
  // the arena is exactly the 235,146 parameters.
  CHECK(a.elements == 235146);
  CHECK(a.offsets[1] == 200704);
  CHECK(a.offsets[5] == 235136);
  CHECK(a.byName.at("net.4.bias") == 235136);
  CHECK(a.updateRanges == Ranges{{0, 235146}});
}

TEST_CASE("arena: ManualLinear's bias follows its weight") {
  ArenaLayout a = exampleLayout("manual_linear.nnm");
  CHECK(a.offsets[1] == 256);
  CHECK(a.byName.at("b") == 256);
}

TEST_CASE("arena: Deep's buffer is in the arena, not in the optimizer's ranges") {
  auto c = test::compileFile(test::examplePath("deep.nnm"));
  REQUIRE(c->model != nullptr);
  const sema::Model &m = *c->model;
  ArenaLayout a = driver::layoutModelArena(m);
  // 4 blocks of 2 x (128*128 + 128), heads 128*10 + 10 and 128 + 1.
  int64_t expected = 4 * 2 * (128 * 128 + 128) + (128 * 10 + 10) + (128 + 1);
  // The buffer is in the arena but not a parameter. Every tensor starts on a
  // 16-float line: heads.cls.bias (10) is padded to 16, so the arena is 6
  // floats longer than the sum of the sizes.
  CHECK(a.elements == expected + 128 + 6);
  REQUIRE(a.offsets.size() == m.tensors.size());
  int64_t next = 0;
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    const sema::TensorInfo &t = m.tensors[i];
    CAPTURE(t.name);
    CHECK(a.offsets[i] % 16 == 0);
    CHECK(a.offsets[i] == next);
    CHECK(a.byName.at(t.name) == a.offsets[i]);
    next = (a.offsets[i] + t.numel() + 15) / 16 * 16;
  }
  // The root's buffer `scale` comes first (a module's own tensors before its
  // children's); every parameter after it trains, so one range follows it.
  CHECK(a.byName.at("scale") == 0);
  CHECK(a.updateRanges == Ranges{{128, a.elements}});
}
