//===- nnrt_model.h - The contract between compiled model code and libnnrt ===//
//
// `nnc build` emits an object file that defines the symbols below; libnnrt
// (and the executable's command line on top of it) uses nothing else of the
// compiled model. The manifest says what the arena, the inputs and the outputs
// look like; docs/manifest.md describes its JSON schema.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_MODEL_H
#define NNRT_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// NUL-terminated JSON manifest of the compiled model.
extern const char nnc_model_manifest[];

/// Bytes of scratch memory `nnc_model_forward` needs when the manifest's
/// symbols (in manifest order) take the values `dims`.
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

#ifdef __cplusplus
}
#endif

#endif // NNRT_MODEL_H
