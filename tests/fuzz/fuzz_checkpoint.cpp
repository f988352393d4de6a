//===- fuzz_checkpoint.cpp - Fuzzes the checkpoint reader -----------------===//
//
// The input is a checkpoint of the runtime tests' fake model (a Linear(3, 2)
// and a buffer, trained with SGD and momentum; tests/unit/runtime/
// fake_model.cpp, linked in). readCheckpoint checks it against one trainer
// made once; an accepted checkpoint is applied to that trainer and its data
// order compared with the trainer's, as `train --resume` does.
//
//===----------------------------------------------------------------------===//
#include "fuzz_util.h"
#include "nnrt/checkpoint.h"
#include "nnrt/model.h"

#include <memory>

using namespace nnrt;
using nnc::fuzz::accepts;

namespace {

struct FakeTrainer {
  Model model{linkedModelCode()};
  Trainer trainer{model, model.manifest().training->optimizer};
};

Trainer &trainer() {
  static FakeTrainer *fake = new FakeTrainer; // lives until exit
  return fake->trainer;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MemorySource source("ckpt.safetensors", nnc::fuzz::asText(data, size));
  accepts([&] {
    LoadedCheckpoint checkpoint = readCheckpoint(source, trainer());
    applyCheckpoint(checkpoint, trainer());
    DataState current;
    current.batch = 4;
    checkDataOrder(checkpoint, 0, current);
  });
  return 0;
}
