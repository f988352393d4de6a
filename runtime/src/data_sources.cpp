//===- data_sources.cpp - Datasets from IDX, MNIST directories, .npy ------===//
//
// The readers that pair an inputs file with a targets file, the MNIST
// directory layout, and loadData, which turns a `--data` argument into
// splits and then applies the options in a fixed order: labels checked,
// samples reshaped, validation cut, normalisation computed on what is left
// for training and applied to every split.
//
//===----------------------------------------------------------------------===//
#include "nnrt/data.h"
#include "nnrt/data_idx.h"
#include "nnrt/error.h"
#include "nnrt/npy.h"

#include <cstdio>
#include <filesystem>

namespace nnrt {
namespace {

namespace fs = std::filesystem;

void checkSameCount(int64_t inputs, int64_t targets, const std::string &inPath,
                    const std::string &targetPath, const char *what) {
  if (inputs != targets)
    throw Error(inPath + " has " + std::to_string(inputs) + " samples, but " +
                targetPath + " has " + std::to_string(targets) + " " + what);
}

std::string hex32(uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08X", value);
  return text;
}

// The file `name` or `name.gz` in `dir`, or "" when neither exists.
std::string findMnistFile(const fs::path &dir, const std::string &name) {
  for (const std::string &candidate : {name, name + ".gz"})
    if (fs::is_regular_file(dir / candidate))
      return (dir / candidate).string();
  return "";
}

template <typename T> std::vector<int64_t> widen(const std::vector<T> &values) {
  return std::vector<int64_t>(values.begin(), values.end());
}

std::vector<float> npyInputs(const NpyArray &array, const std::string &path,
                             bool scaleBytes) {
  if (array.fileDtype == NpyDType::U8) {
    const auto &bytes = std::get<std::vector<uint8_t>>(array.data);
    std::vector<float> values(bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i)
      values[i] = scaleBytes ? float(bytes[i]) / 255.0f : float(bytes[i]);
    return values;
  }
  if (array.fileDtype == NpyDType::I64 || array.fileDtype == NpyDType::I32)
    throw Error(path + ": inputs must be '<f4', '<f8' or '|u1', not an "
                       "integer array");
  return array.floats(path);
}

void applyOptions(DataSplits &splits, const DataOptions &options) {
  std::vector<Dataset *> all = {&splits.train};
  if (splits.test)
    all.push_back(&*splits.test);
  for (Dataset *data : all) {
    if (options.numClasses > 0)
      checkLabels(*data, options.numClasses);
    if (!options.sampleShape.empty())
      reshapeSamples(*data, options.sampleShape);
  }
  if (options.validationFraction > 0) {
    auto [train, validation] =
        splitValidation(splits.train, options.validationFraction, options.seed);
    splits.train = std::move(train);
    splits.validation = std::move(validation);
  }
  std::optional<Normalization> norm = options.normalization;
  if (!norm && options.normalize != NormalizeMode::None)
    norm = computeNormalization(splits.train,
                                options.normalize == NormalizeMode::PerFeature);
  if (!norm)
    return;
  applyNormalization(splits.train, *norm);
  if (splits.validation)
    applyNormalization(*splits.validation, *norm);
  if (splits.test)
    applyNormalization(*splits.test, *norm);
}

} // namespace

Dataset loadIdxPair(const std::string &inputsPath,
                    const std::string &labelsPath, bool scaleBytes) {
  IdxArray images = readIdx(inputsPath);
  IdxArray labels = readIdx(labelsPath);
  if (images.shape.size() < 2)
    throw Error(inputsPath +
                ": expected inputs [N, ...] (e.g. magic "
                "0x00000803 for [N, rows, cols] images), but magic " +
                hex32(images.magic()) + " is a 1-dimensional array (labels?)");
  if (labels.shape.size() != 1)
    throw Error(labelsPath +
                ": expected labels [N] (magic 0x00000801), but "
                "the file holds a " +
                std::to_string(labels.shape.size()) + "-dimensional array " +
                formatShape(labels.shape) + " (images?)");
  checkSameCount(images.shape[0], labels.shape[0], inputsPath, labelsPath,
                 "labels");
  Dataset data;
  data.source = inputsPath;
  data.targetSource = labelsPath;
  data.sampleShape.assign(images.shape.begin() + 1, images.shape.end());
  data.inputs = images.toFloats(scaleBytes);
  data.labels = labels.toIntegers(labelsPath);
  for (size_t i = 0; i < data.labels.size(); ++i)
    if (data.labels[i] < 0)
      throw Error(labelsPath + ": label " + std::to_string(data.labels[i]) +
                  " of sample " + std::to_string(i) + " is negative");
  return data;
}

DataSplits loadMnistDir(const std::string &dir, bool scaleBytes) {
  const char *kTrain[2] = {"train-images-idx3-ubyte",
                           "train-labels-idx1-ubyte"};
  const char *kTest[2] = {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
  std::string trainImages = findMnistFile(dir, kTrain[0]);
  std::string trainLabels = findMnistFile(dir, kTrain[1]);
  for (auto [found, name] :
       {std::pair{trainImages, kTrain[0]}, std::pair{trainLabels, kTrain[1]}})
    if (found.empty())
      throw Error(dir + ": no " + name + " (or " + name +
                  ".gz): a data directory holds MNIST's files " +
                  "train-{images-idx3,labels-idx1}-ubyte[.gz] and optionally "
                  "t10k-{images-idx3,labels-idx1}-ubyte[.gz]");
  DataSplits splits;
  splits.train = loadIdxPair(trainImages, trainLabels, scaleBytes);
  std::string testImages = findMnistFile(dir, kTest[0]);
  std::string testLabels = findMnistFile(dir, kTest[1]);
  if (testImages.empty() != testLabels.empty())
    throw Error(dir + ": has " + (testImages.empty() ? kTest[1] : kTest[0]) +
                " but not " + (testImages.empty() ? kTest[0] : kTest[1]));
  if (!testImages.empty())
    splits.test = loadIdxPair(testImages, testLabels, scaleBytes);
  return splits;
}

Dataset loadNpyPair(const std::string &inputsPath,
                    const std::string &targetsPath, bool scaleBytes) {
  NpyArray x = readNpy(inputsPath);
  NpyArray y = readNpy(targetsPath);
  if (x.shape.empty())
    throw Error(inputsPath + ": inputs must be [N, ...], not a scalar");
  if (y.shape.empty())
    throw Error(targetsPath + ": targets must be [N] or [N, ...], not a "
                              "scalar");
  checkSameCount(x.shape[0], y.shape[0], inputsPath, targetsPath, "targets");
  Dataset data;
  data.source = inputsPath;
  data.targetSource = targetsPath;
  data.sampleShape.assign(x.shape.begin() + 1, x.shape.end());
  data.inputs = npyInputs(x, inputsPath, scaleBytes);
  if (y.fileDtype == NpyDType::F32 || y.fileDtype == NpyDType::F64) {
    data.targetKind = TargetKind::Values;
    data.targetShape.assign(y.shape.begin() + 1, y.shape.end());
    data.targets = y.floats(targetsPath);
    return data;
  }
  if (y.shape.size() != 1)
    throw Error(targetsPath + ": class labels must be [N], got " +
                formatShape(y.shape) + " (save float targets for values)");
  data.labels = std::visit(
      [](const auto &values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        if constexpr (std::is_same_v<T, float>)
          return std::vector<int64_t>(); // excluded above
        else
          return widen(values);
      },
      y.data);
  for (size_t i = 0; i < data.labels.size(); ++i)
    if (data.labels[i] < 0)
      throw Error(targetsPath + ": label " + std::to_string(data.labels[i]) +
                  " of sample " + std::to_string(i) + " is negative");
  return data;
}

DataSplits loadData(const std::string &spec, const DataOptions &options) {
  DataSplits splits;
  size_t comma = spec.find(',');
  if (comma != std::string::npos) {
    std::string first = spec.substr(0, comma), second = spec.substr(comma + 1);
    if (first.ends_with(".npy"))
      splits.train = loadNpyPair(first, second, options.scaleBytes);
    else
      splits.train = loadIdxPair(first, second, options.scaleBytes);
  } else if (fs::is_directory(spec)) {
    splits = loadMnistDir(spec, options.scaleBytes);
  } else if (spec.ends_with(".csv") || spec.ends_with(".tsv")) {
    splits.train = loadCsv(spec, options.csv);
  } else if (!fs::exists(spec)) {
    throw Error(spec + ": no such file or directory");
  } else {
    throw Error(spec + ": cannot tell the format: give a directory with "
                       "MNIST's files, IMAGES,LABELS (IDX), X.npy,Y.npy or "
                       "a .csv file");
  }
  applyOptions(splits, options);
  return splits;
}

} // namespace nnrt
