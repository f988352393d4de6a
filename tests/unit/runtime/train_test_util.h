//===- train_test_util.h - The fake model's variants and tiny datasets ----===//
//
// The training tests run the fake model's hand-written train step
// (fake_model.cpp) under edited manifests: class targets instead of values,
// another optimizer, a renamed tensor (a "different model" for checkpoint
// refusals). The code does not read the manifest, so any edit that keeps the
// arena layout runs. The datasets are a linear map the model can fit,
//   y = x A^T + c, A = [[1, -2, 0.5], [0.3, 0.7, -1]], c = [0.1, -0.2],
// with x from a fixed LCG; class labels are argmax(y).
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_TESTS_TRAIN_TEST_UTIL_H
#define NNRT_TESTS_TRAIN_TEST_UTIL_H

#include "nnrt/data.h"
#include "nnrt/model.h"
#include "nnrt_model.h"
#include "test_data_util.h"

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nnrt::testing {

/// The fake model's code with its manifest edited by `edit`; the manifest
/// text lives as long as the returned object.
struct FakeCode {
  std::shared_ptr<std::string> manifest;
  ModelCode code;
};

inline FakeCode fakeCode(const std::function<void(nlohmann::json &)> &edit) {
  nlohmann::json doc = nlohmann::json::parse(nnc_model.manifest);
  edit(doc);
  FakeCode fake;
  fake.manifest = std::make_shared<std::string>(doc.dump());
  fake.code = linkedModelCode();
  fake.code.manifest = fake.manifest->c_str();
  return fake;
}

/// Class targets: the data's labels become one-hot rows of [B, 2].
inline FakeCode classFakeCode() {
  return fakeCode(
      [](nlohmann::json &doc) { doc["training"]["class_targets"] = true; });
}

/// The fake model without its train block (as a model without `train`).
inline FakeCode untrainedFakeCode() {
  FakeCode fake = fakeCode([](nlohmann::json &doc) { doc.erase("training"); });
  fake.code.evaluateWorkspace = nullptr;
  fake.code.evaluate = nullptr;
  fake.code.trainWorkspace = nullptr;
  fake.code.trainStep = nullptr;
  return fake;
}

/// n samples of the linear map, inputs [n, 3], targets [n, 2] or labels [n].
inline Dataset linearDataset(int64_t n, bool classes) {
  const float a[2][3] = {{1.0f, -2.0f, 0.5f}, {0.3f, 0.7f, -1.0f}};
  const float c[2] = {0.1f, -0.2f};
  uint32_t state = 2024;
  Dataset data;
  data.source = classes ? "linear-classes" : "linear-values";
  data.sampleShape = {3};
  data.targetKind = classes ? TargetKind::ClassIndex : TargetKind::Values;
  if (!classes)
    data.targetShape = {2};
  for (int64_t i = 0; i < n; ++i) {
    float x[3];
    for (float &v : x) {
      state = state * 1664525u + 1013904223u;
      v = float(state >> 8) / 8388608.0f - 1.0f; // [-1, 1)
      data.inputs.push_back(v);
    }
    float y[2];
    for (int o = 0; o < 2; ++o)
      y[o] = c[o] + a[o][0] * x[0] + a[o][1] * x[1] + a[o][2] * x[2];
    if (classes)
      data.labels.push_back(y[1] > y[0] ? 1 : 0);
    else
      data.targets.insert(data.targets.end(), y, y + 2);
  }
  return data;
}

/// Writes `data` as X.npy ('<f4') and Y.npy ('<f4' values or '<i8' labels).
inline void writeNpyPair(const Dataset &data, const std::string &x,
                         const std::string &y) {
  std::string n = std::to_string(data.size());
  writeBytesFile(x,
                 npyFileBytes("<f4", "(" + n + ", 3)", rawBytes(data.inputs)));
  if (data.targetKind == TargetKind::ClassIndex)
    writeBytesFile(y,
                   npyFileBytes("<i8", "(" + n + ",)", rawBytes(data.labels)));
  else
    writeBytesFile(
        y, npyFileBytes("<f4", "(" + n + ", 2)", rawBytes(data.targets)));
}

/// The parameter arena as a vector, for bit-exact comparisons.
inline std::vector<float> arenaOf(const Model &model) {
  const float *arena = model.params().arena();
  return {arena, arena + model.manifest().arenaElements};
}

} // namespace nnrt::testing

#endif // NNRT_TESTS_TRAIN_TEST_UTIL_H
