//===- param_store.h - The parameter arena and its named views ------------===//
//
// A model's parameters and buffers live in one float32 arena laid out by the
// manifest (tensor i at its element offset), which is what the compiled code
// reads. ParamStore owns that arena, hands out named views, initialises every
// tensor from its manifest initialiser and loads/saves safetensors by
// state_dict name. The gradients and optimizer state of training live in the
// Trainer (trainer.h), in one arena of three times this layout.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_PARAM_STORE_H
#define NNRT_PARAM_STORE_H

#include "nnrt/data.h"
#include "nnrt/manifest.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace nnrt {

/// A zero-initialised float buffer aligned to 64 bytes (a cache line and an
/// AVX-512 vector), as the compiled code assumes.
class AlignedBuffer {
public:
  AlignedBuffer() = default;
  /// Throws Error("<what> needs ..., more than this machine's memory") for a
  /// size past the physical memory (memory.h), before allocating.
  explicit AlignedBuffer(size_t bytes, const std::string &what = "a buffer");

  void *data() const { return data_.get(); }
  float *floats() const { return static_cast<float *>(data_.get()); }
  size_t bytes() const { return bytes_; }

private:
  struct Free {
    void operator()(void *p) const;
  };
  std::unique_ptr<void, Free> data_;
  size_t bytes_ = 0;
};

/// How the inputs were preprocessed when the parameters were trained, as a
/// training checkpoint records it (checkpoint.h): `eval` and `predict`
/// reapply it, so raw inputs look as they did in training. A plain parameter
/// file (from `init`, or PyTorch) records nothing.
struct Preprocessing {
  /// none, global or per_feature; empty when the file records nothing.
  std::string normalize;
  /// The statistics applied, when normalize is not none.
  std::optional<Normalization> normalization;

  bool recorded() const { return !normalize.empty(); }
};

/// The arenas of a model, all with the manifest's layout (the training state
/// is the Trainer's).
struct Arenas {
  AlignedBuffer params; ///< Parameters and buffers.
};

/// The parameter arena of one model.
class ParamStore {
public:
  explicit ParamStore(const Manifest &manifest);

  const Manifest &manifest() const { return *manifest_; }
  /// The start of the parameter arena, as the compiled code takes it.
  float *arena() const { return arenas_.params.floats(); }

  /// The view of tensor `name`; throws Error if there is none.
  std::span<float> view(const std::string &name) const;

  /// Initialises every tensor from its manifest initialiser.
  void initAll(uint64_t seed);

  /// Loads every tensor from a safetensors file. Throws Error naming the file
  /// for a missing or extra tensor, a shape mismatch or a dtype other than
  /// F32; the arena is unchanged when it throws. A training checkpoint
  /// (checkpoint.h) is accepted: its checksum is verified and its
  /// `optimizer.*` tensors are ignored. Returns the preprocessing the
  /// checkpoint recorded (nothing for a plain parameter file).
  Preprocessing load(const std::string &path);

  /// Saves every tensor by name (manifest order) with `__metadata__`
  /// {"format": "pt"}, atomically.
  void save(const std::string &path) const;

private:
  const Manifest *manifest_;
  Arenas arenas_;
};

} // namespace nnrt

#endif // NNRT_PARAM_STORE_H
