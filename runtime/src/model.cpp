//===- model.cpp - Running the forward pass of a compiled model -----------===//
//
// The workspace is kept between calls and only grows, so repeated predictions
// at one batch size allocate nothing but their outputs.
//
//===----------------------------------------------------------------------===//
#include "nnrt/model.h"
#include "nnrt/error.h"

namespace nnrt {

Model::Model(const ModelCode &code)
    : code_(code), manifest_(parseManifest(code.manifest ? code.manifest : "")),
      params_(manifest_) {}

std::vector<Tensor> Model::forward(const std::vector<InputRef> &inputs) {
  std::vector<std::vector<int64_t>> shapes;
  for (const InputRef &input : inputs)
    shapes.push_back(input.shape);
  std::vector<int64_t> dims = bindSymbols(manifest_, shapes);

  std::vector<Tensor> outputs(manifest_.outputs.size());
  std::vector<float *> outputPointers;
  for (size_t i = 0; i < outputs.size(); ++i) {
    outputs[i].shape = evaluateShape(manifest_.outputs[i].shape, dims);
    outputs[i].data.assign(size_t(shapeNumel(outputs[i].shape)), 0.0f);
    outputPointers.push_back(outputs[i].data.data());
  }
  std::vector<const float *> inputPointers;
  for (const InputRef &input : inputs)
    inputPointers.push_back(input.data);

  int64_t bytes = code_.workspace(dims.data());
  if (bytes < 0)
    throw Error("the model asked for a negative workspace (" +
                std::to_string(bytes) + " bytes)");
  if (size_t(bytes) > workspace_.bytes())
    workspace_ = AlignedBuffer(size_t(bytes));
  code_.forward(dims.data(), params_.arena(), inputPointers.data(),
                outputPointers.data(), workspace_.data());
  return outputs;
}

} // namespace nnrt
