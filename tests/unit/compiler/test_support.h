//===- test_support.h - Shared fixtures of the compiler unit tests --------===//
//
// Small helpers every stage's tests use: an in-memory source with its
// diagnostic engine, a per-test temporary directory, and a one-call
// "load and elaborate" for sema-level tests. Diagnostics are printed into a
// string so that tests can check both the recorded Diagnostic list and the
// text a user would see.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "base/diagnostics.h"
#include "nnrt/thread_pool.h"
#include "sema/sema.h"
#include "syntax/parser.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace nnc::test {

namespace fs = std::filesystem;

/// The stdlib directory: $NNC_STDLIB (set by ctest), else the source tree's.
inline std::string stdlibDir() {
  const char *env = std::getenv("NNC_STDLIB");
  return env && *env ? std::string(env) : std::string(NNC_TEST_STDLIB_DIR);
}

/// Makes the driver find the stdlib when the binary is run outside ctest.
inline void ensureStdlibEnv() {
  setenv("NNC_STDLIB", stdlibDir().c_str(), /*overwrite=*/0);
}

/// Every example model: its file under examples/ and the module to compile
/// ("" for the file's own `model`).
struct ExampleModel {
  const char *file;
  const char *model;
};
inline const std::vector<ExampleModel> &exampleModels() {
  static const std::vector<ExampleModel> all = {
      {"mlp.nnm", ""},
      {"manual_linear.nnm", ""},
      {"named_mlp.nnm", ""},
      {"residual.nnm", ""},
      {"deep.nnm", ""},
      {"xor.nnm", ""},
      {"sine.nnm", ""},
      {"residual_fashion.nnm", ""},
      {"channel_estimation/channel_mlp.nnm", ""},
      {"activations.nnm", "ActReLU"},
      {"activations.nnm", "ActLeakyReLU"},
      {"activations.nnm", "ActGELU"},
      {"activations.nnm", "ActGELUTanh"},
      {"activations.nnm", "ActSigmoid"},
      {"activations.nnm", "ActTanh"},
      {"activations.nnm", "ActSiLU"},
      {"activations.nnm", "ActSoftmax"},
      {"activations.nnm", "ActLogSoftmax"},
  };
  return all;
}

inline std::string examplePath(const std::string &name) {
  return std::string(NNC_TEST_EXAMPLES_DIR) + "/" + name;
}

/// One in-memory source file with a diagnostic engine printing to a string.
struct Source {
  SourceManager sources;
  std::ostringstream printed;
  DiagnosticEngine diags{sources, printed};
  int32_t file;

  explicit Source(const std::string &text, const std::string &name = "t.nnm")
      : file(sources.addBuffer(name, text)) {}

  LineCol where(const Diagnostic &d) const {
    return sources.lineCol(d.range.begin);
  }
  /// Number of reported diagnostics of severity Error.
  size_t errors() const { return diags.errorCount(); }
};

/// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
public:
  TempDir() {
    std::string pattern =
        (fs::temp_directory_path() / "nnc_unit_XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    REQUIRE(mkdtemp(buf.data()) != nullptr);
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  /// Writes `text` to `name` inside the directory; returns the full path.
  std::string write(const std::string &name, const std::string &text) const {
    fs::path p = path_ / name;
    std::ofstream out(p);
    out << text;
    REQUIRE(out.good());
    return p.string();
  }
  const fs::path &path() const { return path_; }

private:
  fs::path path_;
};

/// A whole front-end run: loadProgram + elaborate, with the stdlib.
struct Compiled {
  SourceManager sources;
  std::ostringstream printed;
  DiagnosticEngine diags{sources, printed};
  sema::Program program;
  std::unique_ptr<sema::Model> model;
  bool loaded = false;

  const std::vector<Diagnostic> &reported() const { return diags.reported(); }
  /// The first diagnostic of `kind`, or nullptr.
  const Diagnostic *find(DiagKind kind) const {
    for (const Diagnostic &d : diags.reported())
      if (d.kind == kind)
        return &d;
    return nullptr;
  }
  LineCol where(const Diagnostic &d) const {
    return sources.lineCol(d.range.begin);
  }
  const sema::TensorInfo *tensor(const std::string &name) const {
    for (const sema::TensorInfo &t : model->tensors)
      if (t.name == name)
        return &t;
    return nullptr;
  }
};

inline std::unique_ptr<Compiled> compileFile(const std::string &path,
                                             const std::string &modelName = "") {
  auto c = std::make_unique<Compiled>();
  c->loaded = sema::loadProgram(path, stdlibDir(), c->sources, c->diags,
                                c->program);
  if (c->loaded)
    c->model = sema::elaborate(c->program, modelName, c->sources, c->diags);
  return c;
}

/// Writes `text` as `name` under `dir` and compiles it.
inline std::unique_ptr<Compiled> compileText(const TempDir &dir,
                                             const std::string &text,
                                             const std::string &modelName = "",
                                             const std::string &name = "m.nnm") {
  return compileFile(dir.write(name, text), modelName);
}

/// A context (nnrt_model.h) over a thread pool of `threads`, for calling
/// compiled code directly.
struct PoolContext {
  explicit PoolContext(int threads) : pool(threads) {
    context.threads = threads;
    context.parallel_for = &nnrt::ThreadPool::parallelFor;
    context.pool = &pool;
  }
  nnrt::ThreadPool pool;
  nnc_context context{};
};

} // namespace nnc::test
