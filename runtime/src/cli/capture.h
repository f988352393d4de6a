//===- capture.h - `--capture`: module tensors saved through hooks ---------===//
//
// `predict`, `eval` and `train --capture PATTERNS --capture-file FILE`
// register forward hooks (and with `train`, full backward hooks) on the
// modules PATTERNS match, and save what they see as safetensors:
//   <path>:input.<i>, <path>:output (or <path>:output.<i> for a call that
//   returns several), <path>:grad_input.<i>, <path>:grad_output.<i>,
// with `<path>#<call>` for a module's second and later calls in one
// forward pass. Batches of one run (eval's) are concatenated along the
// first dimension; `train` keeps the last step of the epoch.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_CLI_CAPTURE_H
#define NNRT_CLI_CAPTURE_H

#include "nnrt/file_write.h"
#include "nnrt/model.h"
#include "nnrt/safetensors.h"

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nnrt::cli {

/// The flags, as given.
struct CaptureFlags {
  std::optional<std::string> patterns;
  std::optional<std::string> file;
};

/// Adds --capture and --capture-file to `app`; `gradients` (train) says
/// that gradients are captured too.
void addCaptureOptions(CLI::App *app, CaptureFlags &flags, bool gradients);

class Capture {
public:
  /// Checks the flags (both or neither; the patterns) against `model`'s
  /// modules; inactive without them. The command declares file() among
  /// its outputs.
  Capture(const CaptureFlags &flags, const Model &model, bool gradients);

  bool active() const { return !patterns_.empty(); }
  /// Registers the hooks on `model` (forward, and backward when capturing
  /// gradients); `append`: a new batch adds rows instead of replacing.
  void attach(Model &model, bool append);
  /// Removes them.
  void detach(Model &model);
  /// Forgets what was captured.
  void clear() { tensors_.clear(); }
  /// The safetensors bytes of what was captured.
  std::string encode() const;
  size_t size() const { return tensors_.size(); }
  const std::string &file() const { return file_; }

private:
  struct Held {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<float> data;
  };
  void record(const HookCall &call, bool append);
  void keep(const std::string &name, const HookTensor &t, bool append);

  std::vector<std::string> patterns_;
  std::string file_;
  bool gradients_ = false;
  std::vector<Held> tensors_;
  std::map<std::string, size_t> byName_;
  std::vector<int64_t> ids_;
};

} // namespace nnrt::cli

#endif // NNRT_CLI_CAPTURE_H
