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
    throw Error(ErrorKind::Version, "the model was compiled for model ABI " +
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
  code.forwardHookedWorkspace = d.forward_hooked_workspace;
  code.forwardHooked = d.forward_hooked;
  code.evaluateHookedWorkspace = d.evaluate_hooked_workspace;
  code.evaluateHooked = d.evaluate_hooked;
  code.trainHookedWorkspace = d.train_hooked_workspace;
  code.trainStepHooked = d.train_step_hooked;
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

Model::RunGuard::RunGuard(Model &model) : model_(model) {
  if (model.running_)
    throw Error(ErrorKind::State, "the model is running: a hook cannot call its own model (use another model "
                "handle, or copy what it needs and call after the call returns)");
  model.running_ = true;
}

int64_t Model::addHook(HookKind kind, const std::string &pattern, HookFn fn, bool replaces) {
  if (!code_.forwardHooked)
    throw Error(ErrorKind::Unsupported, "this model's code has no hook points (it was compiled without its hooked "
                "variant); rebuild it with nnc build");
  return hooks_.add(kind, pattern, std::move(fn), replaces, manifest_.modules);
}

std::vector<Tensor> Model::forward(const std::vector<InputRef> &inputs) {
  std::vector<Tensor> outputs;
  forward(inputs, outputs);
  return outputs;
}

std::vector<std::vector<int64_t>>
Model::outputShapesFor(const std::vector<std::vector<int64_t>> &inputShapes) const {
  std::vector<int64_t> dims = bindSymbols(manifest_, inputShapes);
  std::vector<std::vector<int64_t>> shapes;
  for (const IoSpec &output : manifest_.outputs)
    shapes.push_back(evaluateShape(output.shape, dims));
  return shapes;
}

void Model::prepare(const std::vector<InputRef> &inputs) {
  bool same = !preparedShapes_.empty() && preparedShapes_.size() == inputs.size();
  for (size_t i = 0; same && i < inputs.size(); ++i)
    same = inputs[i].shape == preparedShapes_[i];
  if (!same) {
    preparedShapes_.clear();
    std::vector<std::vector<int64_t>> shapes;
    for (const InputRef &input : inputs)
      shapes.push_back(input.shape);
    dims_ = bindSymbols(manifest_, shapes);
    outputShapes_.clear();
    for (const IoSpec &output : manifest_.outputs)
      outputShapes_.push_back(evaluateShape(output.shape, dims_));
    preparedShapes_ = std::move(shapes);
  }
}

void Model::forward(const std::vector<InputRef> &inputs, std::vector<Tensor> &outputs) {
  RunGuard guard(*this); // first: a nested call would resize the outputs being written
  prepare(inputs);
  outputs.resize(manifest_.outputs.size());
  outputPointers_.clear();
  for (size_t i = 0; i < outputs.size(); ++i) {
    outputs[i].shape = outputShapes_[i]; // reuses the storage of an equal shape
    int64_t numel = shapeNumel(outputs[i].shape);
    if (!allocationBytes(numel, sizeof(float)))
      checkAllocation(numel, sizeof(float),
                      "output `" + manifest_.outputs[i].name + "` of shape " +
                          formatShape(outputs[i].shape));
    // The compiled code writes every element: storage of the right size is
    // all it needs (assigning zeros would be a pass over the outputs).
    outputs[i].data.resize(size_t(numel));
    outputPointers_.push_back(outputs[i].data.data());
  }
  run(inputs);
}

void Model::forwardInto(const std::vector<InputRef> &inputs, float *const *outputs,
                        const int64_t *capacities) {
  RunGuard guard(*this);
  prepare(inputs);
  outputPointers_.clear();
  for (size_t i = 0; i < manifest_.outputs.size(); ++i) {
    int64_t numel = shapeNumel(outputShapes_[i]);
    const std::string what = "output `" + manifest_.outputs[i].name + "`";
    if (!outputs || !outputs[i])
      throw Error(what + ": the buffer is NULL");
    if (capacities && capacities[i] < numel)
      throw Error(what + " of shape " + formatShape(outputShapes_[i]) + " needs " +
                  std::to_string(numel) + " floats, and its buffer holds " +
                  std::to_string(capacities[i]));
    outputPointers_.push_back(outputs[i]);
  }
  run(inputs);
}

void Model::run(const std::vector<InputRef> &inputs) {
  inputPointers_.clear();
  for (const InputRef &input : inputs)
    inputPointers_.push_back(input.data);
  if (!hooks_.empty()) {
    // The hooked variant: each module boundary stored, the hooks called.
    size_t bytes = workspaceBytes(code_.forwardHookedWorkspace(&context_, dims_.data()),
                                  "the forward workspace");
    if (bytes > workspace_.bytes())
      workspace_ = AlignedBuffer(bytes, "the forward workspace");
    HookRun run(hooks_, manifest_.hooks.forward, dims_, false);
    nnc_context context = context_;
    context.hooks = run.table();
    code_.forwardHooked(&context, dims_.data(), params_.arena(), inputPointers_.data(),
                        outputPointers_.data(), workspace_.data());
    run.finish();
    return;
  }
  size_t bytes = workspaceBytes(code_.workspace(&context_, dims_.data()),
                                "the forward workspace");
  if (bytes > workspace_.bytes())
    workspace_ = AlignedBuffer(bytes, "the forward workspace");
  code_.forward(&context_, dims_.data(), params_.arena(), inputPointers_.data(),
                outputPointers_.data(), workspace_.data());
}

} // namespace nnrt
