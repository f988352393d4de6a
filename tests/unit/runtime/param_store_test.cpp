//===- param_store_test.cpp - The arena, init, load and save --------------===//
//
// Views sit at the manifest offsets of a 64-byte aligned arena; init is
// deterministic and independent of tensor order; save/load round-trips; the
// load refusals of the corpus (missing, extra, shape, dtype) and the
// malformed files leave the arena untouched.
//
//===----------------------------------------------------------------------===//
#include "bad_files.h"
#include "nnrt/param_store.h"
#include "nnrt/safetensors.h"
#include "nnrt_model.h"
#include "test_util.h"

#include <cmath>

using namespace nnrt;
using namespace nnrt::testing;

namespace {

std::vector<float> arenaCopy(const ParamStore &store) {
  return {store.arena(), store.arena() + store.manifest().arenaElements};
}

} // namespace

TEST_CASE("views sit at the manifest offsets of an aligned arena") {
  Manifest m = parseManifest(nnc_model.manifest);
  ParamStore store(m);
  CHECK(reinterpret_cast<uintptr_t>(store.arena()) % 64 == 0);
  CHECK(store.view("fc.weight").data() == store.arena());
  CHECK(store.view("fc.weight").size() == 6);
  CHECK(store.view("fc.bias").data() == store.arena() + 6);
  CHECK(store.view("scale").size() == 2);
  CHECK(arenaCopy(store) == std::vector<float>(10, 0.0f));
  NNRT_CHECK_ERROR(store.view("fc.gamma"),
                   "the model has no tensor `fc.gamma`");
}

TEST_CASE("init follows the manifest and is deterministic") {
  Manifest m = parseManifest(nnc_model.manifest);
  ParamStore a(m), b(m), c(m);
  a.initAll(1);
  b.initAll(1);
  c.initAll(2);
  CHECK(arenaCopy(a) == arenaCopy(b));
  CHECK(arenaCopy(a) != arenaCopy(c));
  double bound = 1 / std::sqrt(3.0);
  for (float w : a.view("fc.weight"))
    CHECK(std::abs(w) < bound);
  for (float x : a.view("fc.bias"))
    CHECK(std::abs(x) < bound);
  CHECK(a.view("scale")[0] == 1.0f);
}

TEST_CASE("a tensor's values do not depend on the other tensors or order") {
  Manifest m = parseManifest(nnc_model.manifest);
  std::string reordered = nnc_model.manifest;
  // Move fc.bias to the front: its offset changes, its values must not.
  Manifest r = m;
  r.tensors = {m.tensors[1], m.tensors[0]};
  r.tensors[0].offset = 0;
  r.tensors[1].offset = 2;
  ParamStore a(m), b(r);
  a.initAll(5);
  b.initAll(5);
  CHECK(
      std::vector<float>(a.view("fc.bias").begin(), a.view("fc.bias").end()) ==
      std::vector<float>(b.view("fc.bias").begin(), b.view("fc.bias").end()));
  CHECK(std::vector<float>(a.view("fc.weight").begin(),
                           a.view("fc.weight").end()) ==
        std::vector<float>(b.view("fc.weight").begin(),
                           b.view("fc.weight").end()));
}

TEST_CASE("save and load round trip") {
  ScratchDir dir("store_round_trip");
  Manifest m = parseManifest(nnc_model.manifest);
  ParamStore a(m), b(m);
  a.initAll(3);
  a.save(dir.file("p.safetensors"));
  SafeTensorsFile file = readSafeTensors(dir.file("p.safetensors"));
  CHECK(file.metadata.at("format") == "pt");
  CHECK(file.entries.size() == 3);
  b.load(dir.file("p.safetensors"));
  CHECK(arenaCopy(a) == arenaCopy(b));
}

TEST_CASE("load refuses files that do not fit the model, arena untouched") {
  ScratchDir dir("store_bad");
  Manifest m = parseManifest(nnc_model.manifest);
  ParamStore store(m);
  store.initAll(4);
  std::vector<float> before = arenaCopy(store);
  int checked = 0;
  for (const BadFile &bad : badFiles()) {
    if (bad.kind != BadKind::Load && bad.kind != BadKind::SafeTensors)
      continue;
    CAPTURE(bad.name);
    std::string path = dir.file(bad.name);
    writeBytesFile(path, bad.bytes);
    NNRT_CHECK_ERROR(store.load(path), path + ": " + bad.fragment);
    CHECK(arenaCopy(store) == before);
    ++checked;
  }
  CHECK(checked == 16);
}
