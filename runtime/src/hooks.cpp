//===- hooks.cpp - Forward and full backward hooks by module path ---------===//
//
// The compiled code calls dispatch with a hook point's index and its
// tensors' pointers; the shapes come from the manifest at the call's
// symbols. Nothing may unwind through the compiled code, so a hook that
// throws stops the call like one that returns non-zero.
//
//===----------------------------------------------------------------------===//
#include "nnrt/hooks.h"

#include <algorithm>

namespace nnrt {
namespace {

std::vector<std::string> segments(const std::string &path) {
  std::vector<std::string> out;
  if (path.empty())
    return out;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos)
      return out;
    start = dot + 1;
  }
}

/// `*` one segment, `**` any number (none included). Dynamic programming
/// over (pattern suffix, path suffix): `**.**.**...` stays linear in each.
bool globMatch(const std::vector<std::string> &pattern, const std::vector<std::string> &path) {
  size_t n = path.size();
  std::vector<char> next(n + 1, 0), here(n + 1, 0);
  next[n] = 1;
  for (size_t k = pattern.size(); k-- > 0;) {
    for (size_t i = n + 1; i-- > 0;) {
      if (pattern[k] == "**")
        here[i] = next[i] || (i < n && here[i + 1]);
      else
        here[i] = i < n && (pattern[k] == "*" || pattern[k] == path[i]) && next[i + 1];
    }
    std::swap(next, here);
  }
  return next[0];
}

bool validSegment(const std::string &s) {
  if (s == "*" || s == "**")
    return true;
  if (s.empty())
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
  });
}

std::string where(const HookPointSpec &p) {
  return "the " + std::string(p.backward ? "backward" : "forward") + " hook on `" +
         (p.module.empty() ? "(model)" : p.module) + "` (call " + std::to_string(p.call) + ")";
}

} // namespace

int64_t HookTensor::numel() const { return shapeNumel(shape); }

std::vector<std::string> parseModulePatterns(const std::string &list) {
  std::vector<std::string> patterns;
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    std::string p = list.substr(start, comma == std::string::npos ? std::string::npos
                                                                  : comma - start);
    // The model itself is the empty path: only `**` (or an empty pattern
    // alone) names it.
    if (p.empty() && list.find(',') != std::string::npos)
      throw Error("module pattern list `" + list + "` has an empty pattern");
    if (!p.empty())
      for (const std::string &s : segments(p))
        if (!validSegment(s))
          throw Error("module pattern `" + p + "`: segment `" + s +
                      "` is not a name, an index, `*` or `**`");
    patterns.push_back(p);
    if (comma == std::string::npos)
      return patterns;
    start = comma + 1;
  }
}

bool modulePatternMatches(const std::string &pattern, const std::string &path) {
  return globMatch(segments(pattern), segments(path));
}

void Hooks::checkIdle(const char *what) const {
  if (running_)
    throw Error(ErrorKind::State, std::string("hooks cannot be ") + what + " while hooks run (from a hook)");
}

int64_t Hooks::add(HookKind kind, const std::string &pattern, HookFn fn, bool replaces,
                   const std::vector<ModuleSpec> &modules) {
  checkIdle("registered");
  if (!fn)
    throw Error("a hook needs a function");
  std::vector<std::string> one = parseModulePatterns(pattern);
  if (one.size() != 1)
    throw Error("register one module pattern per hook, not the list `" + pattern + "`");
  bool matches = std::any_of(modules.begin(), modules.end(), [&](const ModuleSpec &m) {
    return modulePatternMatches(pattern, m.path);
  });
  if (!matches) {
    std::string names;
    for (const ModuleSpec &m : modules)
      if (!m.path.empty())
        names += (names.empty() ? "" : ", ") + m.path;
    throw Error(ErrorKind::NotFound, "module pattern `" + pattern + "` matches no module of the model (" +
                (names.empty() ? "it has no sub-modules" : "its modules: " + names) + ")");
  }
  hooks_.push_back({nextId_, kind, pattern, std::move(fn), replaces});
  return nextId_++;
}

bool Hooks::remove(int64_t id) {
  checkIdle("removed");
  auto it = std::find_if(hooks_.begin(), hooks_.end(), [&](const Entry &e) { return e.id == id; });
  if (it == hooks_.end())
    return false;
  hooks_.erase(it);
  return true;
}

void Hooks::checkTrainable() const {
  for (const Entry &e : hooks_)
    if (e.kind == HookKind::Forward && e.replaces)
      throw Error("the forward hook on `" + e.pattern +
                  "` replaces its module's output, which a training step cannot "
                  "differentiate; remove it before training, or register it as not "
                  "replacing");
}

HookRun::HookRun(const Hooks &hooks, const std::vector<HookPointSpec> &points,
                 const std::vector<int64_t> &dims, bool training)
    : hooks_(hooks), points_(points), dims_(dims), training_(training) {
  table_.call = &HookRun::dispatch;
  table_.table = this;
}

int32_t HookRun::dispatch(void *self, int32_t point, float *const *tensors) {
  return static_cast<HookRun *>(self)->run(point, tensors);
}

int32_t HookRun::run(int32_t index, float *const *tensors) {
  if (index < 0 || static_cast<size_t>(index) >= points_.size()) {
    stopped_ = "the compiled code called hook point " + std::to_string(index) +
               ", which its manifest does not list";
    return status_ = -1;
  }
  const HookPointSpec &point = points_[static_cast<size_t>(index)];
  HookKind kind = point.backward ? HookKind::Backward : HookKind::Forward;
  HookCall call;
  bool built = false;
  // The list may not change under the loop: a hook that registers or
  // removes one gets an Error, which stops the call.
  hooks_.running_ = true;
  struct Idle {
    const Hooks &h;
    ~Idle() { h.running_ = false; }
  } idle{hooks_};
  for (const Hooks::Entry &e : hooks_.hooks_) {
    if (e.kind != kind || !modulePatternMatches(e.pattern, point.module))
      continue;
    try {
      if (!built) {
        call.point = &point;
        call.training = training_;
        size_t t = 0;
        for (const HookTensorSpec &s : point.inputs)
          call.inputs.push_back({s.index, tensors[t++], evaluateShape(s.shape, dims_)});
        for (const HookTensorSpec &s : point.outputs)
          call.outputs.push_back({s.index, tensors[t++], evaluateShape(s.shape, dims_)});
        built = true;
      }
      call.mayReplace = e.replaces;
      int status = e.fn(call);
      if (status != 0) {
        stopped_ = where(point) + " stopped the call with status " + std::to_string(status);
        return status_ = status;
      }
    } catch (const std::exception &ex) {
      stopped_ = where(point) + " failed: " + ex.what();
      return status_ = 1;
    } catch (...) {
      stopped_ = where(point) + " failed with an unknown exception";
      return status_ = 1;
    }
  }
  return 0;
}

void HookRun::finish() const {
  if (status_ != 0)
    throw HookStopped(stopped_, status_);
}

} // namespace nnrt
