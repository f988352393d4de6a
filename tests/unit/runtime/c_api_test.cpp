//===- c_api_test.cpp - The C API over the fake model ---------------------===//
//
// Drives nnrt.h as an embedding application would: create, names, init,
// data access, save/load, forward with a bound batch size, outputs, the
// error protocol (non-zero return, NULL, nnrt_last_error), and a training
// checkpoint's input normalisation (nnrt_input_normalization,
// nnrt_set_preprocess).
//
//===----------------------------------------------------------------------===//
#include "cli_run_util.h"
#include "nnrt.h"
#include "nnrt_model.h"
#include "test_util.h"
#include "train_test_util.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>

using namespace nnrt::testing;

TEST_CASE("C API: parameters") {
  nnrt_model *model = nnrt_create();
  REQUIRE(model != nullptr);
  CHECK(nnrt_param_count(model) == 3);
  CHECK(std::string(nnrt_param_name(model, 0)) == "fc.weight");
  CHECK(std::string(nnrt_param_name(model, 2)) == "scale");
  CHECK(nnrt_param_name(model, 3) == nullptr);
  CHECK(std::string(nnrt_last_error()) == "tensor index 3 out of range");
  CHECK(nnrt_init_params(model, 1) == 0);
  int64_t numel = 0;
  float *scale = nnrt_param_data(model, "scale", &numel);
  REQUIRE(scale != nullptr);
  CHECK(numel == 2);
  CHECK(scale[0] == 1.0f);
  CHECK(nnrt_param_data(model, "nope", nullptr) == nullptr);
  CHECK(std::string(nnrt_last_error()) == "the model has no tensor `nope`");

  ScratchDir dir("c_api");
  std::string path = dir.file("p.safetensors");
  scale[1] = 3.0f;
  CHECK(nnrt_save_params(model, path.c_str()) == 0);
  nnrt_model *other = nnrt_create();
  CHECK(nnrt_load_params(other, path.c_str()) == 0);
  CHECK(nnrt_param_data(other, "scale", nullptr)[1] == 3.0f);
  CHECK(nnrt_load_params(other, "/nonexistent.safetensors") != 0);
  CHECK(std::string(nnrt_last_error()) ==
        "/nonexistent.safetensors: cannot open: No such file or directory");
  CHECK(nnrt_load_params(other, nullptr) != 0);
  nnrt_destroy(other);
  nnrt_destroy(model);
  nnrt_destroy(nullptr);
}

TEST_CASE("C API: forward") {
  nnrt_model *model = nnrt_create();
  REQUIRE(model != nullptr);
  CHECK(nnrt_input_count(model) == 1);
  CHECK(nnrt_input_rank(model, 0) == 2);
  CHECK(nnrt_output_count(model) == 1);
  CHECK(nnrt_output(model, 0, nullptr, nullptr) == nullptr); // no forward yet
  float *w = nnrt_param_data(model, "fc.weight", nullptr);
  float *b = nnrt_param_data(model, "fc.bias", nullptr);
  float *s = nnrt_param_data(model, "scale", nullptr);
  const float weights[6] = {1, 2, 3, 4, 5, 6};
  std::memcpy(w, weights, sizeof weights);
  b[0] = 0.5f;
  b[1] = -1.0f;
  s[0] = 1.0f;
  s[1] = 2.0f;
  const float x[6] = {1, 0, 0, 0, 1, 1}; // [2, 3]
  const int64_t shape[2] = {2, 3};
  const float *inputs[1] = {x};
  const int64_t *shapes[1] = {shape};
  REQUIRE(nnrt_forward(model, inputs, shapes) == 0);
  const int64_t *outShape = nullptr;
  int rank = 0;
  const float *y = nnrt_output(model, 0, &outShape, &rank);
  REQUIRE(y != nullptr);
  REQUIRE(rank == 2);
  CHECK(outShape[0] == 2);
  CHECK(outShape[1] == 2);
  // y = (x W^T + b) * s
  CHECK(y[0] == 1.5f);
  CHECK(y[1] == (4 - 1) * 2.0f);
  CHECK(y[2] == 5.5f);
  CHECK(y[3] == (11 - 1) * 2.0f);

  const int64_t bad[2] = {2, 4};
  const int64_t *badShapes[1] = {bad};
  CHECK(nnrt_forward(model, inputs, badShapes) != 0);
  CHECK(std::string(nnrt_last_error()) ==
        "input `x`: expected shape [B, 3], got [2, 4]: dimension 1 is 4, "
        "expected 3");
  const float *nullInputs[1] = {nullptr};
  CHECK(nnrt_forward(model, nullInputs, shapes) != 0);
  CHECK(std::string(nnrt_last_error()) == "input `x` is NULL");
  nnrt_destroy(model);
}

TEST_CASE("C API: a checkpoint's input normalisation, applied when asked") {
  ScratchDir dir("c_api_preprocess");
  nnrt::Dataset data = linearDataset(20, false);
  for (float &v : data.inputs)
    v = 3.0f * v + 2.0f;
  writeNpyPair(data, dir.file("x.npy"), dir.file("y.npy"));
  std::string ckpt = dir.file("c.safetensors");
  REQUIRE(runCliWith(nnrt::linkedModelCode(),
                     {"train", "--data",
                      dir.file("x.npy") + "," + dir.file("y.npy"), "--epochs",
                      "1", "--normalize", "global", "--save", ckpt})
              .code == 0);
  nnrt_model *model = nnrt_create();
  REQUIRE(model != nullptr);
  const float *mean = nullptr, *std = nullptr;
  CHECK(nnrt_input_normalization(model, &mean, &std) == 0); // nothing loaded
  REQUIRE(nnrt_load_params(model, ckpt.c_str()) == 0);
  REQUIRE(nnrt_input_normalization(model, &mean, &std) == 1);
  CHECK(*mean > 1.0f);
  CHECK(*std > 1.0f);

  const float x[6] = {1, 2, 3, -4, 5, 0.5f};
  const int64_t shape[2] = {2, 3};
  const int64_t *shapes[1] = {shape};
  float normalized[6];
  for (int i = 0; i < 6; ++i)
    normalized[i] = (x[i] - *mean) / *std;
  auto forward = [&](const float *input) {
    const float *inputs[1] = {input};
    REQUIRE(nnrt_forward(model, inputs, shapes) == 0);
    const float *y = nnrt_output(model, 0, nullptr, nullptr);
    return std::vector<float>(y, y + 4);
  };
  std::vector<float> byHand = forward(normalized);
  std::vector<float> raw = forward(x);
  CHECK(raw != byHand); // off by default
  CHECK(nnrt_set_preprocess(model, 1) == 0);
  CHECK(forward(x) == byHand);
  CHECK(x[0] == 1.0f); // the caller's buffer is not touched
  CHECK(nnrt_set_preprocess(model, 0) == 0);
  CHECK(forward(x) == raw);
  CHECK(nnrt_init_params(model, 1) == 0);
  CHECK(nnrt_input_normalization(model, &mean, &std) == 0);
  CHECK(nnrt_input_normalization(nullptr, &mean, &std) == -1);
  CHECK(nnrt_set_preprocess(nullptr, 1) != 0);
  nnrt_destroy(model);
}

TEST_CASE("C API: version, options, names and shapes, caller buffers") {
  CHECK(nnrt_api_version() == NNRT_API_VERSION);
  nnrt_options options{};
  options.struct_size = sizeof options;
  options.threads = 2;
  nnrt_model *model = nnrt_create_with(&nnc_model, &options);
  REQUIRE(model != nullptr);
  CHECK(std::string(nnrt_input_name(model, 0)) == "x");
  CHECK(nnrt_input_name(model, 1) == nullptr);
  CHECK(std::string(nnrt_last_error()) == "input index 1 out of range");
  CHECK(std::string(nnrt_output_name(model, 0)) == "y");
  CHECK(nnrt_output_rank(model, 0) == 2);
  CHECK(nnrt_output_rank(model, -1) == -1);
  CHECK(std::string(nnrt_input_dim(model, 0, 0)) == "B");
  CHECK(std::string(nnrt_input_dim(model, 0, 1)) == "3");
  CHECK(nnrt_input_dim(model, 0, 2) == nullptr);
  CHECK(std::string(nnrt_last_error()) == "input `x` has no dimension 2");

  const int64_t shape[2] = {4, 3};
  const int64_t *shapes[1] = {shape};
  int64_t out[2] = {0, 0};
  REQUIRE(nnrt_output_shape(model, 0, shapes, out) == 0);
  CHECK(out[0] == 4);
  CHECK(out[1] == 2);
  const int64_t bad[2] = {4, 5};
  const int64_t *badShapes[1] = {bad};
  CHECK(nnrt_output_shape(model, 0, badShapes, out) != 0);

  // The caller's buffer: the same values as nnrt_forward's, nothing kept.
  REQUIRE(nnrt_init_params(model, 7) == 0);
  const float x[12] = {1, 2, 3, -1, 0, 1, 0.5f, 0.5f, 0.5f, 3, 2, 1};
  const float *inputs[1] = {x};
  float y[8] = {0};
  float *outputs[1] = {y};
  int64_t capacity[1] = {8};
  REQUIRE(nnrt_forward_into(model, inputs, shapes, outputs, capacity) == 0);
  CHECK(nnrt_output(model, 0, nullptr, nullptr) == nullptr);
  REQUIRE(nnrt_forward(model, inputs, shapes) == 0);
  const float *kept = nnrt_output(model, 0, nullptr, nullptr);
  REQUIRE(kept != nullptr);
  CHECK(std::memcmp(kept, y, sizeof y) == 0);
  capacity[0] = 7;
  CHECK(nnrt_forward_into(model, inputs, shapes, outputs, capacity) != 0);
  CHECK(std::string(nnrt_last_error()) ==
        "output `y` of shape [4, 2] needs 8 floats, and its buffer holds 7");
  float *nullOutputs[1] = {nullptr};
  capacity[0] = 8;
  CHECK(nnrt_forward_into(model, inputs, shapes, nullOutputs, capacity) != 0);
  CHECK(std::string(nnrt_last_error()) == "output `y`: the buffer is NULL");
  CHECK(nnrt_forward_into(model, inputs, shapes, outputs, nullptr) != 0);
  nnrt_destroy(model);

  // Options this library does not know, bad counts, no model.
  options.struct_size = sizeof options + 8;
  CHECK(nnrt_create_with(&nnc_model, &options) == nullptr);
  CHECK(std::string(nnrt_last_error()).find("set it to sizeof(nnrt_options)") !=
        std::string::npos);
  options.struct_size = sizeof options;
  options.threads = -1;
  CHECK(nnrt_create_with(&nnc_model, &options) == nullptr);
  CHECK(std::string(nnrt_last_error()) ==
        "nnrt_options.threads must be from 0 (every CPU) to 1024, got -1");
  CHECK(nnrt_create_with(nullptr, nullptr) == nullptr);
  nnrt_model *defaults = nnrt_create_with(&nnc_model, nullptr);
  CHECK(defaults != nullptr);
  nnrt_destroy(defaults);
}

TEST_CASE("C API: status codes by kind of error") {
  CHECK(std::string(nnrt_status_name(NNRT_SHAPE_MISMATCH)) == "NNRT_SHAPE_MISMATCH");
  CHECK(std::string(nnrt_status_name(12345)) == "unknown");
  nnrt_model *model = nnrt_create_with(&nnc_model, nullptr);
  REQUIRE(model != nullptr);
  CHECK(nnrt_init_params(nullptr, 1) == NNRT_INVALID_ARGUMENT);
  CHECK(nnrt_last_status() == NNRT_INVALID_ARGUMENT);
  CHECK(nnrt_load_params(model, "/nonexistent.safetensors") == NNRT_FILE_ERROR);
  CHECK(nnrt_last_status() == NNRT_FILE_ERROR);
  ScratchDir dir("c_api_status");
  std::string junk = dir.file("junk.safetensors");
  writeBytesFile(junk, "not a safetensors file at all");
  CHECK(nnrt_load_params(model, junk.c_str()) == NNRT_INVALID_FILE);
  CHECK(nnrt_load_checkpoint(model, junk.c_str()) == NNRT_INVALID_FILE);
  CHECK(nnrt_param_data(model, "nope", nullptr) == nullptr);
  CHECK(nnrt_last_status() == NNRT_NOT_FOUND);
  const float x[6] = {0};
  const int64_t shape[2] = {2, 4}; // the model takes [B, 3]
  const float *inputs[1] = {x};
  const int64_t *shapes[1] = {shape};
  CHECK(nnrt_forward(model, inputs, shapes) == NNRT_SHAPE_MISMATCH);
  nnrt_options options{};
  options.struct_size = 1000;
  CHECK(nnrt_create_with(&nnc_model, &options) == nullptr);
  CHECK(nnrt_last_status() == NNRT_VERSION_MISMATCH);
  nnc_model_descriptor old = nnc_model;
  old.abi_version = NNC_MODEL_ABI_VERSION - 1;
  CHECK(nnrt_create_with(&old, nullptr) == nullptr);
  CHECK(nnrt_last_status() == NNRT_VERSION_MISMATCH);
  CHECK(std::string(nnrt_last_error()).find("rebuild it") != std::string::npos);
  // A later success leaves the last error as it was.
  CHECK(nnrt_init_params(model, 1) == NNRT_OK);
  CHECK(nnrt_last_status() == NNRT_VERSION_MISMATCH);
  nnrt_destroy(model);
}

TEST_CASE("C API: training steps, gradients and an exact resume") {
  nnrt_model *model = nnrt_create_with(&nnc_model, nullptr);
  REQUIRE(model != nullptr);
  CHECK(nnrt_can_train(model) == 1);
  CHECK(nnrt_can_train(nullptr) == 0);
  REQUIRE(nnrt_init_params(model, 3) == NNRT_OK);
  CHECK(nnrt_train_step_count(model) == 0);
  const float x[6] = {1, 2, 3, -1, 0.5f, 2}; // [2, 3]
  const float t[4] = {0.5f, -1, 2, 0};       // [2, 2]
  const int64_t xShape[2] = {2, 3}, tShape[2] = {2, 2};

  // The loss is the mean squared error of the forward pass before the
  // update; the bias gradient is dL/dy * scale summed over the batch.
  const float *inputs[1] = {x};
  const int64_t *shapes[1] = {xShape};
  REQUIRE(nnrt_forward(model, inputs, shapes) == NNRT_OK);
  const float *y = nnrt_output(model, 0, nullptr, nullptr);
  double mse = 0, gradBias[2] = {0, 0};
  const float *scale = nnrt_param_data(model, "scale", nullptr);
  for (int i = 0; i < 4; ++i) {
    mse += (y[i] - t[i]) * (y[i] - t[i]) / 4.0;
    gradBias[i % 2] += 2.0 * (y[i] - t[i]) / 4.0 * scale[i % 2];
  }
  nnrt_batch batch{};
  batch.input = x;
  batch.input_shape = xShape;
  batch.targets = t;
  batch.target_shape = tShape;
  batch.target_rank = 2;
  float loss = 0;
  REQUIRE(nnrt_train_step(model, &batch, &loss) == NNRT_OK);
  CHECK(loss == doctest::Approx(mse).epsilon(1e-6));
  CHECK(nnrt_train_step_count(model) == 1);
  int64_t numel = 0;
  const float *grad = nnrt_grad_data(model, "fc.bias", &numel);
  REQUIRE(grad != nullptr);
  CHECK(numel == 2);
  CHECK(grad[0] == doctest::Approx(gradBias[0]).epsilon(1e-5));
  CHECK(grad[1] == doctest::Approx(gradBias[1]).epsilon(1e-5));
  CHECK(nnrt_grad_data(model, "nope", nullptr) == nullptr);
  CHECK(nnrt_last_status() == NNRT_NOT_FOUND);

  // Saved after one step, loaded into another handle: the next steps agree
  // bit for bit.
  ScratchDir dir("c_api_train");
  std::string path = dir.file("ckpt.safetensors");
  REQUIRE(nnrt_save_checkpoint(model, path.c_str()) == NNRT_OK);
  nnrt_model *resumed = nnrt_create_with(&nnc_model, nullptr);
  REQUIRE(nnrt_load_checkpoint(resumed, path.c_str()) == NNRT_OK);
  CHECK(nnrt_train_step_count(resumed) == 1);
  for (int s = 0; s < 3; ++s) {
    REQUIRE(nnrt_train_step(model, &batch, nullptr) == NNRT_OK);
    REQUIRE(nnrt_train_step(resumed, &batch, nullptr) == NNRT_OK);
  }
  CHECK(std::memcmp(nnrt_param_data(model, "fc.weight", nullptr),
                    nnrt_param_data(resumed, "fc.weight", nullptr), 6 * sizeof(float)) == 0);
  // A plain parameter file is not a checkpoint; a checkpoint loads as parameters.
  std::string params = dir.file("p.safetensors");
  REQUIRE(nnrt_save_params(model, params.c_str()) == NNRT_OK);
  CHECK(nnrt_load_checkpoint(resumed, params.c_str()) == NNRT_INVALID_FILE);
  CHECK(nnrt_train_step_count(resumed) == 4); // unchanged
  CHECK(nnrt_load_params(resumed, path.c_str()) == NNRT_OK);

  // Bad batches change nothing.
  std::vector<float> before(nnrt_param_data(model, "fc.weight", nullptr),
                            nnrt_param_data(model, "fc.weight", nullptr) + 6);
  const int64_t labels[2] = {0, 1};
  nnrt_batch withLabels = batch;
  withLabels.labels = labels;
  CHECK(nnrt_train_step(model, &withLabels, nullptr) == NNRT_INVALID_ARGUMENT);
  CHECK(std::string(nnrt_last_error()).find("not class labels") != std::string::npos);
  const int64_t tBad[2] = {3, 2};
  nnrt_batch wrongTargets = batch;
  wrongTargets.target_shape = tBad;
  CHECK(nnrt_train_step(model, &wrongTargets, nullptr) == NNRT_SHAPE_MISMATCH);
  nnrt_batch noTargets = batch;
  noTargets.targets = nullptr;
  CHECK(nnrt_train_step(model, &noTargets, nullptr) == NNRT_INVALID_ARGUMENT);
  nnrt_batch badRank = batch;
  badRank.target_rank = 0;
  CHECK(nnrt_train_step(model, &badRank, nullptr) == NNRT_INVALID_ARGUMENT);
  const int64_t xBad[2] = {2, 4};
  nnrt_batch wrongInput = batch;
  wrongInput.input_shape = xBad;
  CHECK(nnrt_train_step(model, &wrongInput, nullptr) == NNRT_SHAPE_MISMATCH);
  CHECK(nnrt_train_step(model, nullptr, nullptr) == NNRT_INVALID_ARGUMENT);
  CHECK(std::memcmp(before.data(), nnrt_param_data(model, "fc.weight", nullptr),
                    6 * sizeof(float)) == 0);
  CHECK(nnrt_train_step_count(model) == 4);
  nnrt_destroy(resumed);
  nnrt_destroy(model);
}

TEST_CASE("C API: the device option, and options of the first version") {
  // struct_size 8: an options struct from before `device` was added runs on the CPU.
  nnrt_options old{};
  old.struct_size = int32_t(offsetof(nnrt_options, device));
  old.threads = 1;
  old.device = 12345; // beyond struct_size: not read
  nnrt_model *model = nnrt_create_with(&nnc_model, &old);
  CHECK(model != nullptr);
  nnrt_destroy(model);

  nnrt_options options{};
  options.struct_size = sizeof options;
  options.device = 7;
  CHECK(nnrt_create_with(&nnc_model, &options) == nullptr);
  CHECK(nnrt_last_status() == NNRT_INVALID_ARGUMENT);
  CHECK(std::string(nnrt_last_error()).find("nnrt_options.device must be") != std::string::npos);

  // No driver: the library named by NNC_LIBCUDA is not there.
  setenv("NNC_LIBCUDA", "/nonexistent/libcuda.so.1", 1);
  options.device = NNRT_DEVICE_CUDA;
  CHECK(nnrt_create_with(&nnc_model, &options) == nullptr);
  CHECK(nnrt_last_status() == NNRT_UNSUPPORTED);
  CHECK(std::string(nnrt_last_error())
            .rfind("nnrt_options.device = NNRT_DEVICE_CUDA: no CUDA driver: cannot load "
                   "/nonexistent/libcuda.so.1",
                   0) == 0);
  unsetenv("NNC_LIBCUDA");
}
