//===- capture.cpp - `--capture`: module tensors saved through hooks -------===//
#include "capture.h"
#include "module_checks.h"
#include "nnrt/error.h"
#include "nnrt/memory.h"

namespace nnrt::cli {

void addCaptureOptions(CLI::App *app, CaptureFlags &flags, bool gradients) {
  app->add_option("--capture", flags.patterns,
                  std::string("Save the inputs and outputs") +
                      (gradients ? " (and, on the last step of each epoch, the gradients)" : "") +
                      " of the modules these comma-separated path patterns match (`net.0,blocks.*`, "
                      "`**` for all) to --capture-file")
      ->type_name("PATTERNS");
  app->add_option("--capture-file", flags.file, "The .safetensors file --capture writes")
      ->type_name("FILE");
}

Capture::Capture(const CaptureFlags &flags, const Model &model, bool gradients)
    : gradients_(gradients) {
  if (flags.patterns.has_value() != flags.file.has_value())
    throw Error(flags.patterns ? "--capture needs --capture-file FILE.safetensors: where the "
                                 "captured tensors go"
                               : "--capture-file needs --capture PATTERNS: which modules to "
                                 "capture");
  if (!flags.patterns)
    return;
  if (flags.patterns->empty())
    throw Error("--capture: the pattern list is empty (use `**` for every module)");
  patterns_ = parseModulePatterns(*flags.patterns);
  for (const std::string &p : patterns_) {
    bool matches = false;
    for (const ModuleSpec &m : model.manifest().modules)
      matches = matches || modulePatternMatches(p, m.path);
    if (!matches) {
      std::string names;
      for (const ModuleSpec &m : model.manifest().modules)
        if (!m.path.empty())
          names += (names.empty() ? "" : ", ") + m.path;
      throw Error("--capture: `" + p + "` matches no module of the model (" +
                  (names.empty() ? "it has no sub-modules" : "its modules: " + names) + ")");
    }
  }
  file_ = *flags.file;
}

void Capture::attach(Model &model, bool append) {
  // One hook on every module, filtering by the patterns: a module two
  // patterns match is captured once.
  auto hook = [this, append](const HookCall &c) {
    for (const std::string &p : patterns_)
      if (modulePatternMatches(p, c.point->module)) {
        record(c, append);
        break;
      }
    return 0;
  };
  ids_.push_back(model.addHook(HookKind::Forward, "**", hook));
  if (gradients_)
    ids_.push_back(model.addHook(HookKind::Backward, "**", hook));
}

void Capture::detach(Model &model) {
  for (int64_t id : ids_)
    model.hooks().remove(id);
  ids_.clear();
}

void Capture::keep(const std::string &name, const HookTensor &t, bool append) {
  auto [it, added] = byName_.try_emplace(name, tensors_.size());
  if (added) {
    tensors_.push_back({name, t.shape, std::vector<float>(t.data, t.data + t.numel())});
    return;
  }
  Held &held = tensors_[it->second];
  bool rows = append && !t.shape.empty() && held.shape.size() == t.shape.size() &&
              std::equal(t.shape.begin() + 1, t.shape.end(), held.shape.begin() + 1);
  if (!rows) { // a scalar, or shapes that do not stack: the last batch's
    held.shape = t.shape;
    held.data.assign(t.data, t.data + t.numel());
    return;
  }
  int64_t total = held.shape[0] + t.shape[0];
  std::vector<int64_t> shape = held.shape;
  shape[0] = total;
  checkAllocation(shapeNumel(shape), sizeof(float), "the captured tensor `" + name + "`");
  held.data.insert(held.data.end(), t.data, t.data + t.numel());
  held.shape = shape;
}

void Capture::record(const HookCall &call, bool append) {
  for (const HookTensor &t : call.inputs)
    keep(hookTensorName(call, true, t), t, append);
  for (const HookTensor &t : call.outputs)
    keep(hookTensorName(call, false, t), t, append);
}

std::string Capture::encode() const {
  std::vector<F32Tensor> tensors;
  for (const Held &h : tensors_)
    tensors.push_back({h.name, h.shape, h.data.data()});
  return encodeSafeTensors(tensors, {{"format", "pt"}});
}

} // namespace nnrt::cli
