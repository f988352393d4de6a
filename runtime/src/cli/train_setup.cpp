//===- train_setup.cpp - What `train` and `eval` share --------------------===//
//
// loadData does the reading, reshaping and splitting; normalisation is done
// here instead so that the statistics are known (a checkpoint records them
// and `eval` reapplies them to new data).
//
//===----------------------------------------------------------------------===//
#include "train_setup.h"
#include "nnrt/error.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace nnrt::cli {
namespace {

// The input's shape without its batch dimension, when every other dimension
// is a number; else empty (the file's shape is kept and binding checks it).
std::vector<int64_t> perSampleShape(const IoSpec &input) {
  std::vector<int64_t> shape;
  for (size_t d = 1; d < input.shape.size(); ++d) {
    if (!input.shape[d].symbols.empty())
      return {};
    shape.push_back(input.shape[d].constant);
  }
  return shape;
}

void checkTargets(const TrainingSpec &t, const Dataset &data) {
  std::string loss = "the loss `" + t.loss + "`";
  if (t.classTargets) {
    if (data.targetKind != TargetKind::ClassIndex)
      throw Error(data.source + ": " + loss +
                  " takes class labels, but the data has float targets of "
                  "shape " +
                  formatShape(data.targetShape) + " per sample");
    return;
  }
  IoSpec target = t.target;
  std::string wanted = "float targets of shape " + formatDims(target.shape);
  if (data.targetKind == TargetKind::ClassIndex)
    throw Error(data.source + ": " + loss + " takes " + wanted +
                ", but the data has class labels");
  std::vector<int64_t> perSample = perSampleShape(target);
  if (target.shape.size() > 1 && perSample.empty())
    return; // symbolic: checked batch by batch
  if (shapeNumel(perSample) != data.targetNumel())
    throw Error(data.source + ": targets of shape " +
                formatShape(data.targetShape) + " per sample do not fit " +
                loss + ", which takes " + wanted + " (" +
                std::to_string(shapeNumel(perSample)) + " per sample)");
}

} // namespace

std::string dataSpec(const TrainingSpec &spec, const std::string &flag) {
  if (!flag.empty())
    return flag;
  if (spec.data)
    return *spec.data;
  throw Error("no training data: pass --data DIR, IMAGES,LABELS, X.npy,Y.npy "
              "or FILE.csv (the model's train block names no `data`)");
}

std::vector<std::string> dataFiles(const std::string &spec) {
  std::vector<std::string> parts, files;
  for (size_t start = 0;;) {
    size_t comma = spec.find(',', start);
    parts.push_back(spec.substr(start, comma - start));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  for (const std::string &part : parts) {
    std::error_code ec;
    if (!std::filesystem::is_directory(part, ec)) {
      files.push_back(part);
      continue;
    }
    for (const auto &entry : std::filesystem::directory_iterator(part, ec))
      files.push_back(entry.path().string());
  }
  return files;
}

NormalizeMode parseNormalize(const std::string &name) {
  if (name == "none")
    return NormalizeMode::None;
  if (name == "global")
    return NormalizeMode::Global;
  if (name == "per_feature")
    return NormalizeMode::PerFeature;
  throw Error("normalize must be none, global or per_feature, not `" + name +
              "`");
}

LoadedData loadTrainingData(const Manifest &m, const DataRequest &request) {
  const TrainingSpec &t = *m.training;
  DataOptions options;
  options.csv.targets =
      t.classTargets ? TargetKind::ClassIndex : TargetKind::Values;
  options.sampleShape = perSampleShape(m.inputs.at(0));
  options.numClasses = t.numClasses();
  options.validationFraction = request.validation;
  options.seed = request.seed;
  LoadedData data;
  data.splits = loadData(request.spec, options);
  checkTargets(t, data.splits.train);
  if (data.splits.test)
    checkTargets(t, *data.splits.test);
  data.normalization = request.statistics;
  if (!data.normalization && request.normalize != NormalizeMode::None)
    data.normalization = computeNormalization(
        data.splits.train, request.normalize == NormalizeMode::PerFeature);
  if (!data.normalization)
    return data;
  applyNormalization(data.splits.train, *data.normalization);
  if (data.splits.validation)
    applyNormalization(*data.splits.validation, *data.normalization);
  if (data.splits.test)
    applyNormalization(*data.splits.test, *data.normalization);
  return data;
}

std::string formatMetric(double value) {
  char text[32];
  double magnitude = std::abs(value);
  bool exponent = std::isfinite(value) && value != 0 &&
                  (magnitude < 1e-3 || magnitude >= 1e5);
  std::snprintf(text, sizeof text, exponent ? "%.3e" : "%.4f", value);
  return text;
}

} // namespace nnrt::cli
