//===- summary.cpp - Summaries and the runtime manifest -------------------===//
//
// Both views of a Model that leave the compiler as text: the human summary
// (`nnc summary`, also as JSON) and the manifest embedded in each binary.
//
//===----------------------------------------------------------------------===//
#include "driver/summary.h"
#include "base/diagnostics.h"
#include "nnrt_model.h"

#include "cli.h"

#include <algorithm>
#include <iomanip>

namespace nnc::driver {

using nnrt::cli::withThousands;

void printSummary(const sema::Model &model, std::ostream &out) {
  out << "model " << model.name << " (" << model.source << ")\n\n";
  out << "modules:\n";
  for (const sema::ModuleInfo &m : model.modules)
    out << "  " << std::string(2 * m.depth, ' ')
        << (m.path.empty() ? "(root)" : m.path) << ": " << m.type << "\n";
  size_t nameWidth = 4, shapeWidth = 5;
  for (const sema::TensorInfo &t : model.tensors) {
    nameWidth = std::max(nameWidth, t.name.size());
    shapeWidth = std::max(shapeWidth, sema::shapeText(t.shape).size());
  }
  out << "\n  " << std::left << std::setw(int(nameWidth)) << "name" << "  "
      << std::setw(int(shapeWidth)) << "shape" << "  " << std::right
      << std::setw(12) << "count" << "  kind\n";
  for (const sema::TensorInfo &t : model.tensors) {
    const char *kind = t.isBuffer ? "buffer"
                       : t.frozen ? "param (frozen)"
                                  : "param";
    out << "  " << std::left << std::setw(int(nameWidth)) << t.name << "  "
        << std::setw(int(shapeWidth)) << sema::shapeText(t.shape) << "  "
        << std::right << std::setw(12) << withThousands(t.numel()) << "  "
        << kind << "\n";
  }
  out << "\ninputs:";
  for (const sema::IoInfo &io : model.inputs)
    out << " " << io.name << " " << ir::shapeStr(io.shape);
  out << "\noutputs:";
  for (const sema::IoInfo &io : model.outputs)
    out << " " << io.name << " " << ir::shapeStr(io.shape);
  out << "\n\ntotal parameters: " << withThousands(model.countParams(false))
      << "\ntrainable parameters: " << withThousands(model.countParams(true))
      << "\n";
}

namespace {

nlohmann::json dimsJson(const ir::Shape &shape) {
  nlohmann::json dims = nlohmann::json::array();
  for (const ir::Dim &d : shape) {
    if (d.isConstant())
      dims.push_back(d.constantValue());
    else
      dims.push_back(d.str());
  }
  return dims;
}

nlohmann::json ioJson(const std::vector<sema::IoInfo> &ios) {
  nlohmann::json arr = nlohmann::json::array();
  for (const sema::IoInfo &io : ios)
    arr.push_back({{"name", io.name}, {"shape", dimsJson(io.shape)},
                   {"dtype", "f32"}});
  return arr;
}

nlohmann::json modulesJson(const sema::Model &model) {
  nlohmann::json arr = nlohmann::json::array();
  for (const sema::ModuleInfo &m : model.modules)
    arr.push_back({{"path", m.path}, {"type", m.type}});
  return arr;
}

nlohmann::json initJson(const sema::InitSpec &init) {
  nlohmann::json j = {{"fn", init.fn}};
  for (const auto &[name, value] : init.args) {
    if (const double *d = std::get_if<double>(&value))
      j[name] = *d;
    else
      j[name] = std::get<std::string>(value);
  }
  return j;
}

/// The hook points of one hooked entry point: per module call, the shapes
/// of the tensors its hooks get, in the order the code passes them.
nlohmann::json hookPointsJson(const codegen::KernelProgram &program) {
  nlohmann::json points = nlohmann::json::array();
  for (const codegen::HookPoint &p : program.hookPoints) {
    auto tensors = [&](const std::vector<codegen::HookTensor> &list) {
      nlohmann::json arr = nlohmann::json::array();
      for (const codegen::HookTensor &t : list)
        arr.push_back({{"index", t.index},
                       {"shape", dimsJson(t.shape)}});
      return arr;
    };
    points.push_back({{"module", p.module},
                      {"call", p.call},
                      {"kind", p.backward ? "backward" : "forward"},
                      {"inputs", tensors(p.inputs)},
                      {"outputs", tensors(p.outputs)}});
  }
  return points;
}

nlohmann::json trainingJson(const sema::TrainSpec &t) {
  nlohmann::json optimizer = {{"name", t.optimizer.name}};
  for (const auto &[k, v] : t.optimizer.args)
    if (k == "nesterov")
      optimizer[k] = v != 0;
    else
      optimizer[k] = v;
  nlohmann::json j = {{"loss", t.lossFn},
                      {"loss_source", t.lossSource},
                      {"class_targets", t.classTargets},
                      {"target", ioJson({t.target})[0]},
                      {"optimizer", optimizer},
                      {"batch", t.batch},
                      {"epochs", t.epochs},
                      {"seed", t.seed},
                      {"shuffle", t.shuffle},
                      {"validation", t.validation},
                      {"normalize", t.normalize}};
  if (!t.data.empty())
    j["data"] = t.data;
  return j;
}

} // namespace

nlohmann::json summaryJson(const sema::Model &model) {
  nlohmann::json params = nlohmann::json::array();
  for (const sema::TensorInfo &t : model.tensors)
    params.push_back({{"name", t.name},
                      {"shape", t.shape},
                      {"count", t.numel()},
                      {"kind", t.isBuffer ? "buffer" : "param"},
                      {"trainable", t.trainable()}});
  return {{"model", model.name},
          {"source", model.source},
          {"modules", modulesJson(model)},
          {"tensors", params},
          {"inputs", ioJson(model.inputs)},
          {"outputs", ioJson(model.outputs)},
          {"total_parameters", model.countParams(false)},
          {"trainable_parameters", model.countParams(true)}};
}

nlohmann::json manifestJson(const sema::Model &model, const codegen::ArenaLayout &arena,
                            const codegen::ModelPrograms &programs) {
  NNC_CHECK(arena.offsets.size() == model.tensors.size(),
            "the arena's layout is not the model's");
  nlohmann::json tensors = nlohmann::json::array();
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const sema::TensorInfo &t = model.tensors[i];
    tensors.push_back({{"name", t.name},
                       {"kind", t.isBuffer ? "buffer" : "param"},
                       {"trainable", t.trainable()},
                       {"shape", t.shape},
                       {"dtype", "f32"},
                       {"offset", arena.offsets[i]},
                       {"init", initJson(t.init)}});
  }
  nlohmann::json manifest = {{"format", 1},
          {"abi", NNC_MODEL_ABI_VERSION},
          {"model", model.name},
          {"source", model.source},
          {"symbols", model.graph->symbols()},
          {"inputs", ioJson(model.inputs)},
          {"outputs", ioJson(model.outputs)},
          {"arena_elements", arena.elements},
          {"tensors", tensors},
          {"modules", modulesJson(model)}};
  if (model.training)
    manifest["training"] = trainingJson(*model.training);
  nlohmann::json hooks = {{"forward", hookPointsJson(programs.forwardHooked)}};
  if (programs.trainingHooked) {
    hooks["evaluate"] = hookPointsJson(programs.trainingHooked->evaluate);
    hooks["train_step"] = hookPointsJson(programs.trainingHooked->trainStep);
  }
  manifest["hooks"] = hooks;
  return manifest;
}

} // namespace nnc::driver
