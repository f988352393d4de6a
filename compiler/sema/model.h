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
  int64_t offset = 0; ///< in elements, in the parameter arena
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

struct Model {
  std::string name;   ///< the root module's type
  std::string source; ///< the file it came from
  std::vector<ModuleInfo> modules; ///< pre-order, as named_modules()
  std::vector<TensorInfo> tensors; ///< arena order
  std::vector<IoInfo> inputs, outputs;
  std::unique_ptr<ir::Graph> graph;
  std::map<std::string, std::string> train; ///< train block, as source text

  int64_t arenaElements() const;
  int64_t countParams(bool trainableOnly) const;
};

/// `[256, 784]`
std::string shapeText(const std::vector<int64_t> &shape);

} // namespace nnc::sema
