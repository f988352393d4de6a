//===- manifest.h - The compiled model's manifest, parsed -----------------===//
//
// A compiled model describes itself with a JSON manifest (docs/manifest.md):
// its symbolic dimensions, inputs, outputs and the tensors of its parameter
// arena with their initialisers. This header turns that JSON into plain
// structs, binds the symbols from concrete input shapes and evaluates output
// shapes. Parsing validates everything the runtime later relies on (offsets
// inside the arena, known symbols, known initialisers) so later code can trust
// the structs.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_MANIFEST_H
#define NNRT_MANIFEST_H

#include "nnrt/optimizer.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace nnrt {

/// One dimension of an input or output: constant * product of symbols, as
/// written "B", "B*784" or 10. `symbols` holds indices into Manifest::symbols.
struct Dim {
  int64_t constant = 1;
  std::vector<int> symbols;
  std::string text; ///< The spelling of the manifest, for messages.

  /// True when the dimension is exactly one symbol ("B"): such a dimension
  /// binds its symbol from an input shape.
  bool isSingleSymbol() const { return constant == 1 && symbols.size() == 1; }
  /// Value of the dimension once every symbol has a value.
  int64_t evaluate(const std::vector<int64_t> &dims) const;
};

/// An input or output of the forward function.
struct IoSpec {
  std::string name;
  std::vector<Dim> shape;
  std::string dtype; ///< Always "f32" for now.
};

/// The initialiser of a tensor, with every default made explicit.
struct InitSpec {
  std::string fn;     ///< zeros, ones, constant, normal, uniform, randn,
                      ///< kaiming_normal, kaiming_uniform, xavier_normal,
                      ///< xavier_uniform.
  double value = 0.0; ///< constant
  double mean = 0.0, std = 1.0; ///< normal
  double a = 0.0, b = 1.0;      ///< uniform interval; kaiming: `a` is the slope
  std::string mode = "fan_in";  ///< kaiming: fan_in or fan_out
  std::string nonlinearity = "leaky_relu"; ///< kaiming
  double gain = 1.0;                       ///< xavier
};

/// A parameter or buffer of the arena.
struct TensorSpec {
  std::string name; ///< PyTorch state_dict name, e.g. "net.0.weight".
  std::string kind; ///< "param" or "buffer".
  bool trainable = true;
  std::vector<int64_t> shape;
  int64_t offset = 0; ///< In elements from the start of the arena.
  InitSpec init;

  int64_t numel() const;
};

/// A module of the model's tree (for summaries and, later, hooks).
struct ModuleSpec {
  std::string path;
  std::string type;
};

/// The manifest's `training` object: what a model with a `train` block
/// trains on and with (docs/manifest.md). Its values are the defaults of the
/// `train` command's flags.
struct TrainingSpec {
  std::string loss;       ///< The loss function called, e.g. "cross_entropy".
  std::string lossSource; ///< The loss expression as written, for messages.
  /// True when the data's targets are class indices that the runtime turns
  /// into one-hot rows of `target` (cross_entropy, nll).
  bool classTargets = false;
  /// The extra input of the training entry points; the output's shape.
  IoSpec target;
  OptimizerConfig optimizer;
  int64_t batch = 64;
  int64_t epochs = 1;
  uint64_t seed = 0;
  bool shuffle = true;
  double validation = 0.0;         ///< Held-out fraction, in [0, 1).
  std::string normalize = "none";  ///< none, global or per_feature.
  std::optional<std::string> data; ///< The train block's data source.

  /// The number of classes (the target's last dimension) when classTargets.
  int64_t numClasses() const;
};

/// The CPU the code was compiled for, and the extensions it may use.
struct TargetSpec {
  std::string cpu;
  std::vector<std::string> features;
};

/// A tensor a hook point passes to the hooks: its position among the module
/// call's inputs or outputs (or their gradients), and its shape.
struct HookTensorSpec {
  int64_t index = 0;
  std::vector<Dim> shape;
};

/// A hook point of a hooked entry point: where the hooks of one module call
/// run (nnrt_model.h, docs/manifest.md).
struct HookPointSpec {
  std::string module; ///< the module's path; "" for the model itself
  int64_t call = 1;   ///< which call of the module in one forward, from 1
  bool backward = false;
  /// Forward: the call's inputs; backward: grad_input, without the
  /// gradients that are not computed (PyTorch's None).
  std::vector<HookTensorSpec> inputs;
  /// Forward: the call's outputs; backward: grad_output.
  std::vector<HookTensorSpec> outputs;
};

/// The hook points of each hooked entry point, in the order they run.
struct HookPoints {
  std::vector<HookPointSpec> forward, evaluate, trainStep;
};

/// The whole manifest.
struct Manifest {
  int format = 1;
  std::string model;
  std::string source;
  std::vector<std::string> symbols;
  std::vector<IoSpec> inputs;
  std::vector<IoSpec> outputs;
  int64_t arenaElements = 0;
  std::vector<TensorSpec> tensors;
  std::vector<ModuleSpec> modules;
  /// Present when the model has a `train` block with a loss.
  std::optional<TrainingSpec> training;
  /// Absent in code compiled in memory (`nnc run`), which is for this CPU.
  std::optional<TargetSpec> target;
  HookPoints hooks;
  nlohmann::json json; ///< The document as parsed, for `info --json`.

  /// The tensor called `name`, or nullptr.
  const TensorSpec *findTensor(const std::string &name) const;
  /// Elements of kind "param" (PyTorch's parameter count) and of those the
  /// trainable ones.
  int64_t parameterCount() const;
  int64_t trainableCount() const;
};

/// Parses and validates a manifest; throws Error("manifest: ...").
Manifest parseManifest(const std::string &text);

/// Parses one dimension ("B*784" or an integer) against the symbol list.
Dim parseDim(const nlohmann::json &value,
             const std::vector<std::string> &symbols);

/// Formats a symbolic shape as "[B, 1, 28, 28]".
std::string formatDims(const std::vector<Dim> &shape);

/// Binds every symbol from the concrete input shapes (one per manifest input,
/// in order) and checks every other input dimension. Returns the symbol
/// values in manifest order. Throws Error naming the input, e.g.
/// "input `x`: expected shape [B, 1, 28, 28], got [4, 784]: rank 2, expected
/// 4".
std::vector<int64_t>
bindSymbols(const Manifest &manifest,
            const std::vector<std::vector<int64_t>> &inputShapes);

/// The same over any list of tensors: the training entry points bind over
/// the inputs followed by the target.
std::vector<int64_t>
bindSymbols(const std::vector<std::string> &symbols,
            const std::vector<IoSpec> &specs,
            const std::vector<std::vector<int64_t>> &shapes);

/// Evaluates a symbolic shape at the given symbol values.
std::vector<int64_t> evaluateShape(const std::vector<Dim> &shape,
                                   const std::vector<int64_t> &dims);

} // namespace nnrt

#endif // NNRT_MANIFEST_H
