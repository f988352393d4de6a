//===- hooks.h - Forward and full backward hooks by module path -----------===//
//
// PyTorch's module hooks for compiled code. Hooks are registered by module
// path pattern (`net.0`, `blocks.*`, `**`: `*` one segment, `**` any number,
// as in an `init` block). While any hook is registered, the model runs the
// hooked variant of its code (nnrt_model.h), which calls HookRun::dispatch
// at each hook point of the manifest; Hooks picks the hooks whose kind and
// pattern match, in the order they were registered.
//
//   - A forward hook gets the module path, the call index (a module called
//     twice in one forward is hooked twice), its inputs and its outputs.
//     In predict and eval a hook registered as replacing may write its
//     outputs, which then flow on; a replacing forward hook refuses to run
//     in a training step (a C callback cannot be differentiated).
//   - A full backward hook gets grad_input and grad_output as PyTorch's
//     register_full_backward_hook defines them, a gradient PyTorch gives as
//     None being absent; one registered as replacing may write grad_input,
//     which then flows on.
//   - A hook returns 0 to go on; any other value stops the call at once
//     (HookStopped), and a training step then updates nothing.
// Hooks run on the thread that called the model, one at a time.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_HOOKS_H
#define NNRT_HOOKS_H

#include "nnrt/error.h"
#include "nnrt/manifest.h"
#include "nnrt_model.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nnrt {

enum class HookKind { Forward, Backward };

/// A tensor a hook gets, dense row-major float32.
struct HookTensor {
  int64_t index = 0; ///< its position among the call's inputs or outputs
  float *data = nullptr;
  std::vector<int64_t> shape;
  int64_t numel() const;
};

/// What a hook is called with.
struct HookCall {
  const HookPointSpec *point = nullptr; ///< module, call index, kind
  /// Forward: the call's inputs; backward: grad_input (absent ones left out).
  std::vector<HookTensor> inputs;
  /// Forward: the call's outputs; backward: grad_output.
  std::vector<HookTensor> outputs;
  bool training = false; ///< in a training step
  /// Whether this hook may write: forward, its outputs; backward, grad_input.
  bool mayReplace = false;
};

/// A hook: returns 0 to go on, anything else to stop the call.
using HookFn = std::function<int(const HookCall &)>;

/// The call a hook stopped: what() names the hook, status() is its value.
class HookStopped : public Error {
public:
  HookStopped(const std::string &message, int status) : Error(message), status_(status) {}
  int status() const { return status_; }

private:
  int status_;
};

/// Splits a comma-separated list of module path patterns, checking each:
/// segments are names, integers, `*` or `**`, none empty. Throws Error.
std::vector<std::string> parseModulePatterns(const std::string &list);

/// Whether module path `path` ("" for the model) matches `pattern`.
bool modulePatternMatches(const std::string &pattern, const std::string &path);

/// The hooks registered on one model.
class Hooks {
public:
  /// Registers `fn` for the modules `pattern` matches, of those in `modules`
  /// (the manifest's); returns its id, from 1. `replaces`: the hook may
  /// write its outputs (forward) or grad_input (backward). Throws Error for
  /// a malformed pattern or one that matches no module (naming them).
  int64_t add(HookKind kind, const std::string &pattern, HookFn fn, bool replaces,
              const std::vector<ModuleSpec> &modules);
  /// Removes hook `id`; false when there is none.
  bool remove(int64_t id);
  // Registering and removing throw Error while hooks run (from a hook).
  bool empty() const { return hooks_.empty(); }
  /// Removes every hook.
  void clear() {
    checkIdle("removed");
    hooks_.clear();
  }
  /// Throws Error naming the first replacing forward hook, if any: called
  /// before a training step.
  void checkTrainable() const;

private:
  friend class HookRun;
  struct Entry {
    int64_t id;
    HookKind kind;
    std::string pattern;
    HookFn fn;
    bool replaces;
  };
  void checkIdle(const char *what) const;
  std::vector<Entry> hooks_;
  int64_t nextId_ = 1;
  mutable bool running_ = false; ///< a HookRun is calling hooks
};

/// One call of a hooked entry point: the nnc_hooks its context carries.
class HookRun {
public:
  /// `points`: the entry point's hook points; `dims`: the call's symbols.
  HookRun(const Hooks &hooks, const std::vector<HookPointSpec> &points,
          const std::vector<int64_t> &dims, bool training);
  const nnc_hooks *table() const { return &table_; }
  /// After the call: throws HookStopped when a hook stopped it.
  void finish() const;

private:
  static int32_t dispatch(void *self, int32_t point, float *const *tensors);
  int32_t run(int32_t point, float *const *tensors);

  const Hooks &hooks_;
  const std::vector<HookPointSpec> &points_;
  const std::vector<int64_t> &dims_;
  bool training_;
  nnc_hooks table_{};
  std::string stopped_;
  int status_ = 0;
};

} // namespace nnrt

#endif // NNRT_HOOKS_H
