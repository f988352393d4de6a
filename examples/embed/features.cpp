// features.cpp: the two trained models through nnrt.hpp, the C++ wrapper of
// the C API. A forward hook on the residual classifier's `body` extracts
// 128 features per image, on which a nearest-centroid classifier is built;
// an exception thrown in a hook comes back out of the call; and the MLP is
// fine-tuned for a few steps, with a full backward hook reading its
// gradients.
//
//   features MLP.safetensors RESNET.safetensors IMAGES.gz LABELS.gz
#include "idx.h"
#include "mlp.h"
#include "resnet.h"

#include <nnrt.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr int64_t kSamples = 2000, kBatch = 250, kFeatures = 128, kClasses = 10;

// The features of `images` after the `body` of the residual classifier.
std::vector<float> bodyFeatures(nnrt::api::Model &resnet, const std::vector<float> &images) {
  std::vector<float> features;
  int64_t hook = resnet.addForwardHook("body", [&](const nnrt::api::HookCall &call) {
    const nnrt::api::HookTensor &out = call.outputs.at(0);
    features.insert(features.end(), out.data.begin(), out.data.end());
    return 0;
  });
  for (int64_t start = 0; start < kSamples; start += kBatch)
    resnet.forward({{images.data() + start * 784, {kBatch, 1, 28, 28}}});
  resnet.removeHook(hook);
  return features;
}

} // namespace

int main(int argc, char **argv) try {
  if (argc != 5) {
    std::fprintf(stderr, "usage: features MLP.safetensors RESNET.safetensors IMAGES.gz LABELS.gz\n");
    return 2;
  }
  float *rawImages = nullptr;
  int64_t *rawLabels = nullptr, rows = 0, cols = 0;
  if (idx_read_images(argv[3], kSamples, &rawImages, &rows, &cols) != kSamples ||
      idx_read_labels(argv[4], kSamples, &rawLabels) != kSamples)
    return 1;
  std::vector<float> images(rawImages, rawImages + kSamples * 784);
  std::vector<int64_t> labels(rawLabels, rawLabels + kSamples);
  std::free(rawImages);
  std::free(rawLabels);

  nnrt::api::Model mlp(mlp_model), resnet(resnet_model, {.threads = 1});
  mlp.loadParams(argv[1]);
  resnet.loadParams(argv[2]);
  mlp.setPreprocess(true);
  resnet.setPreprocess(true);

  // Nearest centroid on the body's features: centroids from the first
  // half of the images, accuracy on the second.
  std::vector<float> features = bodyFeatures(resnet, images);
  std::vector<double> centroids(kClasses * kFeatures, 0.0);
  std::vector<int64_t> counts(kClasses, 0);
  for (int64_t i = 0; i < kSamples / 2; ++i) {
    ++counts[labels[i]];
    for (int64_t k = 0; k < kFeatures; ++k)
      centroids[labels[i] * kFeatures + k] += features[i * kFeatures + k];
  }
  for (int64_t c = 0; c < kClasses; ++c)
    for (int64_t k = 0; k < kFeatures; ++k)
      centroids[c * kFeatures + k] /= double(std::max<int64_t>(counts[c], 1));
  int64_t correct = 0;
  for (int64_t i = kSamples / 2; i < kSamples; ++i) {
    int64_t best = 0;
    double bestDistance = INFINITY;
    for (int64_t c = 0; c < kClasses; ++c) {
      double d = 0;
      for (int64_t k = 0; k < kFeatures; ++k) {
        double diff = features[i * kFeatures + k] - centroids[c * kFeatures + k];
        d += diff * diff;
      }
      if (d < bestDistance)
        bestDistance = d, best = c;
    }
    correct += best == labels[i];
  }
  double centroidAccuracy = double(correct) / double(kSamples / 2);
  std::printf("resnet body: %zu features per image; nearest-centroid accuracy %.4f\n",
              features.size() / kSamples, centroidAccuracy);

  // An exception thrown in a hook stops the call and comes back as it was.
  bool rethrown = false;
  int64_t failing = mlp.addForwardHook("net.0", [](const nnrt::api::HookCall &) -> int {
    throw std::runtime_error("a hook that throws");
  });
  try {
    mlp.forward({{images.data(), {1, 1, 28, 28}}});
  } catch (const std::runtime_error &e) {
    rethrown = std::string(e.what()) == "a hook that throws";
  }
  mlp.removeHook(failing);
  std::printf("an exception thrown by a hook: %s\n", rethrown ? "rethrown by forward" : "lost");

  // Fine-tuning: training steps on the images normalised as in training,
  // with a backward hook on the output layer.
  const float *mean = nullptr, *stdev = nullptr;
  if (nnrt_input_normalization(mlp.get(), &mean, &stdev) != 1)
    throw std::runtime_error("the MLP's checkpoint records no global normalisation");
  std::vector<float> normalised(images.size());
  for (size_t i = 0; i < images.size(); ++i)
    normalised[i] = (images[i] - mean[0]) / stdev[0];
  int backwardCalls = 0;
  mlp.addBackwardHook("net.4", [&](const nnrt::api::HookCall &call) {
    backwardCalls += call.backward && call.outputs.at(0).shape[1] == kClasses;
    return 0;
  });
  double first = 0, last = 0;
  const int steps = 30;
  for (int s = 0; s < steps; ++s) {
    int64_t start = (s % 8) * 64;
    float loss = mlp.trainStep({normalised.data() + start * 784, {64, 1, 28, 28}},
                               std::span<const int64_t>(labels.data() + start, 64));
    if (s < 8)
      first += loss / 8;
    if (s >= steps - 8)
      last += loss / 8;
  }
  double gradNorm = 0;
  for (float g : mlp.grad("net.0.weight"))
    gradNorm += double(g) * g;
  std::printf("fine-tuning: %lld steps, mean loss of the first 8 %.4f, of the last 8 %.4f; "
              "%d backward hook calls; |grad net.0.weight| %.4f\n",
              (long long)mlp.trainStepCount(), first, last, backwardCalls, std::sqrt(gradNorm));

  bool ok = centroidAccuracy > 0.6 && rethrown && mlp.trainStepCount() == steps &&
            last < first && backwardCalls == steps && gradNorm > 0;
  std::printf("features: %s\n", ok ? "ok" : "a check failed");
  return ok ? 0 : 1;
} catch (const nnrt::api::Error &e) {
  std::fprintf(stderr, "features: %s: %s\n", e.statusName(), e.what());
  return 1;
}
