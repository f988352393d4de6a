//===- c_api.cpp - The C API over nnrt::Model -----------------------------===//
//
// Each entry point catches every exception and turns it into a status plus
// a thread-local message: C callers must never see a C++ exception. The
// thread-local last error is the runtime's only mutable global, by design.
// The training entry points are in c_api_training.cpp.
//
//===----------------------------------------------------------------------===//
#include "c_api_internal.h"
#include "nnrt/cuda_driver.h"
#include "nnrt/error.h"
#include "nnrt/memory.h"

#include <algorithm>
#include <cstddef>
#include <exception>
#include <new>
#include <optional>
#include <string>

namespace {

thread_local std::string lastError;
thread_local nnrt_status lastStatus = NNRT_OK;
thread_local int lastHookStatus = 0;

nnrt_status statusOf(nnrt::ErrorKind kind, nnrt_status invalidAs) {
  switch (kind) {
  case nnrt::ErrorKind::InvalidArgument: return invalidAs;
  case nnrt::ErrorKind::Shape: return NNRT_SHAPE_MISMATCH;
  case nnrt::ErrorKind::File: return NNRT_FILE_ERROR;
  case nnrt::ErrorKind::InvalidFile: return NNRT_INVALID_FILE;
  case nnrt::ErrorKind::OutOfMemory: return NNRT_OUT_OF_MEMORY;
  case nnrt::ErrorKind::Version: return NNRT_VERSION_MISMATCH;
  case nnrt::ErrorKind::NotFound: return NNRT_NOT_FOUND;
  case nnrt::ErrorKind::State: return NNRT_INVALID_STATE;
  case nnrt::ErrorKind::Unsupported: return NNRT_UNSUPPORTED;
  }
  return NNRT_INTERNAL_ERROR;
}

} // namespace

namespace nnrt::capi {

int fail(nnrt_status status, std::string message) {
  lastStatus = status;
  lastError = std::move(message);
  return status;
}

int failWith(const std::exception_ptr &error, nnrt_status invalidAs) {
  try {
    std::rethrow_exception(error);
  } catch (const nnrt::HookStopped &e) {
    lastHookStatus = e.status();
    return fail(NNRT_HOOK_STOPPED, e.what());
  } catch (const nnrt::Error &e) {
    return fail(statusOf(e.kind(), invalidAs), e.what());
  } catch (const std::bad_alloc &) {
    return fail(NNRT_OUT_OF_MEMORY, "out of memory: an allocation failed (std::bad_alloc)");
  } catch (const std::exception &e) {
    return fail(NNRT_INTERNAL_ERROR, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(NNRT_INTERNAL_ERROR, "internal error: an unknown exception");
  }
}

bool checkModel(const nnrt_model *model) {
  if (model)
    return true;
  fail(NNRT_INVALID_ARGUMENT, "model is NULL");
  return false;
}

} // namespace nnrt::capi

using nnrt::capi::checkModel;
using nnrt::capi::fail;
using nnrt::capi::guarded;

namespace {

/// The compiled code reads the parameters while it runs: a hook may read
/// them (nnrt_param_data), not replace them.
const char *writeWhileRunning =
    "the model is running: a hook cannot initialise or load its own model's parameters";

// With nnrt_set_preprocess, input 0 is normalised in the model's scratch
// copy: x' = (x - mean) / std per sample, as `predict` does.
void preprocess(nnrt_model &model, nnrt::InputRef &input,
                const std::string &name) {
  const std::optional<nnrt::Normalization> &norm =
      model.preprocessing.normalization;
  if (!model.preprocess || !norm)
    return;
  for (int64_t dim : input.shape)
    if (dim < 0)
      throw nnrt::Error("input `" + name + "`: negative dimension in shape " +
                        nnrt::formatShape(input.shape));
  int64_t numel = nnrt::shapeNumel(input.shape);
  int64_t perSample = input.shape.empty()
                          ? 1
                          : nnrt::shapeNumel(std::vector<int64_t>(
                                input.shape.begin() + 1, input.shape.end()));
  nnrt::checkAllocation(numel, sizeof(float),
                        "the normalised copy of input `" + name + "`");
  model.scratch.assign(input.data, input.data + numel);
  nnrt::normalizeSamples(model.scratch, perSample, *norm,
                         "input `" + name + "`");
  input.data = model.scratch.data();
}

int64_t registerHook(nnrt_model *model, nnrt::HookKind kind, const char *pattern,
                     nnrt_hook_fn fn, void *user, int flags) {
  if (!checkModel(model))
    return -1;
  if (!pattern || !fn) {
    fail(NNRT_INVALID_ARGUMENT, pattern ? "the hook function is NULL" : "the module pattern is NULL");
    return -1;
  }
  if (flags & ~NNRT_HOOK_REPLACES) {
    fail(NNRT_INVALID_ARGUMENT, "unknown hook flags " + std::to_string(flags));
    return -1;
  }
  int64_t id = -1;
  int failed = guarded([&] {
    std::string module;
    auto adapter = [fn, user, kind, module](const nnrt::HookCall &c) mutable {
      std::vector<nnrt_hook_tensor> inputs, outputs;
      for (const nnrt::HookTensor &t : c.inputs)
        inputs.push_back({t.data, t.shape.data(), int(t.shape.size()), t.index});
      for (const nnrt::HookTensor &t : c.outputs)
        outputs.push_back({t.data, t.shape.data(), int(t.shape.size()), t.index});
      module = c.point->module;
      nnrt_hook_call call{module.c_str(),
                          c.point->call,
                          kind == nnrt::HookKind::Forward ? NNRT_HOOK_FORWARD
                                                          : NNRT_HOOK_BACKWARD,
                          c.training ? 1 : 0,
                          c.mayReplace ? 1 : 0,
                          int(inputs.size()),
                          inputs.data(),
                          int(outputs.size()),
                          outputs.data()};
      return fn(user, &call);
    };
    id = model->model.addHook(kind, pattern, adapter, (flags & NNRT_HOOK_REPLACES) != 0);
  });
  return failed ? -1 : id;
}

} // namespace

extern "C" {

int nnrt_api_version(void) { return NNRT_API_VERSION; }

nnrt_status nnrt_last_status(void) { return lastStatus; }

int nnrt_last_hook_status(void) { return lastHookStatus; }

const char *nnrt_status_name(int status) {
  switch (status) {
  case NNRT_OK: return "NNRT_OK";
  case NNRT_INVALID_ARGUMENT: return "NNRT_INVALID_ARGUMENT";
  case NNRT_SHAPE_MISMATCH: return "NNRT_SHAPE_MISMATCH";
  case NNRT_FILE_ERROR: return "NNRT_FILE_ERROR";
  case NNRT_INVALID_FILE: return "NNRT_INVALID_FILE";
  case NNRT_OUT_OF_MEMORY: return "NNRT_OUT_OF_MEMORY";
  case NNRT_VERSION_MISMATCH: return "NNRT_VERSION_MISMATCH";
  case NNRT_NOT_FOUND: return "NNRT_NOT_FOUND";
  case NNRT_INVALID_STATE: return "NNRT_INVALID_STATE";
  case NNRT_UNSUPPORTED: return "NNRT_UNSUPPORTED";
  case NNRT_HOOK_STOPPED: return "NNRT_HOOK_STOPPED";
  case NNRT_INTERNAL_ERROR: return "NNRT_INTERNAL_ERROR";
  }
  return "unknown";
}

nnrt_model *nnrt_create(void) {
  nnrt_model *model = nullptr;
  guarded([&] { model = new nnrt_model(nnrt::linkedModelCode()); });
  return model;
}

nnrt_model *nnrt_create_with(const struct nnc_model_descriptor *descriptor,
                             const nnrt_options *options) {
  nnrt_model *model = nullptr;
  guarded([&] {
    if (!descriptor)
      throw nnrt::Error("the model descriptor is NULL");
    int threads = 0;
    if (options) {
      if (options->struct_size < int32_t(sizeof(int32_t)) ||
          options->struct_size > int32_t(sizeof(nnrt_options)))
        throw nnrt::Error(nnrt::ErrorKind::Version, "nnrt_options.struct_size is " + std::to_string(options->struct_size) +
                          "; this libnnrt (C API " + std::to_string(NNRT_API_VERSION) +
                          ") knows options of at most " + std::to_string(sizeof(nnrt_options)) +
                          " bytes: set it to sizeof(nnrt_options)");
      if (options->struct_size >= int32_t(offsetof(nnrt_options, threads) + sizeof(int32_t)))
        threads = options->threads;
      if (threads < 0 || threads > 1024)
        throw nnrt::Error("nnrt_options.threads must be from 0 (every CPU) to 1024, got " +
                          std::to_string(threads));
      // An options struct of the first version ends before `device`: the CPU.
      int32_t device = options->struct_size >= int32_t(offsetof(nnrt_options, device) +
                                                       sizeof(int32_t))
                           ? options->device
                           : NNRT_DEVICE_CPU;
      if (device != NNRT_DEVICE_CPU && device != NNRT_DEVICE_CUDA)
        throw nnrt::Error("nnrt_options.device must be NNRT_DEVICE_CPU (0) or NNRT_DEVICE_CUDA "
                          "(1), got " + std::to_string(device));
      if (device == NNRT_DEVICE_CUDA)
        nnrt::refuseCuda("nnrt_options.device = NNRT_DEVICE_CUDA");
    }
    model = new nnrt_model(nnrt::ModelCode::fromDescriptor(*descriptor), threads);
  });
  return model;
}

void nnrt_destroy(nnrt_model *model) { delete model; }

const char *nnrt_last_error(void) { return lastError.c_str(); }

int nnrt_init_params(nnrt_model *model, uint64_t seed) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  if (model->model.running())
    return fail(NNRT_INVALID_STATE, writeWhileRunning);
  return guarded([&] {
    model->model.params().initAll(seed);
    model->preprocessing = {};
  });
}

int nnrt_load_params(nnrt_model *model, const char *path) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  if (!path)
    return fail(NNRT_INVALID_ARGUMENT, "path is NULL");
  if (model->model.running())
    return fail(NNRT_INVALID_STATE, writeWhileRunning);
  return guarded([&] { model->preprocessing = model->model.params().load(path); },
                 NNRT_INVALID_FILE);
}

int64_t nnrt_input_normalization(const nnrt_model *model, const float **mean,
                                 const float **std) {
  if (!checkModel(model))
    return -1;
  const std::optional<nnrt::Normalization> &norm =
      model->preprocessing.normalization;
  if (!norm)
    return 0;
  if (mean)
    *mean = norm->mean.data();
  if (std)
    *std = norm->std.data();
  return int64_t(norm->mean.size());
}

int nnrt_set_preprocess(nnrt_model *model, int enable) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  model->preprocess = enable != 0;
  return 0;
}

int nnrt_save_params(nnrt_model *model, const char *path) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  if (!path)
    return fail(NNRT_INVALID_ARGUMENT, "path is NULL");
  return guarded([&] { model->model.params().save(path); });
}

int nnrt_param_count(const nnrt_model *model) {
  if (!checkModel(model))
    return -1;
  return int(model->model.manifest().tensors.size());
}

const char *nnrt_param_name(const nnrt_model *model, int i) {
  if (!checkModel(model))
    return nullptr;
  const auto &tensors = model->model.manifest().tensors;
  if (i < 0 || size_t(i) >= tensors.size()) {
    fail(NNRT_INVALID_ARGUMENT, "tensor index " + std::to_string(i) + " out of range");
    return nullptr;
  }
  return tensors[size_t(i)].name.c_str();
}

float *nnrt_param_data(nnrt_model *model, const char *name, int64_t *numel) {
  if (!checkModel(model))
    return nullptr;
  float *data = nullptr;
  guarded([&] {
    std::span<float> view = model->model.params().view(name ? name : "");
    data = view.data();
    if (numel)
      *numel = int64_t(view.size());
  });
  return data;
}

int nnrt_input_count(const nnrt_model *model) {
  return checkModel(model) ? int(model->model.manifest().inputs.size()) : -1;
}

int nnrt_input_rank(const nnrt_model *model, int i) {
  if (!checkModel(model))
    return -1;
  const auto &inputs = model->model.manifest().inputs;
  if (i < 0 || size_t(i) >= inputs.size())
    return -1;
  return int(inputs[size_t(i)].shape.size());
}

int nnrt_output_count(const nnrt_model *model) {
  return checkModel(model) ? int(model->model.manifest().outputs.size()) : -1;
}

namespace {

const nnrt::IoSpec *ioSpec(const nnrt_model *model, bool input, int i) {
  if (!checkModel(model))
    return nullptr;
  const auto &specs = input ? model->model.manifest().inputs : model->model.manifest().outputs;
  if (i < 0 || size_t(i) >= specs.size()) {
    fail(NNRT_INVALID_ARGUMENT, std::string(input ? "input" : "output") + " index " + std::to_string(i) +
                " out of range");
    return nullptr;
  }
  return &specs[size_t(i)];
}

} // namespace

const char *nnrt_input_name(const nnrt_model *model, int i) {
  const nnrt::IoSpec *spec = ioSpec(model, true, i);
  return spec ? spec->name.c_str() : nullptr;
}

const char *nnrt_output_name(const nnrt_model *model, int i) {
  const nnrt::IoSpec *spec = ioSpec(model, false, i);
  return spec ? spec->name.c_str() : nullptr;
}

int nnrt_output_rank(const nnrt_model *model, int i) {
  const nnrt::IoSpec *spec = ioSpec(model, false, i);
  return spec ? int(spec->shape.size()) : -1;
}

const char *nnrt_input_dim(const nnrt_model *model, int i, int d) {
  const nnrt::IoSpec *spec = ioSpec(model, true, i);
  if (!spec)
    return nullptr;
  if (d < 0 || size_t(d) >= spec->shape.size()) {
    fail(NNRT_INVALID_ARGUMENT, "input `" + spec->name + "` has no dimension " + std::to_string(d));
    return nullptr;
  }
  return spec->shape[size_t(d)].text.c_str();
}

namespace {

/// The inputs as the C API takes them, checked for NULL.
std::vector<nnrt::InputRef> inputRefs(const nnrt_model &model, const float *const *inputs,
                                      const int64_t *const *input_shapes, bool needData) {
  const auto &specs = model.model.manifest().inputs;
  std::vector<nnrt::InputRef> refs(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    if ((needData && (!inputs || !inputs[i])) || !input_shapes || !input_shapes[i])
      throw nnrt::Error("input `" + specs[i].name + "` is NULL");
    refs[i].data = inputs ? inputs[i] : nullptr;
    refs[i].shape.assign(input_shapes[i], input_shapes[i] + specs[i].shape.size());
  }
  return refs;
}

const char *runningMessage =
    "the model is running: a hook cannot call its own model (use another model handle, or "
    "copy what it needs and call after the call returns)";

} // namespace

int nnrt_forward(nnrt_model *model, const float *const *inputs,
                 const int64_t *const *input_shapes) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  if (model->model.running()) // before anything is touched: the outputs are the running call's
    return fail(NNRT_INVALID_STATE, runningMessage);
  return guarded([&] {
    std::vector<nnrt::InputRef> refs = inputRefs(*model, inputs, input_shapes, true);
    if (!refs.empty())
      preprocess(*model, refs[0], model->model.manifest().inputs[0].name);
    try {
      model->model.forward(refs, model->outputs);
    } catch (...) {
      model->outputs.clear(); // no output of a failed call stays readable
      throw;
    }
  });
}

int nnrt_forward_into(nnrt_model *model, const float *const *inputs,
                      const int64_t *const *input_shapes, float *const *outputs,
                      const int64_t *capacities) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  if (model->model.running())
    return fail(NNRT_INVALID_STATE, runningMessage);
  if (!outputs || !capacities)
    return fail(NNRT_INVALID_ARGUMENT, outputs ? "capacities is NULL" : "outputs is NULL");
  return guarded([&] {
    std::vector<nnrt::InputRef> refs = inputRefs(*model, inputs, input_shapes, true);
    if (!refs.empty())
      preprocess(*model, refs[0], model->model.manifest().inputs[0].name);
    model->model.forwardInto(refs, outputs, capacities);
  });
}

int nnrt_output_shape(const nnrt_model *model, int i, const int64_t *const *input_shapes,
                      int64_t *shape) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  const auto &outputs = model->model.manifest().outputs;
  if (!shape)
    return fail(NNRT_INVALID_ARGUMENT, "shape is NULL");
  if (i < 0 || size_t(i) >= outputs.size())
    return fail(NNRT_INVALID_ARGUMENT, "output index " + std::to_string(i) + " out of range");
  return guarded([&] {
    std::vector<std::vector<int64_t>> shapes;
    for (const nnrt::InputRef &r : inputRefs(*model, nullptr, input_shapes, false))
      shapes.push_back(r.shape);
    std::vector<int64_t> out = model->model.outputShapesFor(shapes)[size_t(i)];
    std::copy(out.begin(), out.end(), shape);
  });
}

const float *nnrt_output(const nnrt_model *model, int i, const int64_t **shape,
                         int *rank) {
  if (!checkModel(model))
    return nullptr;
  if (i < 0 || size_t(i) >= model->outputs.size()) {
    fail(NNRT_INVALID_ARGUMENT, "output index " + std::to_string(i) + " out of range");
    return nullptr;
  }
  const nnrt::Tensor &output = model->outputs[size_t(i)];
  if (shape)
    *shape = output.shape.data();
  if (rank)
    *rank = int(output.shape.size());
  return output.data.data();
}

int64_t nnrt_register_forward_hook(nnrt_model *model, const char *pattern,
                                   nnrt_hook_fn fn, void *user_data, int flags) {
  return registerHook(model, nnrt::HookKind::Forward, pattern, fn, user_data, flags);
}

int64_t nnrt_register_full_backward_hook(nnrt_model *model, const char *pattern,
                                         nnrt_hook_fn fn, void *user_data,
                                         int flags) {
  return registerHook(model, nnrt::HookKind::Backward, pattern, fn, user_data, flags);
}

int nnrt_remove_hook(nnrt_model *model, int64_t id) {
  if (!checkModel(model))
    return NNRT_INVALID_ARGUMENT;
  return guarded([&] {
    if (!model->model.hooks().remove(id))
      throw nnrt::Error(nnrt::ErrorKind::NotFound, "there is no hook with id " + std::to_string(id));
  });
}

} // extern "C"
