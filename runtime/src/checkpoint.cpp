//===- checkpoint.cpp - Training checkpoints as one safetensors file ------===//
//
// The CRC-32 covers the data section exactly as written (tensors in header
// order, no gaps), so it is computed over the same buffers before the header
// is encoded and compared over the file's bytes after the header on load. A
// truncated file fails earlier, in readSafeTensors (offsets past the end).
//
//===----------------------------------------------------------------------===//
#include "nnrt/checkpoint.h"
#include "nnrt/error.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <set>
#include <zlib.h>

namespace nnrt {
namespace {

using nlohmann::json;

constexpr const char *kFormatVersion = "1";
constexpr const char *kStatePrefix = "optimizer.";

// Trainable parameters carry optimizer state; buffers and frozen ones don't.
bool hasState(const TensorSpec &spec) {
  return spec.kind == "param" && spec.trainable;
}

std::string stateName(const std::string &state, const std::string &tensor) {
  return kStatePrefix + state + "." + tensor;
}

// crc32 takes at most 4 GiB per call (uInt), so large tensors go in pieces.
uint32_t crcUpdate(uint32_t crc, const uint8_t *data, size_t size) {
  constexpr size_t kPiece = size_t(1) << 30;
  while (size > 0) {
    size_t n = std::min(size, kPiece);
    crc = uint32_t(crc32(crc, data, uInt(n)));
    data += n;
    size -= n;
  }
  return crc;
}

std::string hex32(uint32_t value) {
  char text[9];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

json dataToJson(const DataState &d) {
  json value = {{"batch", d.batch},
                {"shuffle", d.shuffle},
                {"validation", d.validation},
                {"train_samples", d.trainSamples},
                {"normalize", d.normalize}};
  if (d.normalization) {
    value["mean"] = d.normalization->mean;
    value["std"] = d.normalization->std;
  }
  return value;
}

// The integer `key` of nnc.data; a float is refused, not converted (1e300
// does not fit an int64_t: undefined behaviour).
int64_t integerAt(const json &value, const char *key) {
  const json &item = value.at(key);
  if (!item.is_number_integer())
    throw Error(std::string("nnc.data has no integer `") + key + "`");
  return item.get<int64_t>();
}

DataState dataFromJson(const json &value) {
  DataState d;
  d.batch = integerAt(value, "batch");
  d.shuffle = value.at("shuffle").get<bool>();
  d.validation = value.at("validation").get<double>();
  d.trainSamples = integerAt(value, "train_samples");
  d.normalize = value.at("normalize").get<std::string>();
  if (value.contains("mean"))
    d.normalization = Normalization{value.at("mean").get<std::vector<float>>(),
                                    value.at("std").get<std::vector<float>>()};
  return d;
}

const std::string &metadataValue(const SafeTensorsFile &file, const char *key) {
  auto it = file.metadata.find(key);
  if (it == file.metadata.end())
    throw Error(file.path + ": checkpoint metadata has no `" + key + "`");
  return it->second;
}

template <typename T>
T metadataNumber(const SafeTensorsFile &file, const char *key) {
  const std::string &text = metadataValue(file, key);
  T value{};
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    throw Error(file.path + ": checkpoint metadata `" + key + "` is `" + text +
                "`, not a number");
  return value;
}

void checkCrc(const SafeTensorsFile &file) {
  uint32_t actual = crcUpdate(uint32_t(crc32(0, nullptr, 0)),
                              file.bytes.data() + file.dataStart,
                              file.bytes.size() - file.dataStart);
  const std::string &recorded = metadataValue(file, "nnc.crc32");
  if (recorded != hex32(actual))
    throw Error(file.path + ": checksum mismatch: the data has CRC-32 " +
                hex32(actual) + ", the header records " + recorded +
                "; the file is corrupt");
}

// Everything the file must hold for this trainer, name -> shape.
std::vector<std::pair<std::string, std::vector<int64_t>>>
expectedTensors(const Trainer &trainer) {
  const Manifest &m = trainer.model().manifest();
  std::vector<std::pair<std::string, std::vector<int64_t>>> expected;
  for (const TensorSpec &spec : m.tensors)
    expected.emplace_back(spec.name, spec.shape);
  for (const std::string &state : optimizerStateNames(trainer.optimizer()))
    for (const TensorSpec &spec : m.tensors)
      if (hasState(spec))
        expected.emplace_back(stateName(state, spec.name), spec.shape);
  return expected;
}

void checkTensors(const SafeTensorsFile &file, const Trainer &trainer) {
  auto expected = expectedTensors(trainer);
  std::set<std::string> names;
  for (const auto &[name, shape] : expected) {
    names.insert(name);
    const SafeTensorEntry *entry = file.find(name);
    if (!entry)
      throw Error(file.path + ": missing tensor `" + name + "`");
    if (entry->shape != shape)
      throw Error(file.path + ": tensor `" + name + "`: shape " +
                  formatShape(entry->shape) + " in file, model expects " +
                  formatShape(shape));
    if (entry->dtype != DType::F32)
      throw Error(file.path + ": tensor `" + name + "`: dtype " +
                  dtypeName(entry->dtype) + ", expected F32");
  }
  for (const SafeTensorEntry &entry : file.entries)
    if (!names.count(entry.name))
      throw Error(file.path + ": unexpected tensor `" + entry.name +
                  "`: model `" + trainer.model().manifest().model + "` with " +
                  optimizerName(trainer.optimizer().kind) +
                  " has no tensor of that name");
}

// The inputs of a resumed run must be scaled as the checkpoint's were, or it
// trains on data its parameters have never seen.
void checkPreprocessing(const LoadedCheckpoint &checkpoint,
                        const DataState &current) {
  const DataState &saved = checkpoint.info.data;
  const std::string &path = checkpoint.file.path;
  if (saved.normalize != current.normalize)
    throw Error(path + ": the checkpoint was trained with --normalize " +
                saved.normalize + ", this run has --normalize " +
                current.normalize + "; resuming needs the same preprocessing");
  if (saved.normalization && current.normalization &&
      (saved.normalization->mean != current.normalization->mean ||
       saved.normalization->std != current.normalization->std))
    throw Error(path + ": the normalisation statistics of this data differ "
                       "from those the checkpoint was trained with; the data "
                       "changed, and resuming needs the same data (to train "
                       "on other data, start from the checkpoint with "
                       "--params)");
}

} // namespace

bool isOptimizerStateName(const std::string &name) {
  for (const char *state : {"momentum_buffer.", "exp_avg.", "exp_avg_sq."})
    if (name.starts_with(std::string(kStatePrefix) + state))
      return true;
  return false;
}

void saveCheckpoint(const std::string &path, const Trainer &trainer,
                    const CheckpointInfo &info) {
  const Manifest &m = trainer.model().manifest();
  const float *arena = trainer.model().params().arena();
  std::vector<F32Tensor> tensors;
  for (const TensorSpec &spec : m.tensors)
    tensors.push_back({spec.name, spec.shape, arena + spec.offset});
  std::vector<std::string> states = optimizerStateNames(trainer.optimizer());
  for (size_t s = 0; s < states.size(); ++s)
    for (const TensorSpec &spec : m.tensors)
      if (hasState(spec))
        tensors.push_back({stateName(states[s], spec.name), spec.shape,
                           trainer.stateView(int(s) + 1, spec).data()});
  uint32_t crc = uint32_t(crc32(0, nullptr, 0));
  for (const F32Tensor &tensor : tensors)
    crc = crcUpdate(crc, reinterpret_cast<const uint8_t *>(tensor.data),
                    size_t(shapeNumel(tensor.shape)) * sizeof(float));
  std::map<std::string, std::string> metadata = {
      {"format", "pt"},
      {"nnc.checkpoint", kFormatVersion},
      {"nnc.model", m.model},
      {"nnc.step", std::to_string(trainer.steps())},
      {"nnc.epoch", std::to_string(info.epoch)},
      {"nnc.seed", std::to_string(info.seed)},
      {"nnc.optimizer", optimizerToJson(trainer.optimizer()).dump()},
      {"nnc.data", dataToJson(info.data).dump()},
      {"nnc.crc32", hex32(crc)}};
  writeSafeTensors(path, tensors, metadata);
}

std::optional<CheckpointInfo> checkpointInfo(const SafeTensorsFile &file) {
  auto version = file.metadata.find("nnc.checkpoint");
  if (version == file.metadata.end())
    return std::nullopt;
  if (version->second != kFormatVersion)
    throw Error(file.path + ": checkpoint format `" + version->second +
                "` is not supported (this runtime reads " + kFormatVersion +
                ")");
  checkCrc(file);
  CheckpointInfo info;
  info.step = metadataNumber<int64_t>(file, "nnc.step");
  info.epoch = metadataNumber<int64_t>(file, "nnc.epoch");
  info.seed = metadataNumber<uint64_t>(file, "nnc.seed");
  if (info.step < 0 || info.epoch < 0)
    throw Error(file.path + ": checkpoint metadata has a negative step or "
                            "epoch");
  const char *key = "nnc.optimizer";
  try {
    info.optimizer =
        optimizerFromJson(json::parse(metadataValue(file, key)), key);
    key = "nnc.data";
    info.data = dataFromJson(json::parse(metadataValue(file, key)));
  } catch (const json::exception &e) {
    throw Error(file.path + ": checkpoint metadata `" + key +
                "` is not valid: " + e.what());
  } catch (const Error &e) {
    throw Error(file.path + ": checkpoint metadata: " + e.what());
  }
  return info;
}

LoadedCheckpoint readCheckpoint(ByteSource &source, const Trainer &trainer) {
  const std::string &path = source.name();
  LoadedCheckpoint checkpoint;
  checkpoint.file = readSafeTensors(source);
  std::optional<CheckpointInfo> info = checkpointInfo(checkpoint.file);
  if (!info)
    throw Error(path + ": not a training checkpoint (its __metadata__ has no "
                       "nnc.checkpoint); to start from these parameters, "
                       "pass --params instead of --resume");
  if (!(info->optimizer == trainer.optimizer()))
    throw Error(path + ": the checkpoint was trained with " +
                describeOptimizer(info->optimizer) + ", but this run uses " +
                describeOptimizer(trainer.optimizer()) +
                "; resume with the same optimizer settings");
  checkTensors(checkpoint.file, trainer);
  checkpoint.info = *info;
  return checkpoint;
}

LoadedCheckpoint readCheckpoint(const std::string &path,
                                const Trainer &trainer) {
  std::unique_ptr<ByteSource> source = openFile(path);
  return readCheckpoint(*source, trainer);
}

void checkDataOrder(const LoadedCheckpoint &checkpoint, uint64_t seed,
                    const DataState &current) {
  const CheckpointInfo &saved = checkpoint.info;
  auto differs = [&](const std::string &was, const std::string &is) {
    throw Error(checkpoint.file.path + ": the checkpoint was trained with " +
                was + ", this run has " + is +
                "; resuming needs the same batch order");
  };
  if (saved.seed != seed)
    differs("--seed " + std::to_string(saved.seed),
            "--seed " + std::to_string(seed));
  if (saved.data.batch != current.batch)
    differs("--batch " + std::to_string(saved.data.batch),
            "--batch " + std::to_string(current.batch));
  if (saved.data.shuffle != current.shuffle)
    differs(saved.data.shuffle ? "shuffling" : "no shuffling",
            current.shuffle ? "shuffling" : "no shuffling");
  if (saved.data.validation != current.validation)
    differs("--validation " + json(saved.data.validation).dump(),
            "--validation " + json(current.validation).dump());
  if (saved.data.trainSamples != current.trainSamples)
    differs(std::to_string(saved.data.trainSamples) + " training samples",
            std::to_string(current.trainSamples));
  checkPreprocessing(checkpoint, current);
}

void applyCheckpoint(const LoadedCheckpoint &checkpoint, Trainer &trainer) {
  const Manifest &m = trainer.model().manifest();
  const SafeTensorsFile &file = checkpoint.file;
  for (const TensorSpec &spec : m.tensors) {
    std::span<float> target = trainer.model().params().view(spec.name);
    std::memcpy(target.data(), file.data(*file.find(spec.name)),
                target.size_bytes());
  }
  std::memset(trainer.state(), 0, 3 * size_t(m.arenaElements) * sizeof(float));
  std::vector<std::string> states = optimizerStateNames(trainer.optimizer());
  for (size_t s = 0; s < states.size(); ++s)
    for (const TensorSpec &spec : m.tensors)
      if (hasState(spec)) {
        std::span<float> target = trainer.stateView(int(s) + 1, spec);
        const SafeTensorEntry *entry =
            file.find(stateName(states[s], spec.name));
        std::memcpy(target.data(), file.data(*entry), target.size_bytes());
      }
  trainer.setSteps(checkpoint.info.step);
}

CheckpointInfo loadCheckpoint(const std::string &path, Trainer &trainer) {
  LoadedCheckpoint checkpoint = readCheckpoint(path, trainer);
  applyCheckpoint(checkpoint, trainer);
  return checkpoint.info;
}

} // namespace nnrt
