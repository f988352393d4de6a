//===- two_models.cpp - Two compiled models in one program ----------------===//
//
// Links the objects of examples/mlp.nnm and examples/xor.nnm, built with
// `nnc build --emit obj --prefix mlp` and `--prefix xor`, with libnnrt: each
// model is reached through its own descriptor, runs on its own threads, and
// must give what its own executable gives (two_models.sh compares).
// usage: two_models OUT_DIR   (writes <name>_x.npy and <name>_y.npy)
//
//===----------------------------------------------------------------------===//
#include "nnrt/error.h"
#include "nnrt/model.h"
#include "nnrt/npy.h"
#include "nnrt_model.h"

#include <iostream>
#include <string>

extern "C" const nnc_model_descriptor mlp_model;
extern "C" const nnc_model_descriptor xor_model;

namespace {

/// Initialises `model` with seed 1, runs it on a fixed batch of 5 and
/// writes the input and the output beside each other.
void run(const nnc_model_descriptor &descriptor, int threads, const std::string &out) {
  nnrt::Model model(nnrt::ModelCode::fromDescriptor(descriptor), threads);
  model.params().initAll(1);
  const nnrt::Manifest &m = model.manifest();
  std::vector<int64_t> shape = {5};
  for (size_t d = 1; d < m.inputs[0].shape.size(); ++d)
    shape.push_back(m.inputs[0].shape[d].constant); // the examples' feature dims are constants
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  std::vector<float> x(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    x[static_cast<size_t>(i)] = static_cast<float>((i * 37 % 101) - 50) / 50.0f;
  std::vector<nnrt::Tensor> y = model.forward({{x.data(), shape}});
  nnrt::writeNpyF32(out + "/" + m.model + "_x.npy", shape, x.data());
  nnrt::writeNpyF32(out + "/" + m.model + "_y.npy", y[0].shape, y[0].data.data());
  std::cout << m.model << " on " << model.threads() << " thread(s): output "
            << nnrt::formatShape(y[0].shape) << "\n";
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: two_models OUT_DIR\n";
    return 2;
  }
  try {
    run(mlp_model, 2, argv[1]);
    run(xor_model, 1, argv[1]);
  } catch (const nnrt::Error &e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
