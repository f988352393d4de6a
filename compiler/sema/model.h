//===- model.h - What sema produces: an instantiated, checked model -------===//
//
// The module tree with PyTorch-style paths, every parameter and buffer with
// its state_dict name, shape and initialiser, the forward graph, and the
// training defaults. Code generation and the manifest are derived from this.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/graph.h"

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace nnc::sema {

/// An initialiser with every argument explicit: `fn` is one of zeros, ones,
/// constant, normal, uniform, randn, kaiming_normal, kaiming_uniform,
/// xavier_normal, xavier_uniform (docs/manifest.md lists the arguments).
struct InitSpec {
  std::string fn;
  std::vector<std::pair<std::string, std::variant<double, std::string>>> args;
};

struct TensorInfo {
  std::string name; ///< state_dict name: `net.0.weight`
  bool isBuffer = false;
  bool frozen = false;
  std::vector<int64_t> shape;
  InitSpec init;
  SourceLoc loc;

  bool trainable() const { return !isBuffer && !frozen; }
  int64_t numel() const;
};

struct ModuleInfo {
  std::string path; ///< "" for the root, `net.0`, `blocks.3.block`
  std::string type; ///< `Linear`, `Sequential`, `ModuleList`, ...
  int depth = 0;
};

struct IoInfo {
  std::string name;
  ir::Shape shape;
};

/// The optimizer of the train block with every hyperparameter explicit, in
/// the manifest's order (docs/manifest.md): SGD's lr, momentum, dampening,
/// nesterov (0/1), weight_decay; Adam's and AdamW's lr, beta1, beta2, eps,
/// weight_decay.
struct OptimizerSpec {
  std::string name = "SGD"; ///< SGD, Adam or AdamW
  std::vector<std::pair<std::string, double>> args;
};

/// What the train block asks for, checked. Present when it has a `loss`.
struct TrainSpec {
  /// The forward graph plus the loss: inputs are the model's inputs then
  /// `target`; outputs are the model's outputs then the scalar loss.
  std::unique_ptr<ir::Graph> graph;
  IoInfo target;           ///< the shape of the (single) model output
  std::string lossFn;      ///< the function the loss expression calls
  std::string lossSource;  ///< the expression as written
  bool classTargets = false; ///< cross_entropy/nll: labels become one-hot rows
  OptimizerSpec optimizer;
  int64_t batch = 64, epochs = 10, seed = 0;
  bool shuffle = true;
  double validation = 0;
  std::string normalize = "none";
  std::string data; ///< empty when the block names none
};

struct Model {
  std::string name;   ///< the root module's type
  std::string source; ///< the file it came from
  std::vector<ModuleInfo> modules; ///< pre-order, as named_modules()
  /// state_dict order, which is also the arena's (codegen/kernel/arena.h
  /// decides where each one goes).
  std::vector<TensorInfo> tensors;
  std::vector<IoInfo> inputs, outputs;
  std::unique_ptr<ir::Graph> graph;
  std::unique_ptr<TrainSpec> training; ///< null without a train block

  int64_t countParams(bool trainableOnly) const;
};

/// `[256, 784]`
std::string shapeText(const std::vector<int64_t> &shape);

} // namespace nnc::sema
