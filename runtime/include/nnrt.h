/*===- nnrt.h - The C API of a compiled nnc model --------------------------===
 *
 * A small, stable C interface for applications that embed a model compiled by
 * nnc: create the model, initialise, load and save its parameters, read and
 * write parameters by state_dict name, run the forward pass, destroy it.
 * Usable from C and C++. docs/runtime.md has the reference with an example.
 *
 * Conventions: functions returning int return NNRT_OK (0) on success and an
 * nnrt_status on error; functions returning pointers return NULL, and
 * functions returning counts or ids -1, on error. After an error,
 * nnrt_last_status() and nnrt_last_error() describe it. No function aborts
 * or lets an exception through. A model handle is not thread-safe: use one
 * handle per thread, or serialise the calls.
 *
 *===----------------------------------------------------------------------===*/
#ifndef NNRT_H
#define NNRT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The version of this C API: its functions, structs and their meaning
/// (distinct from NNC_MODEL_ABI_VERSION, the contract between compiled
/// models and the runtime). A program compares it with nnrt_api_version()
/// to detect a libnnrt of another version.
#define NNRT_API_VERSION 1

/// The NNRT_API_VERSION libnnrt was built with.
int nnrt_api_version(void);

/// What went wrong, by kind; what int-returning functions return.
typedef enum nnrt_status {
  NNRT_OK = 0,
  NNRT_INVALID_ARGUMENT = 1, ///< a NULL pointer, an index out of range, a bad value
  NNRT_SHAPE_MISMATCH = 2,   ///< inputs or targets whose shapes do not fit the model
  NNRT_FILE_ERROR = 3,       ///< a file that cannot be opened, read, written or replaced
  NNRT_INVALID_FILE = 4,     ///< a file whose content is malformed or does not fit the model
  NNRT_OUT_OF_MEMORY = 5,    ///< an allocation failed, or its size does not fit in 64 bits
  NNRT_VERSION_MISMATCH = 6, ///< a model compiled for another ABI, an unknown options struct
  NNRT_NOT_FOUND = 7,        ///< no tensor, module or hook of that name or id
  NNRT_INVALID_STATE = 8,    ///< not now: the model is running (a hook calls its own model)
  NNRT_UNSUPPORTED = 9,      ///< not in this model: training without a train block, ...
  NNRT_HOOK_STOPPED = 10,    ///< a hook returned non-zero (nnrt_last_hook_status)
  NNRT_INTERNAL_ERROR = 11   ///< a bug of nnc: please report it with the message
} nnrt_status;

/// The status of the last failed call on this thread (NNRT_OK if none).
nnrt_status nnrt_last_status(void);

/// A constant name of `status`: "NNRT_SHAPE_MISMATCH"; "unknown" if none.
const char *nnrt_status_name(int status);

/// What the hook that stopped the last call on this thread returned (the
/// call returned NNRT_HOOK_STOPPED); 0 if no hook stopped a call.
int nnrt_last_hook_status(void);

/// An opaque handle: the linked-in compiled model, its parameter arena, its
/// workspace and the outputs of the last forward call.
typedef struct nnrt_model nnrt_model;

/// A compiled model's descriptor: `<prefix>_model` of an object built by
/// `nnc build --emit obj --prefix PREFIX` (runtime/include/nnrt_model.h).
struct nnc_model_descriptor;

/// What nnrt_create_with takes besides the model. Zero it, set struct_size
/// to sizeof(nnrt_options) and what you need: a later version may add
/// fields, and reads only those this size covers.
typedef struct nnrt_options {
  int32_t struct_size;
  /// Threads the compiled code runs on, the caller's included; 0: every CPU
  /// this process may use. The results do not depend on it.
  int32_t threads;
  /// Where the model runs: NNRT_DEVICE_CPU (0, the default) or
  /// NNRT_DEVICE_CUDA. The GPU runtime is not built yet: with CUDA,
  /// nnrt_create_with checks the driver and the device and fails with
  /// NNRT_UNSUPPORTED saying what is missing (docs/gpu.md).
  int32_t device;
} nnrt_options;

/** nnrt_options::device */
#define NNRT_DEVICE_CPU 0
#define NNRT_DEVICE_CUDA 1

/// Creates a model from the compiled model linked into the program. Its
/// parameters are all zero until nnrt_init_params or nnrt_load_params.
/// Returns NULL on error (an invalid manifest).
nnrt_model *nnrt_create(void);

/// Creates a model from `model` (several models live in one program, each
/// built with its own --prefix) with `options` (NULL: the defaults).
/// Returns NULL on error: a NULL model, a model compiled for another ABI,
/// an options struct this library does not know, a bad thread count.
nnrt_model *nnrt_create_with(const struct nnc_model_descriptor *model,
                             const nnrt_options *options);

/// Destroys a model; NULL is allowed. Output pointers die with it.
void nnrt_destroy(nnrt_model *model);

/// Message of the last failed call on this thread ("" if none). Valid until
/// the next failing call on this thread.
const char *nnrt_last_error(void);

/// Initialises every tensor from its manifest initialiser with `seed`.
/// The values depend only on (seed, tensor name, element index). Forgets a
/// loaded checkpoint's input normalisation.
int nnrt_init_params(nnrt_model *model, uint64_t seed);

/// Loads all parameters and buffers from a safetensors file by state_dict
/// name. Every tensor must be present, F32, with the model's shape, and no
/// other tensor may be in the file (a training checkpoint's optimizer state
/// is skipped). On error the parameters are unchanged. A training checkpoint
/// also brings its input normalisation (nnrt_input_normalization).
int nnrt_load_params(nnrt_model *model, const char *path);

/// The input normalisation recorded by the file of the last successful
/// nnrt_load_params: a training checkpoint trained with normalize "global"
/// (one mean and std) or "per_feature" (one per element of a sample of
/// input 0). Returns how many (mean, std) pairs there are and points *mean
/// and *std at them when not NULL (owned by the model, valid until the next
/// load, init or destroy); 0 when there are none (a parameter file from
/// `init` or PyTorch, a checkpoint trained without normalisation, nothing
/// loaded, or after nnrt_init_params); -1 on error.
int64_t nnrt_input_normalization(const nnrt_model *model, const float **mean,
                                 const float **std);

/// With `enable` non-zero, nnrt_forward applies that normalisation,
/// x' = (x - mean) / std, to a copy of input 0 before running the model, as
/// the executable's `eval` and `predict` do; with 0 (the default) inputs are
/// used as given. Returns 0, or non-zero on error.
int nnrt_set_preprocess(nnrt_model *model, int enable);

/// Saves all parameters and buffers to a safetensors file, atomically (a
/// symlink's target is replaced, a device or FIFO is written through; see
/// docs/runtime.md).
int nnrt_save_params(nnrt_model *model, const char *path);

/// Number of tensors (parameters and buffers) in the model; -1 on error.
int nnrt_param_count(const nnrt_model *model);

/// state_dict name of tensor `i` (0 <= i < nnrt_param_count), in manifest
/// order; NULL if out of range. Owned by the model.
const char *nnrt_param_name(const nnrt_model *model, int i);

/// The float32 data of the tensor called `name`, writable, row-major; its
/// element count goes to *numel when numel is not NULL. NULL if there is no
/// such tensor. Valid until nnrt_destroy.
float *nnrt_param_data(nnrt_model *model, const char *name, int64_t *numel);

/// Number of inputs of the forward function.
int nnrt_input_count(const nnrt_model *model);
/// Rank of input `i`, i.e. how many dimensions its shape array must hold;
/// -1 if out of range.
int nnrt_input_rank(const nnrt_model *model, int i);
/// Number of outputs of the forward function.
int nnrt_output_count(const nnrt_model *model);
/// Name of input `i` / output `i` as the model's forward names it; NULL if
/// out of range. Owned by the model.
const char *nnrt_input_name(const nnrt_model *model, int i);
const char *nnrt_output_name(const nnrt_model *model, int i);
/// Rank of output `i`; -1 if out of range.
int nnrt_output_rank(const nnrt_model *model, int i);
/// Dimension `d` of input `i` as the manifest writes it: "B", "784" or
/// "B*784" (symbols bind from the inputs' shapes); NULL if out of range.
const char *nnrt_input_dim(const nnrt_model *model, int i, int d);

/// The shape output `i` has for inputs of `input_shapes` (as nnrt_forward
/// takes them), written to `shape` (nnrt_output_rank entries). Returns 0,
/// or non-zero when the shapes do not fit the model.
int nnrt_output_shape(const nnrt_model *model, int i,
                      const int64_t *const *input_shapes, int64_t *shape);

/// Runs the forward pass. `inputs[i]` is a dense row-major float32 buffer
/// for input i, `input_shapes[i]` its shape with nnrt_input_rank(model, i)
/// entries. Symbolic dimensions (the batch size) are bound from the shapes;
/// a shape that does not fit is an error. The inputs are not modified (with
/// nnrt_set_preprocess, input 0 is normalised in a copy). A model without
/// inputs takes NULL. The outputs are kept in the model
/// (nnrt_output) until the next nnrt_forward or nnrt_destroy.
int nnrt_forward(nnrt_model *model, const float *const *inputs,
                 const int64_t *const *input_shapes);

/// The same into the caller's buffers: `outputs[i]` receives output i and
/// holds `capacities[i]` floats, which must cover its size (see
/// nnrt_output_shape). Nothing is allocated for the outputs, and
/// nnrt_output does not see them.
int nnrt_forward_into(nnrt_model *model, const float *const *inputs,
                      const int64_t *const *input_shapes, float *const *outputs,
                      const int64_t *capacities);

/// Output `i` of the last nnrt_forward: its data, and its shape and rank
/// through `shape` and `rank` when not NULL. NULL if out of range or before
/// the first successful forward.
const float *nnrt_output(const nnrt_model *model, int i, const int64_t **shape,
                         int *rank);

/* ---- Hooks (docs/hooks.md) ------------------------------------------------
 * PyTorch's module hooks on the compiled model. While any hook is
 * registered the model runs its hooked code, in which every module's inputs
 * and outputs are stored; with none, it runs the fused code at full speed.
 * Hooks run on the calling thread, one at a time, in registration order. */

/** nnrt_hook_call::kind */
#define NNRT_HOOK_FORWARD 0
#define NNRT_HOOK_BACKWARD 1

/** Flag of the register functions: the hook may write its module's outputs
 * (forward; refused in a training step) or grad_input (backward), and what
 * it writes flows on. Without it the tensors are read-only. */
#define NNRT_HOOK_REPLACES 1

/** A tensor a hook gets: dense row-major float32. */
typedef struct nnrt_hook_tensor {
  float *data;
  const int64_t *shape;
  int rank;
  /** Its position among the call's inputs (positional arguments first,
   * then named ones) or outputs (the items of a returned tuple). */
  int64_t index;
} nnrt_hook_tensor;

/** What a hook is called with; valid during the call only. */
typedef struct nnrt_hook_call {
  const char *module; /**< the module path, e.g. "net.0"; "" for the model */
  int64_t call;       /**< 1 for the module's first call in this forward, 2... */
  int kind;           /**< NNRT_HOOK_FORWARD or NNRT_HOOK_BACKWARD */
  int training;       /**< non-zero in a training step */
  int may_replace;    /**< the hook was registered with NNRT_HOOK_REPLACES */
  /** Forward: the inputs; backward: grad_input, without the gradients
   * PyTorch gives as None (see each tensor's index). */
  int input_count;
  const nnrt_hook_tensor *inputs;
  /** Forward: the outputs; backward: grad_output. */
  int output_count;
  const nnrt_hook_tensor *outputs;
} nnrt_hook_call;

/** A hook returns 0 to go on; any other value stops the call, which then
 * returns NNRT_HOOK_STOPPED, with the value in nnrt_last_hook_status() (a
 * training step updates nothing). */
typedef int (*nnrt_hook_fn)(void *user_data, const nnrt_hook_call *call);

/** Registers a forward hook on every module whose path matches `pattern`
 * (`net.0`, `blocks.*`, `**`: `*` one segment, `**` any number). Returns the
 * hook's id (at least 1), or -1 on error: a malformed pattern, one that
 * matches no module, a NULL function. */
int64_t nnrt_register_forward_hook(nnrt_model *model, const char *pattern,
                                   nnrt_hook_fn fn, void *user_data, int flags);

/** Registers a full backward hook (PyTorch's register_full_backward_hook):
 * called in a training step with grad_input and grad_output. Returns the
 * id, or -1 on error. */
int64_t nnrt_register_full_backward_hook(nnrt_model *model, const char *pattern,
                                         nnrt_hook_fn fn, void *user_data,
                                         int flags);

/** Removes hook `id`. Returns 0, or NNRT_NOT_FOUND when there is no such
 * hook. */
int nnrt_remove_hook(nnrt_model *model, int64_t id);

/* ---- Training (docs/embedding.md) ------------------------------------------
 * The training step of a model with a `train` block: forward, loss,
 * backward and the update of the train block's optimizer, compiled as one
 * function, as the executable's `train` runs it. The optimizer state lives
 * in the model handle; a checkpoint saves it with the parameters. */

/** One batch: the model's input 0 and the targets of its loss. */
typedef struct nnrt_batch {
  /** Input 0, dense row-major float32 of shape `input_shape` ([B, ...],
   * nnrt_input_rank(model, 0) entries), used as given (normalise it
   * yourself). */
  const float *input;
  const int64_t *input_shape;
  /** For a loss on class labels (cross_entropy, nll_loss): B class
   * indices; NULL otherwise. */
  const int64_t *labels;
  /** For any other loss: the targets, dense row-major of `target_shape`
   * ([B, ...], the loss's target shape); NULL with labels. */
  const float *targets;
  const int64_t *target_shape;
  int target_rank;
} nnrt_batch;

/** 1 when the model can train (it has a train block with a loss), else 0. */
int nnrt_can_train(const nnrt_model *model);

/** Runs one training step on `batch` and writes its loss (the mean over the
 * batch, computed before the update) to *loss when not NULL. Hooks
 * registered on the model run in it. On error nothing is updated. */
int nnrt_train_step(nnrt_model *model, const nnrt_batch *batch, float *loss);

/** Training steps done (restored by nnrt_load_checkpoint); -1 on error. */
int64_t nnrt_train_step_count(const nnrt_model *model);

/** The gradient of the tensor called `name` from the last training step,
 * as nnrt_param_data gives the tensor (zero before the first step); NULL
 * for an unknown name or a model that cannot train. */
const float *nnrt_grad_data(nnrt_model *model, const char *name, int64_t *numel);

/** Saves the parameters, the optimizer state and the step count to a
 * training checkpoint (the executable's `train --save` format, which
 * `--resume` and nnrt_load_params read too), atomically. */
int nnrt_save_checkpoint(nnrt_model *model, const char *path);

/** Loads a training checkpoint of this model and optimizer: parameters,
 * optimizer state and step count, so that training goes on exactly. On
 * error nothing changes. */
int nnrt_load_checkpoint(nnrt_model *model, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* NNRT_H */
