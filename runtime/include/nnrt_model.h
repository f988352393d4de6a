//===- nnrt_model.h - The contract between compiled model code and libnnrt ===//
//
// `nnc build` emits an object file that defines the symbols below; libnnrt
// (and the executable's command line on top of it) uses nothing else of the
// compiled model. The manifest says what the arena, the inputs and the outputs
// look like; docs/manifest.md describes its JSON schema.
//
// Models whose source has a `train` block with a `loss` also define the
// training symbols (nnc_model_evaluate*, nnc_model_train_step*); the others do
// not, and the runtime refers to them weakly.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_MODEL_H
#define NNRT_MODEL_H

#include <stdint.h>

/// The version of this contract: the symbols below and their signatures.
/// The compiler writes it into the manifest (`"abi"`), and the runtime
/// refuses a model compiled for another version before it calls anything.
/// Bump it with every change to a symbol's meaning or signature.
#define NNC_MODEL_ABI_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

/// NUL-terminated JSON manifest of the compiled model.
extern const char nnc_model_manifest[];

/// Bytes of scratch memory `nnc_model_forward` needs when the manifest's
/// symbols (in manifest order) take the values `dims`; -1 when that size
/// does not fit in int64 (so do the other two workspace functions).
int64_t nnc_model_forward_workspace(const int64_t *dims);

/// Runs the forward pass.
///   dims:      one value per manifest symbol, in manifest order.
///   arena:     the parameter arena: every manifest tensor at its element
///              offset, float32, row-major.
///   inputs:    one dense row-major float32 buffer per manifest input.
///   outputs:   one dense row-major float32 buffer per manifest output,
///              sized by the output shapes evaluated at `dims`.
///   workspace: at least nnc_model_forward_workspace(dims) bytes, 64-byte
///              aligned.
void nnc_model_forward(const int64_t *dims, const float *arena,
                       const float *const *inputs, float *const *outputs,
                       void *workspace);

//===----------------------------------------------------------------------===//
// Training (only in models with a train block; see the manifest's `training`)
//===----------------------------------------------------------------------===//

/// Bytes of workspace nnc_model_evaluate needs at `dims`.
int64_t nnc_model_evaluate_workspace(const int64_t *dims);

/// The forward pass and the loss, without gradients.
///   inputs:  the manifest inputs, then the target (training.target's shape).
///   outputs: the manifest outputs, then the loss (one float: the mean over
///            the batch, as the train block's loss computes it).
void nnc_model_evaluate(const int64_t *dims, const float *arena,
                        const float *const *inputs, float *const *outputs,
                        void *workspace);

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

/// Bytes of workspace nnc_model_train_step needs at `dims`.
int64_t nnc_model_train_workspace(const int64_t *dims);

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
void nnc_model_train_step(const int64_t *dims, float *arena, float *state,
                          const float *const *inputs, float *const *outputs,
                          const nnc_update *update, void *workspace);

#ifdef __cplusplus
}
#endif

#endif // NNRT_MODEL_H
