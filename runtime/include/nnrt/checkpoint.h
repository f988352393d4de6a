//===- checkpoint.h - Training checkpoints as one safetensors file --------===//
//
// A checkpoint is a safetensors file (safetensors.h) that PyTorch can read:
//
//   <name>                         every manifest tensor, by state_dict name
//   optimizer.momentum_buffer.<n>  SGD with momentum, per trainable tensor
//   optimizer.exp_avg.<n>          Adam, AdamW
//   optimizer.exp_avg_sq.<n>       Adam, AdamW
//   __metadata__                   "format": "pt" and the nnc.* keys below
//
// nnc.checkpoint (format version "1"), nnc.model, nnc.step (steps done),
// nnc.epoch (completed epochs), nnc.seed, nnc.optimizer (optimizerToJson),
// nnc.data (the data order: batch, shuffle, validation, train_samples and
// the normalisation statistics) and nnc.crc32 (zlib's CRC-32 of the whole
// data section, 8 hex digits). Writes are atomic (file_io.h): a crash while
// saving leaves the previous checkpoint as it was.
//
// Loading is two-phase so that a refusal changes nothing: readCheckpoint
// checks the file (size, header, checksum, metadata) and that it fits the
// trainer (tensors, shapes, optimizer); applyCheckpoint then copies.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_CHECKPOINT_H
#define NNRT_CHECKPOINT_H

#include "nnrt/data.h"
#include "nnrt/safetensors.h"
#include "nnrt/trainer.h"

#include <cstdint>
#include <optional>
#include <string>

namespace nnrt {

/// What decides the order of the batches, and the normalisation applied.
/// Resuming is exact only when the order is the same.
struct DataState {
  int64_t batch = 0;
  bool shuffle = true;
  double validation = 0.0;
  int64_t trainSamples = 0;
  std::string normalize = "none";             ///< none, global or per_feature
  std::optional<Normalization> normalization; ///< The statistics applied.
};

/// The metadata of a checkpoint.
struct CheckpointInfo {
  int64_t step = 0;  ///< Training steps done (saving takes trainer.steps()).
  int64_t epoch = 0; ///< Completed epochs.
  uint64_t seed = 0;
  OptimizerConfig optimizer; ///< Saving takes trainer.optimizer().
  DataState data;
};

/// Writes the trainer's parameters and optimizer state with `info` (step and
/// optimizer taken from the trainer) to `path`, atomically. Throws
/// Error("<path>: ...").
void saveCheckpoint(const std::string &path, const Trainer &trainer,
                    const CheckpointInfo &info);

/// A checkpoint file read and checked against a trainer, not yet applied.
struct LoadedCheckpoint {
  SafeTensorsFile file;
  CheckpointInfo info;
};

/// Reads `path` and checks it: a safetensors file, a training checkpoint
/// (nnc.* metadata), the CRC-32 of its data, exactly the trainer's tensors
/// and optimizer state with the manifest's shapes as F32, and the trainer's
/// optimizer. Throws Error("<path>: ...") otherwise; changes nothing.
LoadedCheckpoint readCheckpoint(const std::string &path,
                                const Trainer &trainer);

/// readCheckpoint over bytes from `source` (a pipe, memory), named by its
/// name() in messages.
LoadedCheckpoint readCheckpoint(ByteSource &source, const Trainer &trainer);

/// Throws Error("<path>: ...") when `current` would give another batch
/// order than the checkpoint's (seed, batch size, shuffling, validation
/// fraction or number of training samples differ), or other inputs (another
/// normalize mode, or statistics that differ: other data).
void checkDataOrder(const LoadedCheckpoint &checkpoint, uint64_t seed,
                    const DataState &current);

/// Copies parameters and optimizer state into the trainer, zeroes its
/// gradients and sets its step counter. Cannot fail.
void applyCheckpoint(const LoadedCheckpoint &checkpoint, Trainer &trainer);

/// readCheckpoint then applyCheckpoint; returns the metadata.
CheckpointInfo loadCheckpoint(const std::string &path, Trainer &trainer);

/// The checkpoint metadata of a safetensors file already read, or nullopt
/// for a plain parameter file (no nnc.checkpoint key). Verifies the CRC-32;
/// throws Error("<path>: ...") for a corrupt checkpoint.
std::optional<CheckpointInfo> checkpointInfo(const SafeTensorsFile &file);

/// True for the name of an optimizer-state tensor of a checkpoint
/// ("optimizer.exp_avg.fc.weight"), which a parameter load skips.
bool isOptimizerStateName(const std::string &name);

} // namespace nnrt

#endif // NNRT_CHECKPOINT_H
