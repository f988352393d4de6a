//===- nnrt_model.h - The contract between compiled model code and libnnrt ===//
//
// `nnc build` emits an object file whose one external symbol is a model
// descriptor, `<prefix>_model` (`--prefix`, default `nnc`: `nnc_model`, the
// one an executable's runtime links to), holding the manifest and the entry
// points below; several models built with different prefixes live in one
// program. libnnrt (and the executable's command line on top of it) uses
// nothing else of the compiled model. The manifest says what the arena, the
// inputs and the outputs look like; docs/manifest.md describes its JSON
// schema.
//
// Every entry point takes a context first: what the runtime lends the code
// for one call (its threads now; the hook table and the device next).
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_MODEL_H
#define NNRT_MODEL_H

#include <stdint.h>

/// The version of this contract: the descriptor, the context and the entry
/// points' signatures. The compiler writes it into the descriptor and the
/// manifest (`"abi"`), and the runtime refuses a model compiled for another
/// version before it calls anything. Bump it with every change to a
/// symbol's meaning or signature.
#define NNC_MODEL_ABI_VERSION 3

#ifdef __cplusplus
extern "C" {
#endif

/// A task of nnc_context::parallel_for: the `index`th of its calls.
typedef void (*nnc_task_fn)(void *data, int64_t index);

/// The hooks of one call of a hooked entry point (nnc_context::hooks).
typedef struct nnc_hooks {
  /// Runs the hooks registered for hook point `point` of the running entry
  /// point (the manifest's "hooks" list for it) with that point's tensors:
  /// one pointer per tensor the manifest lists, inputs then outputs, each
  /// dense row-major float32 of the listed shape. A tensor the hooks
  /// replace is written in place. Returns 0 to go on; anything else stops
  /// the entry point at once (a training step then updates nothing).
  int32_t (*call)(void *table, int32_t point, float *const *tensors);
  void *table; ///< call's first argument
} nnc_hooks;

/// What the runtime lends the compiled code for one call. Entry points
/// accept a null context: they then run on the calling thread alone.
typedef struct nnc_context {
  /// Threads that parallel_for may run tasks on at once, the caller's
  /// included (at least 1). The workspace sizes depend on it: call an entry
  /// point with the context its workspace was sized for.
  int32_t threads;
  int32_t reserved0;
  /// Calls task(data, i) for every i in [0, count), at most `threads` at a
  /// time, the calling thread taking part, and returns when all have
  /// returned. The compiled code's results do not depend on which thread
  /// runs which task. Null: the code runs its tasks itself, in order.
  void (*parallel_for)(void *pool, int64_t count, nnc_task_fn task, void *data);
  void *pool;   ///< parallel_for's first argument
  /// The hooks (an nnc_hooks) the hooked entry points call at their hook
  /// points; null: they call none. The fused entry points ignore it.
  const nnc_hooks *hooks;
  void *device; ///< reserved for the device and stream; null
} nnc_context;

/// The optimizer update rules of nnc_model_train_step.
enum { NNC_UPDATE_SGD = 0, NNC_UPDATE_ADAM = 1 };

/// One step's update, as per-step scalars the runtime derives from the
/// optimizer's hyperparameters and the step number (docs/training.md gives
/// the derivation for SGD, Adam and AdamW). For each trainable element, with
/// p the parameter, g its gradient, s1 and s2 its two state slots:
///
///   SGD:  d  = g + weight_decay * p
///         s1 = keep * s1 + take * d                     (momentum buffer)
///         p  = p - lr * (d_coef * d + s1_coef * s1)
///   Adam: g' = g + weight_decay * p
///         p  = decay * p
///         s1 = keep * s1 + take * g'                    (first moment)
///         s2 = keep2 * s2 + take2 * g' * g'             (second moment)
///         p  = p - lr * s1 / (sqrt(s2) / bias2_sqrt + eps)
typedef struct nnc_update {
  int32_t rule;       ///< NNC_UPDATE_SGD or NNC_UPDATE_ADAM
  float lr;           ///< SGD: the learning rate; Adam: lr / (1 - beta1^step)
  float weight_decay; ///< L2 penalty added to the gradient (0 for AdamW)
  float decay;        ///< Adam: AdamW's 1 - lr * weight_decay, else 1
  float keep, take;   ///< slot 1's recurrence
  float keep2, take2; ///< slot 2's recurrence (Adam)
  float d_coef, s1_coef; ///< SGD: the step direction
  float bias2_sqrt;   ///< Adam: sqrt(1 - beta2^step)
  float eps;          ///< Adam
} nnc_update;

/// Bytes of scratch memory an entry point needs when the manifest's symbols
/// (in manifest order) take the values `dims`, called with `ctx`; -1 when
/// that size does not fit in int64.
typedef int64_t (*nnc_workspace_fn)(const nnc_context *ctx, const int64_t *dims);

/// The forward pass (and evaluate: the forward pass and the loss).
///   dims:      one value per manifest symbol, in manifest order.
///   arena:     the parameter arena: every manifest tensor at its element
///              offset, float32, row-major.
///   inputs:    one dense row-major float32 buffer per manifest input
///              (evaluate: then the target, of training.target's shape).
///   outputs:   one dense row-major float32 buffer per manifest output,
///              sized by the output shapes evaluated at `dims` (evaluate:
///              then the loss, one float: the mean over the batch, as the
///              train block's loss computes it).
///   workspace: at least the workspace function's bytes, 64-byte aligned.
typedef void (*nnc_run_fn)(const nnc_context *ctx, const int64_t *dims,
                           const float *arena, const float *const *inputs,
                           float *const *outputs, void *workspace);

/// One training step: forward, loss, backward, and the update of every
/// trainable parameter in place.
///   arena:  the parameter arena (trainable tensors are updated; buffers and
///           frozen parameters are not).
///   state:  3 * arena_elements floats, zero before the first step: the
///           gradients, then optimizer slot 1, then slot 2, each with the
///           arena's layout. Gradients hold this step's values afterwards.
///   inputs:  the manifest inputs, then the target.
///   outputs: the manifest outputs, then the loss (one float), all computed
///            with the parameters before the update (for the epoch's
///            training loss and accuracy).
typedef void (*nnc_train_step_fn)(const nnc_context *ctx, const int64_t *dims,
                                  float *arena, float *state,
                                  const float *const *inputs,
                                  float *const *outputs,
                                  const nnc_update *update, void *workspace);

/// The one external symbol of a compiled model, `<prefix>_model`. The
/// training entry points are null in a model without a `train` block with
/// a `loss` (the manifest then has no `training`).
///
/// Each entry point comes twice: fused, and hooked. The hooked variant
/// computes the same values with every module boundary stored in a buffer
/// of its own and calls ctx->hooks after each module call (forward hooks)
/// and, in the training step, after each module's gradients (full backward
/// hooks); the manifest's "hooks" lists its hook points. The runtime calls
/// it only while a hook is registered: the fused one costs nothing extra.
typedef struct nnc_model_descriptor {
  int32_t abi_version; ///< NNC_MODEL_ABI_VERSION of the compiler
  int32_t reserved0;
  const char *manifest; ///< NUL-terminated JSON manifest
  nnc_workspace_fn forward_workspace;
  nnc_run_fn forward;
  nnc_workspace_fn evaluate_workspace;
  nnc_run_fn evaluate;
  nnc_workspace_fn train_workspace;
  nnc_train_step_fn train_step;
  nnc_workspace_fn forward_hooked_workspace;
  nnc_run_fn forward_hooked;
  nnc_workspace_fn evaluate_hooked_workspace;
  nnc_run_fn evaluate_hooked;
  nnc_workspace_fn train_hooked_workspace;
  nnc_train_step_fn train_step_hooked;
} nnc_model_descriptor;

#ifdef __cplusplus
}
#endif

#endif // NNRT_MODEL_H
