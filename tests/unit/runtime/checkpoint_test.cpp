//===- checkpoint_test.cpp - Checkpoints: contents, resume, refusals ------===//
//
// What a checkpoint holds (names after PyTorch's optimizer state, metadata,
// the CRC-32 of its data); a save/load round trip; 2 epochs + a resumed 3rd
// equal 3 epochs bit for bit (and do not without the optimizer state);
// truncated, corrupted, foreign and mismatched checkpoints are refused with
// the trainer untouched; parameter loading accepts checkpoints; and an
// atomic write killed with SIGKILL never leaves a torn file.
//
//===----------------------------------------------------------------------===//
#include "nnrt/checkpoint.h"
#include "nnrt/file_io.h"
#include "test_util.h"
#include "train_test_util.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <zlib.h>

using namespace nnrt;
using namespace nnrt::testing;
using nlohmann::json;

namespace {

constexpr int64_t kArena = 10;

std::vector<float> stateOf(const Trainer &trainer) {
  return {trainer.state(), trainer.state() + 3 * kArena};
}

void trainEpochs(Trainer &trainer, DataLoader &loader, int64_t from,
                 int64_t to) {
  for (int64_t epoch = from; epoch < to; ++epoch) {
    loader.startEpoch(uint64_t(epoch));
    Batch batch;
    while (loader.next(batch))
      trainer.step(batch);
  }
}

CheckpointInfo infoAt(int64_t epoch, const Dataset &data) {
  CheckpointInfo info;
  info.epoch = epoch;
  info.seed = 11;
  info.data = {3,           true,     0.0,
               data.size(), "global", Normalization{{0.25f}, {1.5f}}};
  return info;
}

std::string fileText(const std::string &path) {
  std::vector<uint8_t> bytes = readFile(path);
  return std::string(bytes.begin(), bytes.end());
}

uint32_t dataCrc(const SafeTensorsFile &file) {
  return uint32_t(crc32(0, file.bytes.data() + file.dataStart,
                        uInt(file.bytes.size() - file.dataStart)));
}

// A trainer of the fake model that has taken a few steps, so that its
// parameters and state are not what any checkpoint holds.
struct Busy {
  FakeCode fake;
  std::unique_ptr<Model> model;
  std::unique_ptr<Trainer> trainer;

  explicit Busy(FakeCode code, const OptimizerConfig *optimizer = nullptr)
      : fake(std::move(code)), model(std::make_unique<Model>(fake.code)) {
    model->params().initAll(99);
    trainer = std::make_unique<Trainer>(
        *model, optimizer ? *optimizer : model->manifest().training->optimizer);
    Dataset data = linearDataset(6, false);
    DataLoader loader(data, {.batchSize = 2, .seed = 4});
    trainEpochs(*trainer, loader, 0, 1);
  }
};

// Loading `path` into `busy` fails with a message that names the file and
// contains `fragment`, and leaves parameters, state and steps as they were.
void checkRefused(Busy &busy, const std::string &path,
                  const std::string &fragment) {
  std::vector<float> arena = arenaOf(*busy.model);
  std::vector<float> state = stateOf(*busy.trainer);
  int64_t steps = busy.trainer->steps();
  std::string message = errorOf([&] { loadCheckpoint(path, *busy.trainer); });
  INFO("message: ", message);
  CHECK(message.starts_with(path + ": "));
  CHECK(message.find(fragment) != std::string::npos);
  CHECK(arenaOf(*busy.model) == arena);
  CHECK(stateOf(*busy.trainer) == state);
  CHECK(busy.trainer->steps() == steps);
}

std::string goodCheckpoint(const ScratchDir &dir, const Busy &source) {
  std::string path = dir.file("good.safetensors");
  saveCheckpoint(path, *source.trainer, infoAt(1, linearDataset(6, false)));
  return path;
}

// `good` plus a tensor `head.bias`, with a checksum that matches, so that
// only the name is wrong.
std::string withExtraTensor(const std::string &good, const std::string &path) {
  SafeTensorsFile file = readSafeTensors(good);
  std::vector<F32Tensor> tensors;
  for (const SafeTensorEntry &entry : file.entries)
    tensors.push_back({entry.name, entry.shape,
                       reinterpret_cast<const float *>(file.data(entry))});
  static const float extra[1] = {1.0f};
  tensors.push_back({"head.bias", {1}, extra});
  std::string encoded = encodeSafeTensors(tensors, {});
  SafeTensorsFile probe;
  probe.bytes.assign(encoded.begin(), encoded.end());
  uint64_t headerLength;
  std::memcpy(&headerLength, encoded.data(), 8);
  probe.dataStart = 8 + headerLength;
  char crc[9];
  std::snprintf(crc, sizeof crc, "%08x", dataCrc(probe));
  std::map<std::string, std::string> metadata = file.metadata;
  metadata["nnc.crc32"] = crc;
  writeSafeTensors(path, tensors, metadata);
  return path;
}

} // namespace

TEST_CASE("a checkpoint holds parameters, PyTorch-named state and metadata") {
  ScratchDir dir("ckpt_contents");
  Dataset data = linearDataset(12, false);
  Model model(linkedModelCode());
  model.params().initAll(1);
  Trainer trainer(model, defaultOptimizer(OptimizerKind::Adam));
  DataLoader loader(data, {.batchSize = 3, .seed = 11});
  trainEpochs(trainer, loader, 0, 1);
  std::string path = dir.file("c.safetensors");
  saveCheckpoint(path, trainer, infoAt(1, data));
  SafeTensorsFile file = readSafeTensors(path);
  std::vector<std::string> names;
  for (const SafeTensorEntry &entry : file.entries)
    names.push_back(entry.name);
  CHECK(names == std::vector<std::string>{"fc.weight", "fc.bias", "scale",
                                          "optimizer.exp_avg.fc.weight",
                                          "optimizer.exp_avg.fc.bias",
                                          "optimizer.exp_avg_sq.fc.weight",
                                          "optimizer.exp_avg_sq.fc.bias"});
  CHECK(file.metadata.at("format") == "pt");
  CHECK(file.metadata.at("nnc.step") == "4");
  CHECK(file.metadata.at("nnc.epoch") == "1");
  CHECK(file.metadata.at("nnc.seed") == "11");
  CHECK(file.metadata.at("nnc.model") == "Fake");
  CHECK(json::parse(file.metadata.at("nnc.optimizer"))["name"] == "Adam");
  CHECK(json::parse(file.metadata.at("nnc.data"))["train_samples"] == 12);
  char crc[9];
  std::snprintf(crc, sizeof crc, "%08x", dataCrc(file));
  CHECK(file.metadata.at("nnc.crc32") == crc);
  const SafeTensorEntry *avgSq = file.find("optimizer.exp_avg_sq.fc.bias");
  std::span<float> slot2 =
      trainer.stateView(2, *model.manifest().findTensor("fc.bias"));
  CHECK(std::memcmp(file.data(*avgSq), slot2.data(), 8) == 0);
  CHECK(slot2[0] > 0.0f);

  Trainer plain(model, OptimizerConfig{});
  saveCheckpoint(path, plain, infoAt(0, data));
  CHECK(readSafeTensors(path).entries.size() == 3); // SGD without momentum
  Trainer momentum(model, model.manifest().training->optimizer);
  saveCheckpoint(path, momentum, infoAt(0, data));
  CHECK(readSafeTensors(path).find("optimizer.momentum_buffer.fc.weight"));
  CHECK_FALSE(readSafeTensors(path).find("optimizer.momentum_buffer.scale"));
}

TEST_CASE("a checkpoint round-trips parameters, state, steps and metadata") {
  ScratchDir dir("ckpt_roundtrip");
  Dataset data = linearDataset(12, false);
  Model model(linkedModelCode());
  model.params().initAll(1);
  OptimizerConfig adamw = defaultOptimizer(OptimizerKind::AdamW);
  Trainer trainer(model, adamw);
  DataLoader loader(data, {.batchSize = 3, .seed = 11});
  trainEpochs(trainer, loader, 0, 2);
  std::string path = dir.file("c.safetensors");
  saveCheckpoint(path, trainer, infoAt(2, data));

  Model restored(linkedModelCode());
  Trainer again(restored, adamw);
  CheckpointInfo info = loadCheckpoint(path, again);
  CHECK(arenaOf(restored) == arenaOf(model));
  std::vector<float> want = stateOf(trainer), got = stateOf(again);
  std::fill(want.begin(), want.begin() + kArena, 0.0f); // gradients: zeroed
  CHECK(got == want);
  CHECK(again.steps() == 8);
  CHECK(info.step == 8);
  CHECK(info.epoch == 2);
  CHECK(info.seed == 11);
  CHECK(info.optimizer == adamw);
  CHECK(info.data.batch == 3);
  CHECK(info.data.trainSamples == 12);
  CHECK(info.data.normalize == "global");
  REQUIRE(info.data.normalization);
  CHECK(info.data.normalization->mean == std::vector<float>{0.25f});
  CHECK(info.data.normalization->std == std::vector<float>{1.5f});
}

TEST_CASE("2 epochs and a resumed 3rd equal 3 epochs bit for bit") {
  ScratchDir dir("ckpt_resume");
  Dataset data = linearDataset(10, false);
  OptimizerConfig optimizer = parseManifest(nnc_model.manifest)
                                  .training->optimizer; // SGD, momentum 0.9
  Model straight(linkedModelCode());
  straight.params().initAll(9);
  Trainer a(straight, optimizer);
  DataLoader loaderA(data, {.batchSize = 3, .seed = 5});
  trainEpochs(a, loaderA, 0, 3);

  Model first(linkedModelCode());
  first.params().initAll(9);
  Trainer b(first, optimizer);
  DataLoader loaderB(data, {.batchSize = 3, .seed = 5});
  trainEpochs(b, loaderB, 0, 2);
  std::string path = dir.file("c.safetensors");
  saveCheckpoint(path, b, infoAt(2, data));

  Model resumed(linkedModelCode());
  Trainer c(resumed, optimizer);
  CheckpointInfo info = loadCheckpoint(path, c);
  DataLoader loaderC(data, {.batchSize = 3, .seed = 5});
  trainEpochs(c, loaderC, info.epoch, 3);
  CHECK(std::memcmp(resumed.params().arena(), straight.params().arena(),
                    kArena * sizeof(float)) == 0);
  CHECK(std::memcmp(c.state() + kArena, a.state() + kArena,
                    2 * kArena * sizeof(float)) == 0);
  CHECK(c.steps() == a.steps());

  // The check can fail: parameters alone, without the momentum buffers, do
  // not continue the same run.
  Model paramsOnly(linkedModelCode());
  paramsOnly.params().load(path);
  Trainer d(paramsOnly, optimizer);
  d.setSteps(info.step);
  DataLoader loaderD(data, {.batchSize = 3, .seed = 5});
  trainEpochs(d, loaderD, 2, 3);
  CHECK(arenaOf(paramsOnly) != arenaOf(straight));
}

TEST_CASE("damaged checkpoints are refused and change nothing") {
  ScratchDir dir("ckpt_damaged");
  Busy source(fakeCode([](json &) {}));
  std::string good = goodCheckpoint(dir, source);
  std::string bytes = fileText(good);
  Busy target(fakeCode([](json &) {}));

  std::string cut = dir.file("cut.safetensors");
  writeBytesFile(cut, bytes.substr(0, bytes.size() - 20));
  checkRefused(target, cut, "go past the end of the data");
  writeBytesFile(cut, bytes.substr(0, 5));
  checkRefused(target, cut,
               "file is 5 bytes, too short for the 8-byte header length");
  std::string flipped = dir.file("flipped.safetensors");
  std::string corrupt = bytes;
  corrupt[corrupt.size() - 7] ^= 0x10;
  writeBytesFile(flipped, corrupt);
  checkRefused(target, flipped, "checksum mismatch: the data has CRC-32 ");
  corrupt = bytes;
  corrupt[9] ^= 0x40; // inside the JSON header
  writeBytesFile(flipped, corrupt);
  checkRefused(target, flipped, "header is not valid JSON");
  std::string params = dir.file("params.safetensors");
  source.model->params().save(params);
  checkRefused(target, params, "not a training checkpoint");
}

TEST_CASE("checkpoints of another model or optimizer are refused") {
  ScratchDir dir("ckpt_foreign");
  Busy source(fakeCode([](json &) {}));
  std::string good = goodCheckpoint(dir, source);
  Busy renamed(
      fakeCode([](json &doc) { doc["tensors"][0]["name"] = "lin.weight"; }));
  checkRefused(renamed, good, "missing tensor `lin.weight`");
  Busy reshaped(fakeCode([](json &doc) {
    doc["tensors"][2]["shape"] = {1, 2};
  }));
  checkRefused(reshaped, good,
               "tensor `scale`: shape [2] in file, model expects [1, 2]");
  OptimizerConfig adam = defaultOptimizer(OptimizerKind::Adam);
  Busy other(fakeCode([](json &) {}), &adam);
  checkRefused(other, good,
               "the checkpoint was trained with SGD(lr=0.1, momentum=0.9, "
               "dampening=0, nesterov=false, weight_decay=0), but this run "
               "uses Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, "
               "weight_decay=0)");
  Busy target(fakeCode([](json &) {}));
  checkRefused(target, withExtraTensor(good, dir.file("extra.safetensors")),
               "unexpected tensor `head.bias`");
}

TEST_CASE("checkpoints from another data order are refused on resume") {
  ScratchDir dir("ckpt_order");
  Busy source(fakeCode([](json &) {}));
  Dataset data = linearDataset(6, false);
  std::string path = dir.file("c.safetensors");
  saveCheckpoint(path, *source.trainer, infoAt(1, data));
  LoadedCheckpoint checkpoint = readCheckpoint(path, *source.trainer);
  DataState same = checkpoint.info.data;
  checkDataOrder(checkpoint, 11, same);
  NNRT_CHECK_ERROR(checkDataOrder(checkpoint, 12, same),
                   path + ": the checkpoint was trained with --seed 11, this "
                          "run has --seed 12; resuming needs the same batch "
                          "order");
  DataState batch = same;
  batch.batch = 4;
  NNRT_CHECK_ERROR(checkDataOrder(checkpoint, 11, batch),
                   "trained with --batch 3, this run has --batch 4");
  DataState fewer = same;
  fewer.trainSamples = 5;
  NNRT_CHECK_ERROR(checkDataOrder(checkpoint, 11, fewer),
                   "trained with 6 training samples, this run has 5");
}

TEST_CASE("parameter loading accepts a checkpoint and checks its checksum") {
  ScratchDir dir("ckpt_params");
  Busy source(fakeCode([](json &) {}));
  std::string path = dir.file("c.safetensors");
  saveCheckpoint(path, *source.trainer, infoAt(1, linearDataset(6, false)));
  Model model(linkedModelCode());
  model.params().load(path);
  CHECK(arenaOf(model) == arenaOf(*source.model));

  std::string bytes = fileText(path);
  bytes[bytes.size() - 1] ^= 0x01;
  std::string flipped = dir.file("flipped.safetensors");
  writeBytesFile(flipped, bytes);
  Model other(linkedModelCode());
  NNRT_CHECK_ERROR(other.params().load(flipped),
                   flipped + ": checksum mismatch");
  CHECK(arenaOf(other) == std::vector<float>(kArena, 0.0f));

  // Outside a checkpoint an `optimizer.` name is just an unknown tensor.
  float value[6] = {};
  std::string plain = dir.file("plain.safetensors");
  writeSafeTensors(plain, {{"optimizer.exp_avg.fc.weight", {2, 3}, value}},
                   {{"format", "pt"}});
  NNRT_CHECK_ERROR(other.params().load(plain),
                   "unexpected tensor `optimizer.exp_avg.fc.weight`");
}

TEST_CASE("an atomic write killed with SIGKILL never leaves a torn file") {
  ScratchDir dir("atomic_kill");
  std::string path = dir.file("big.bin");
  const size_t size = size_t(16) << 20;
  std::string a(size, 'a'), b(size, 'b');
  writeFileAtomic(path, {a});
  for (int round = 0; round < 6; ++round) {
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      try {
        for (int i = 0;; ++i) // rewrite the file until killed
          writeFileAtomic(path,
                          {i % 2 ? std::string_view(a) : std::string_view(b)});
      } catch (...) {
        ::_exit(1);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + 17 * round));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));
    std::vector<uint8_t> bytes = readFile(path);
    REQUIRE(bytes.size() == size);
    bool allA = std::all_of(bytes.begin(), bytes.end(),
                            [](uint8_t c) { return c == 'a'; });
    bool allB = std::all_of(bytes.begin(), bytes.end(),
                            [](uint8_t c) { return c == 'b'; });
    CHECK((allA || allB));
    std::filesystem::remove(path + ".tmp." + std::to_string(child));
  }
}
