//===- model.cpp - Running the forward pass of a compiled model -----------===//
//
// The workspace is kept between calls and only grows, so repeated predictions
// at one batch size allocate nothing but their outputs. Output and workspace
// sizes follow the bound symbols, i.e. the inputs' shapes, so each is checked
// against the machine's memory before it is allocated (memory.h).
//
//===----------------------------------------------------------------------===//
#include "nnrt/model.h"
#include "nnrt/cpu_features.h"
#include "nnrt/error.h"
#include "nnrt/memory.h"

namespace nnrt {

void checkModelAbi(const ModelCode &code) {
  if (code.abiVersion != NNC_MODEL_ABI_VERSION)
    throw Error("the model was compiled for model ABI " +
                std::to_string(code.abiVersion) + ", and this runtime implements ABI " +
                std::to_string(NNC_MODEL_ABI_VERSION) +
                "; rebuild it with the nnc that goes with this runtime");
}

namespace {

const ModelCode &checkedAbi(const ModelCode &code) {
  checkModelAbi(code);
  return code;
}

} // namespace

ModelCode ModelCode::fromDescriptor(const nnc_model_descriptor &d) {
  ModelCode code;
  code.abiVersion = d.abi_version;
  if (d.abi_version != NNC_MODEL_ABI_VERSION)
    return code; // nothing else of it can be trusted; Model says so
  code.manifest = d.manifest;
  code.workspace = d.forward_workspace;
  code.forward = d.forward;
  code.evaluateWorkspace = d.evaluate_workspace;
  code.evaluate = d.evaluate;
  code.trainWorkspace = d.train_workspace;
  code.trainStep = d.train_step;
  return code;
}

Model::Model(const ModelCode &code, int threads)
    : code_(checkedAbi(code)),
      manifest_(parseManifest(code.manifest ? code.manifest : "")),
      params_(manifest_) {
  // Before any compiled code runs: an instruction this CPU lacks is SIGILL.
  if (manifest_.target)
    checkCpuFeatures(manifest_.target->cpu, manifest_.target->features);
  if (threads <= 0)
    threads = availableCpus();
  pool_ = std::make_unique<ThreadPool>(threads);
  context_.threads = threads;
  context_.parallel_for = &ThreadPool::parallelFor;
  context_.pool = pool_.get();
}

std::vector<Tensor> Model::forward(const std::vector<InputRef> &inputs) {
  std::vector<std::vector<int64_t>> shapes;
  for (const InputRef &input : inputs)
    shapes.push_back(input.shape);
  std::vector<int64_t> dims = bindSymbols(manifest_, shapes);

  std::vector<Tensor> outputs(manifest_.outputs.size());
  std::vector<float *> outputPointers;
  for (size_t i = 0; i < outputs.size(); ++i) {
    outputs[i].shape = evaluateShape(manifest_.outputs[i].shape, dims);
    int64_t numel = shapeNumel(outputs[i].shape);
    if (!allocationBytes(numel, sizeof(float)))
      checkAllocation(numel, sizeof(float),
                      "output `" + manifest_.outputs[i].name + "` of shape " +
                          formatShape(outputs[i].shape));
    outputs[i].data.assign(size_t(numel), 0.0f);
    outputPointers.push_back(outputs[i].data.data());
  }
  std::vector<const float *> inputPointers;
  for (const InputRef &input : inputs)
    inputPointers.push_back(input.data);

  size_t bytes = workspaceBytes(code_.workspace(&context_, dims.data()),
                                "the forward workspace");
  if (bytes > workspace_.bytes())
    workspace_ = AlignedBuffer(bytes, "the forward workspace");
  code_.forward(&context_, dims.data(), params_.arena(), inputPointers.data(),
                outputPointers.data(), workspace_.data());
  return outputs;
}

} // namespace nnrt
