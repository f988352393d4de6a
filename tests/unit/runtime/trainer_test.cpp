//===- trainer_test.cpp - The training manifest, targets and steps --------===//
//
// The manifest's `training` object and its refusals; the Trainer on the fake
// model: one-hot targets (checked through the fake's MSE loss, which sees
// them), refused labels and targets that leave the parameters untouched, a
// loss that falls on a dataset the model can fit, and evaluation that is
// independent of the batch size and changes nothing.
//
//===----------------------------------------------------------------------===//
#include "nnrt/trainer.h"
#include "test_util.h"
#include "train_test_util.h"

#include <cmath>

using namespace nnrt;
using namespace nnrt::testing;
using nlohmann::json;

namespace {

std::string manifestWith(const std::function<void(json &)> &edit) {
  return *fakeCode(edit).manifest;
}

Batch firstBatch(const Dataset &data, int64_t size) {
  DataLoader loader(data, {.batchSize = size, .shuffle = false});
  Batch batch;
  REQUIRE(loader.next(batch));
  return batch;
}

// Mean training loss of one pass over `data`, stepping as it goes.
double trainEpoch(Trainer &trainer, DataLoader &loader, uint64_t epoch) {
  loader.startEpoch(epoch);
  Batch batch;
  double sum = 0;
  int64_t samples = 0;
  while (loader.next(batch)) {
    StepResult step = trainer.step(batch);
    sum += double(step.loss) * double(step.size);
    samples += step.size;
  }
  return sum / double(samples);
}

} // namespace

TEST_CASE("the fake model's training object") {
  Manifest m = parseManifest(nnc_model.manifest);
  REQUIRE(m.training);
  const TrainingSpec &t = *m.training;
  CHECK(t.loss == "mse");
  CHECK(t.lossSource == "mse(output, target)");
  CHECK_FALSE(t.classTargets);
  CHECK(formatDims(t.target.shape) == "[B, 2]");
  CHECK(t.optimizer.kind == OptimizerKind::SGD);
  CHECK(t.optimizer.lr == 0.1);
  CHECK(t.optimizer.momentum == 0.9);
  CHECK(t.batch == 4);
  CHECK(t.epochs == 3);
  CHECK(t.shuffle);
  CHECK(t.normalize == "none");
  CHECK_FALSE(t.data);
  CHECK(t.numClasses() == 0);
  Manifest classes = parseManifest(*classFakeCode().manifest);
  CHECK(classes.training->numClasses() == 2);
  Manifest untrained = parseManifest(manifestWith([](json &doc) {
    doc.erase("training");
    doc["train"] = {{"loss", "mse"}}; // older manifests: ignored
  }));
  CHECK_FALSE(untrained.training);
}

TEST_CASE("bad training objects are refused with a reason") {
  auto refused = [](const std::function<void(json &)> &edit) {
    return errorOf([&] { parseManifest(manifestWith(edit)); });
  };
  auto training = [](json &doc) -> json & { return doc["training"]; };
  CHECK(refused([&](json &d) { training(d).erase("loss"); }) ==
        "manifest: training has no `loss`");
  CHECK(refused([&](json &d) { training(d) = 3; }) ==
        "manifest: `training` is not an object");
  CHECK(refused([&](json &d) { training(d)["optimizer"]["name"] = "LBFGS"; }) ==
        "manifest: training.optimizer: unknown optimizer `LBFGS`: nnc has "
        "SGD, Adam and AdamW");
  CHECK(refused([&](json &d) { training(d)["optimizer"]["lr"] = -1; }) ==
        "manifest: training.optimizer: Invalid learning rate: -1.0");
  CHECK(refused([&](json &d) { training(d)["optimizer"].erase("momentum"); }) ==
        "manifest: training.optimizer has no `momentum`");
  CHECK(refused([&](json &d) {
          training(d)["target"]["shape"] = {"B", 3};
        }) ==
        "manifest: training: target `target` has shape [B, 3], but output "
        "`y` has shape [B, 2]");
  CHECK(refused([&](json &d) {
          training(d)["class_targets"] = true;
          training(d)["target"]["shape"] = {"B*2"};
          d["outputs"][0]["shape"] = {"B*2"};
        }) == "manifest: training: class targets need a target of shape "
              "[B, C] with a constant C, got [B*2]");
  CHECK(refused([&](json &d) { training(d)["batch"] = 0; }) ==
        "manifest: training: `batch` must be at least 1, got 0");
  CHECK(refused([&](json &d) {
          training(d)["validation"] = 1.0;
        }).find("manifest: training: `validation` must be in [0, 1)") == 0);
  CHECK(refused([&](json &d) { training(d)["normalize"] = "zscore"; }) ==
        "manifest: training: `normalize` must be none, global or "
        "per_feature, got `zscore`");
  CHECK(refused([&](json &d) { training(d)["shuffle"] = "yes"; }) ==
        "manifest: training: `shuffle` has the wrong type");
  CHECK(refused([&](json &d) { training(d)["data"] = 5; }) ==
        "manifest: training: `data` has the wrong type");
}

TEST_CASE("a model without a train block cannot train") {
  FakeCode untrained = untrainedFakeCode();
  Model model(untrained.code);
  NNRT_CHECK_ERROR(Trainer(model, OptimizerConfig{}),
                   "this model has no train block with a loss; add `train { "
                   "loss = ... }` to the .nnm");
  // A manifest that promises training, code that lacks it: a broken build.
  FakeCode broken = fakeCode([](json &) {});
  broken.code.trainStep = nullptr;
  Model brokenModel(broken.code);
  NNRT_CHECK_ERROR(requireTraining(brokenModel),
                   "has a `training` object, but the executable lacks the "
                   "training entry points");
}

TEST_CASE("class labels become one-hot rows of the target") {
  FakeCode fake = classFakeCode();
  Model model(fake.code);
  model.params().initAll(3);
  Trainer trainer(model, model.manifest().training->optimizer);
  Dataset data = linearDataset(6, true);
  Batch batch = firstBatch(data, 6);
  StepResult result = trainer.step(batch);
  // The fake's loss is mse(y, target), over outputs computed before the
  // update: recompute it with the one-hot rows the labels must have become.
  const std::vector<float> &y = trainer.outputs()[0].data;
  double sum = 0;
  for (size_t k = 0; k < 6; ++k)
    for (int64_t c = 0; c < 2; ++c) {
      double diff = y[k * 2 + size_t(c)] - (batch.labels[k] == c ? 1.0 : 0.0);
      sum += diff * diff;
    }
  CHECK(result.loss == doctest::Approx(sum / 12).epsilon(1e-6));
  CHECK(result.size == 6);
  int64_t correct = 0;
  for (size_t k = 0; k < 6; ++k)
    correct += (y[k * 2 + 1] > y[k * 2] ? 1 : 0) == batch.labels[k];
  CHECK(result.correct == correct);
  CHECK(trainer.outputs().back().shape == std::vector<int64_t>{1});
  CHECK(trainer.steps() == 1);
}

TEST_CASE("refused targets leave parameters, state and steps untouched") {
  FakeCode fake = classFakeCode();
  Model classModel(fake.code);
  classModel.params().initAll(1);
  Trainer classTrainer(classModel, classModel.manifest().training->optimizer);
  std::vector<float> before = arenaOf(classModel);

  Batch labels = firstBatch(linearDataset(4, true), 4);
  labels.labels[1] = 2;
  NNRT_CHECK_ERROR(classTrainer.step(labels),
                   "label 2 of sample 1 is out of range for 2 classes (0..1)");
  labels.labels[1] = -1;
  NNRT_CHECK_ERROR(classTrainer.step(labels), "label -1 of sample 1");
  Batch values = firstBatch(linearDataset(4, false), 4);
  NNRT_CHECK_ERROR(classTrainer.step(values),
                   "the loss `mse` takes class labels, but the data has float "
                   "targets of shape [2] per sample");
  CHECK(arenaOf(classModel) == before);
  CHECK(classTrainer.steps() == 0);

  Model model(linkedModelCode());
  Trainer trainer(model, model.manifest().training->optimizer);
  NNRT_CHECK_ERROR(trainer.step(firstBatch(linearDataset(4, true), 4)),
                   "the loss `mse` takes float targets of shape [B, 2] ([2] "
                   "per sample), but the data has class labels");
  Batch wide = values;
  wide.targetShape = {4, 3};
  wide.targets.resize(12, 0.0f);
  NNRT_CHECK_ERROR(trainer.step(wide),
                   "the data's targets have shape [3] per sample, but the "
                   "loss `mse` takes a target of shape [B, 2] ([2] per "
                   "sample)");
  Batch narrowInput = values;
  narrowInput.inputShape = {4, 2};
  NNRT_CHECK_ERROR(trainer.step(narrowInput),
                   "input `x`: expected shape [B, 3], got [4, 2]");
  for (size_t j = 0; j < 30; ++j)
    CHECK(trainer.state()[j] == 0.0f);
  CHECK(trainer.steps() == 0);
}

TEST_CASE("the training loss falls on data the model can fit") {
  for (OptimizerKind kind :
       {OptimizerKind::SGD, OptimizerKind::Adam, OptimizerKind::AdamW}) {
    CAPTURE(optimizerName(kind));
    Model model(linkedModelCode());
    model.params().initAll(5);
    OptimizerConfig optimizer = kind == OptimizerKind::SGD
                                    ? model.manifest().training->optimizer
                                    : defaultOptimizer(kind);
    if (kind != OptimizerKind::SGD)
      optimizer.lr = 0.05;
    Trainer trainer(model, optimizer);
    Dataset data = linearDataset(64, false);
    DataLoader loader(data, {.batchSize = 8, .seed = 7});
    double initial = trainer.evaluate(data, 64).loss;
    double first = trainEpoch(trainer, loader, 0);
    double last = first;
    for (uint64_t epoch = 1; epoch < 40; ++epoch)
      last = trainEpoch(trainer, loader, epoch);
    double final = trainer.evaluate(data, 64).loss;
    INFO("loss ", initial, " -> first epoch ", first, " -> last epoch ", last,
         " -> ", final);
    CHECK(last < 0.1 * first);
    CHECK(final < 0.01 * initial);
    CHECK(trainer.steps() == 40 * 8);
    CHECK(model.params().view("scale")[0] == 1.0f); // a buffer: untouched
    CHECK(model.params().view("scale")[1] == 1.0f);
  }
}

TEST_CASE("evaluation weighs batches by size and changes nothing") {
  FakeCode fake = classFakeCode();
  Model model(fake.code);
  model.params().initAll(2);
  Trainer trainer(model, model.manifest().training->optimizer);
  Dataset data = linearDataset(13, true);
  std::vector<float> before = arenaOf(model);
  EvalResult whole = trainer.evaluate(data, 13);
  EvalResult pieces = trainer.evaluate(data, 5); // 5 + 5 + 3
  CHECK(whole.samples == 13);
  CHECK(pieces.samples == 13);
  CHECK(pieces.loss == doctest::Approx(whole.loss).epsilon(1e-6));
  REQUIRE(whole.accuracy);
  CHECK(*pieces.accuracy == *whole.accuracy);
  // The outputs are those of the last batch: 3 rows of 2.
  CHECK(trainer.outputs()[0].data.size() == 6);
  CHECK(arenaOf(model) == before);
  CHECK(trainer.steps() == 0);
  Dataset empty = data.select({});
  NNRT_CHECK_ERROR(trainer.evaluate(empty, 4),
                   "linear-classes: no samples to evaluate");
  Model valuesModel(linkedModelCode());
  Trainer valuesTrainer(valuesModel,
                        valuesModel.manifest().training->optimizer);
  CHECK_FALSE(valuesTrainer.evaluate(linearDataset(4, false), 2).accuracy);
}
