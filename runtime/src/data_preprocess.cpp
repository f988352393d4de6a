//===- data_preprocess.cpp - Label checks, reshape, normalise, split ------===//
//
// The transformations between reading a dataset and batching it. Each works
// in place on one Dataset (splitValidation builds two new ones) and checks
// its precondition with a message that names the dataset's source.
// Statistics accumulate in double: a float sum over 47 million pixels would
// lose the mean's third digit.
//
//===----------------------------------------------------------------------===//
#include "nnrt/data.h"
#include "nnrt/error.h"

#include <cmath>
#include <cstring>

namespace nnrt {

//===----------------------------------------------------------------------===//
// Dataset
//===----------------------------------------------------------------------===//

int64_t Dataset::size() const {
  if (targetKind == TargetKind::ClassIndex)
    return int64_t(labels.size());
  if (int64_t perTarget = targetNumel(); perTarget > 0)
    return int64_t(targets.size()) / perTarget;
  int64_t perSample = sampleNumel(); // zero-sized targets: count inputs
  return perSample > 0 ? int64_t(inputs.size()) / perSample : 0;
}

int64_t Dataset::sampleNumel() const { return shapeNumel(sampleShape); }

int64_t Dataset::targetNumel() const {
  return targetKind == TargetKind::ClassIndex ? 1 : shapeNumel(targetShape);
}

Dataset Dataset::select(const std::vector<int64_t> &indices) const {
  Dataset out;
  out.source = source;
  out.targetSource = targetSource;
  out.sampleShape = sampleShape;
  out.targetKind = targetKind;
  out.targetShape = targetShape;
  size_t in = size_t(sampleNumel()), tn = size_t(targetNumel());
  out.inputs.resize(indices.size() * in);
  for (size_t k = 0; k < indices.size(); ++k) {
    size_t i = size_t(indices[k]);
    if (in > 0)
      std::memcpy(&out.inputs[k * in], &inputs[i * in], in * sizeof(float));
    if (targetKind == TargetKind::ClassIndex)
      out.labels.push_back(labels[i]);
    else
      out.targets.insert(out.targets.end(), targets.begin() + i * tn,
                         targets.begin() + (i + 1) * tn);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Checks and shapes
//===----------------------------------------------------------------------===//

void checkLabels(const Dataset &data, int64_t numClasses) {
  // The labels' own file, where they came from one (an IDX or .npy pair).
  const std::string &labels =
      data.targetSource.empty() ? data.source : data.targetSource;
  if (data.targetKind != TargetKind::ClassIndex)
    throw Error(labels +
                ": the targets are values, not class labels, "
                "but the model expects " +
                std::to_string(numClasses) + " classes");
  for (size_t i = 0; i < data.labels.size(); ++i)
    if (data.labels[i] < 0 || data.labels[i] >= numClasses)
      throw Error(labels + ": label " + std::to_string(data.labels[i]) +
                  " of sample " + std::to_string(i) + " is out of range for " +
                  std::to_string(numClasses) + " classes (0.." +
                  std::to_string(numClasses - 1) + ")");
}

void reshapeSamples(Dataset &data, const std::vector<int64_t> &shape) {
  int64_t have = data.sampleNumel(), want = shapeNumel(shape);
  for (int64_t dim : shape)
    if (dim < 0)
      throw Error(data.source + ": cannot reshape samples to " +
                  formatShape(shape) + ": negative dimension");
  if (have != want)
    throw Error(data.source + ": samples of shape " +
                formatShape(data.sampleShape) + " (" + std::to_string(have) +
                " elements) do not fit the model's input " +
                formatShape(shape) + " (" + std::to_string(want) +
                " elements)");
  data.sampleShape = shape;
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

Normalization computeNormalization(const Dataset &data, bool perFeature) {
  size_t width = perFeature ? size_t(data.sampleNumel()) : 1;
  size_t rows = width > 0 ? data.inputs.size() / width : 0;
  std::vector<double> sum(width, 0.0), sumSq(width, 0.0);
  for (size_t r = 0; r < rows; ++r)
    for (size_t f = 0; f < width; ++f) {
      double x = data.inputs[r * width + f];
      sum[f] += x;
      sumSq[f] += x * x;
    }
  Normalization norm;
  for (size_t f = 0; f < width; ++f) {
    double mean = rows > 0 ? sum[f] / double(rows) : 0.0;
    double var = rows > 0 ? sumSq[f] / double(rows) - mean * mean : 0.0;
    double stddev = std::sqrt(std::max(var, 0.0));
    norm.mean.push_back(float(mean));
    norm.std.push_back(stddev > 1e-12 ? float(stddev) : 1.0f);
  }
  return norm;
}

void normalizeSamples(std::span<float> values, int64_t sampleNumel,
                      const Normalization &norm, const std::string &source) {
  size_t width = norm.mean.size();
  if (width == 0 || norm.std.size() != width)
    throw Error(source + ": normalisation needs as many std values (" +
                std::to_string(norm.std.size()) + ") as means (" +
                std::to_string(width) + "), at least one");
  if (width != 1 && int64_t(width) != sampleNumel)
    throw Error(source + ": a normalisation of " + std::to_string(width) +
                " values does not fit samples of " +
                std::to_string(sampleNumel) + " elements");
  for (float s : norm.std)
    if (!(s > 0) || !std::isfinite(s))
      throw Error(source + ": normalisation std must be positive and finite");
  for (float m : norm.mean)
    if (!std::isfinite(m))
      throw Error(source + ": normalisation mean must be finite");
  // Divide, as torchvision's Normalize does, rather than multiply by 1/std:
  // the results then match PyTorch's bit for bit.
  size_t rowLength = size_t(sampleNumel);
  if (rowLength == 0)
    return;
  for (size_t start = 0; start + rowLength <= values.size(); start += rowLength)
    for (size_t k = 0; k < rowLength; ++k) {
      size_t f = width == 1 ? 0 : k;
      float &x = values[start + k];
      x = (x - norm.mean[f]) / norm.std[f];
    }
}

void applyNormalization(Dataset &data, const Normalization &norm) {
  normalizeSamples(data.inputs, data.sampleNumel(), norm, data.source);
}

//===----------------------------------------------------------------------===//
// Validation split
//===----------------------------------------------------------------------===//

std::pair<Dataset, Dataset> splitValidation(const Dataset &data,
                                            double fraction, uint64_t seed) {
  if (!(fraction >= 0.0 && fraction < 1.0))
    throw Error(data.source + ": validation fraction " +
                std::to_string(fraction) + " is not in [0, 1)");
  int64_t n = data.size();
  int64_t held = int64_t(std::llround(fraction * double(n)));
  std::vector<int64_t> order = shuffledOrder(n, seed, 0, "validation");
  std::vector<int64_t> trainIdx(order.begin(), order.end() - held);
  std::vector<int64_t> validIdx(order.end() - held, order.end());
  return {data.select(trainIdx), data.select(validIdx)};
}

} // namespace nnrt
