//===- driver.cpp - The `nnc` command -------------------------------------===//
//
// Subcommands:
//   check   parse and check; `--emit STAGE` prints a stage
//   summary the module tree, parameters and counts (`--json`)
//   build   compile to an executable, or stop after `--emit STAGE`
//   run     compile in memory and run the model's command line
//   ir      read a textual graph IR file, verify it, print it back
// One pipeline, compileTo, serves check and build: tokens, ast, ir, ir-grad,
// ir-train, kernels, kernels-train, kernels-hooked, llvm-raw, llvm, obj,
// exe, lib. Every stage can be stopped after and its result written, so that each is testable on its
// own (the Toy tutorial's -emit ladder). Every file written goes through
// the runtime's OutputFile (nnrt/file_write.h): `-o` is checked before the
// compilation starts (not a folder, not the source file, a folder that
// exists), then replaced atomically, or written through for a device or FIFO.
//
//===----------------------------------------------------------------------===//
#include "driver/driver.h"
#include "autodiff/backward.h"
#include "passes/dce.h"
#include "codegen/backend.h"
#include "codegen/cuda/ptx.h"
#include "driver/dot.h"
#include "driver/explore.h"
#include "driver/jit.h"
#include "driver/library.h"
#include "driver/link.h"
#include "driver/model_arena.h"
#include "driver/model_module.h"
#include "driver/process.h"
#include "driver/paths.h"
#include "driver/summary.h"
#include "driver/training.h"
#include "sema/sema.h"
#include "syntax/parser.h"

#include "cli.h"
#include "nnrt/cpu_features.h"
#include "nnrt/error.h"
#include "nnrt/file_write.h"

#include <CLI/CLI.hpp>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_os_ostream.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace nnc::driver {
namespace {

struct Options {
  std::string input;
  std::string output;
  std::string model;
  std::string emit;
  std::string target = "cpu";
  std::string targetCpu = "native";
  std::string gpuArch; ///< --gpu-arch, comma-separated; empty: the defaults
  std::string prefix = codegen::kDefaultSymbolPrefix;
  bool prefixGiven = false;
  std::string view = "forward";
  std::string format = "dot";
  bool json = false;
  std::string depfile; ///< --depfile: the files read, for build systems
};

/// One compilation's state: sources, diagnostics, the checked model and
/// where its tensors live.
struct Compilation {
  SourceManager sources;
  DiagnosticEngine diags;
  sema::Program program;
  std::unique_ptr<sema::Model> model;
  /// The layout of model->tensors, decided once for the kernels, the
  /// training code and the manifest.
  codegen::ArenaLayout arena;
  std::ostream &err;

  explicit Compilation(std::ostream &err) : diags(sources, err), err(err) {}

  bool load(const Options &opts) {
    if (!sema::loadProgram(opts.input, stdlibDir(), sources, diags, program))
      return false;
    // `-o` was checked against the main file before any work; the imports
    // are known only now.
    for (const std::string &path : program.paths) {
      if (opts.output.empty() || opts.output == "-")
        break;
      try {
        nnrt::checkNotInput(opts.output, path, "source");
      } catch (const nnrt::Error &e) {
        err << "error: " << e.what() << "\n";
        return false;
      }
    }
    model = sema::elaborate(program, opts.model, sources, diags);
    if (!model)
      return false;
    arena = layoutModelArena(*model);
    return true;
  }
};

/// Appends the reverse graph: one seed input `grad.<output>` per output, and
/// the gradients of the trainable parameters as extra outputs (in arena
/// order), after the forward outputs.
void addGradients(sema::Model &model) {
  ir::Graph &g = *model.graph;
  std::vector<const ir::Node *> outputs = g.outputs(), seeds, wrt;
  for (size_t i = 0; i < outputs.size(); ++i)
    seeds.push_back(g.addLeaf(ir::OpKind::Input,
                              "grad." + model.outputs[i].name,
                              outputs[i]->shape));
  for (const sema::TensorInfo &t : model.tensors) {
    if (!t.trainable())
      continue;
    for (const ir::Node *p : g.params())
      if (p->attrs.name == t.name)
        wrt.push_back(p);
  }
  for (const ir::Node *grad : autodiff::backward(g, outputs, seeds, wrt))
    g.addOutput(grad);
}

int errorsSummary(const DiagnosticEngine &diags, std::ostream &err) {
  if (diags.errorCount() > 1)
    err << diags.errorCount() << " errors generated\n";
  return 1;
}

int cmdSummary(const Options &opts, std::ostream &out, std::ostream &err) {
  Compilation c(err);
  if (!c.load(opts))
    return errorsSummary(c.diags, err);
  if (opts.json)
    out << summaryJson(*c.model).dump(2) << "\n";
  else
    printSummary(*c.model, out);
  return 0;
}

/// The `-o` file, checked before any work. None for standard output (no
/// `-o`, or `-` where `toStdout`). Prints the error and returns false when
/// the path is refused.
bool openOutput(const Options &opts, bool toStdout,
                std::optional<nnrt::OutputFile> &file, std::ostream &err) {
  if (opts.output.empty() || (toStdout && opts.output == "-"))
    return true;
  try {
    file.emplace(opts.output);
    nnrt::checkNotInput(opts.output, opts.input, "source");
  } catch (const nnrt::Error &e) {
    err << "error: " << e.what() << "\n";
    return false;
  }
  return true;
}

/// Writes `text` to `file`, or to `out` when there is none.
int writeText(std::optional<nnrt::OutputFile> &file, const std::string &text,
              std::ostream &out, std::ostream &err) {
  if (!file) {
    out << text;
    return 0;
  }
  try {
    file->stage({text});
    file->commit();
  } catch (const nnrt::Error &e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

/// Why `prefix` cannot start the model's C symbols, or "".
std::string prefixProblem(const std::string &prefix) {
  if (prefix.empty())
    return "the prefix is empty";
  if (prefix.size() > 64)
    return "the prefix is longer than 64 characters";
  if (std::isdigit(static_cast<unsigned char>(prefix[0])))
    return "`" + prefix + "` starts with a digit; a C identifier does not";
  for (char c : prefix)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      return "`" + prefix + "` is not a C identifier (letters, digits and _)";
  return "";
}

/// The object file (--emit obj) or the executable, staged and then
/// committed, so that a failed build leaves `-o` as it was. The executable's
/// object is a temporary file beside the staged executable.
int writeBinary(llvm::Module &module, const codegen::Backend &backend,
                const std::string &emit, nnrt::OutputFile &output,
                std::ostream &err) {
  std::string error;
  try {
    if (emit == "obj") {
      if (!backend.writeObject(module, output.stagingPath(), error))
        throw nnrt::Error(output.path() + ": " + error);
      output.commit();
      return 0;
    }
    std::string object = output.stagingPath() + ".o";
    bool written = backend.writeObject(module, object, error);
    bool linked = written && linkExecutable(object, output, error);
    std::error_code ec;
    fs::remove(object, ec);
    if (!linked)
      throw nnrt::Error(written ? error : output.path() + ": " + error);
  } catch (const nnrt::Error &e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

//===--- the pipeline ---------------------------------------------------===//

/// The stages of a compilation, in order. Every command that compiles stops
/// after the one `--emit` names and writes its result: text for all but the
/// last three.
enum class Stage {
  Tokens, Ast, Ir, IrGrad, IrTrain, Kernels, KernelsTrain, KernelsHooked, LlvmRaw, Llvm, Obj,
  Exe, Lib
};

constexpr std::pair<Stage, const char *> kStages[] = {
    {Stage::Tokens, "tokens"},   {Stage::Ast, "ast"},
    {Stage::Ir, "ir"},           {Stage::IrGrad, "ir-grad"},
    {Stage::IrTrain, "ir-train"}, {Stage::Kernels, "kernels"},
    {Stage::KernelsTrain, "kernels-train"}, {Stage::KernelsHooked, "kernels-hooked"},
    {Stage::LlvmRaw, "llvm-raw"},
    {Stage::Llvm, "llvm"},       {Stage::Obj, "obj"},
    {Stage::Exe, "exe"},         {Stage::Lib, "lib"}};

std::optional<Stage> stageNamed(const std::string &name) {
  for (const auto &[stage, text] : kStages)
    if (name == text)
      return stage;
  return std::nullopt;
}

/// "tokens, ast, ..., obj or exe" (up to `last`).
std::string stageList(Stage last) {
  std::string list;
  for (const auto &[stage, text] : kStages) {
    if (stage > last)
      break;
    list += list.empty() ? "" : stage == last ? " or " : ", ";
    list += text;
  }
  return list;
}

std::string printed(const std::function<void(std::ostream &)> &print) {
  std::ostringstream text;
  print(text);
  return text.str();
}

std::string printedModule(const llvm::Module &module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os, nullptr);
  return text;
}

/// `path` as a Make rule writes it, as Ninja and Make read it: spaces and
/// `#` after a backslash, `$` doubled.
std::string makeEscaped(const std::string &path) {
  std::string out;
  for (char ch : path) {
    if (ch == ' ' || ch == '#')
      out += '\\';
    if (ch == '$')
      out += '$';
    out += ch;
  }
  return out;
}

/// The compilation, read top to bottom: each stage runs on the previous
/// one's result, and the stage `last` writes its own (to `output`, else to
/// `out`; lib: to `library`). `backend` makes the code, needed (not null)
/// from llvm-raw on.
int compileTo(Stage last, const Options &opts, const codegen::Backend *backend,
              std::optional<nnrt::OutputFile> &output, std::ostream &out,
              std::ostream &err, LibraryOutputs *library = nullptr) {
  auto emitText = [&](const std::string &text) { return writeText(output, text, out, err); };
  Compilation c(err);
  // Tokens and syntax tree: the main file alone, before its imports.
  if (last == Stage::Tokens || last == Stage::Ast) {
    std::string why;
    bool missing = false;
    std::optional<int32_t> file = c.sources.load(opts.input, why, missing);
    if (!file) {
      c.diags.report(DiagKind::CannotReadFile, SourceLoc{}, {opts.input, why});
      return 1;
    }
    std::string text = printed([&](std::ostream &os) {
      if (last == Stage::Tokens) {
        for (const syntax::Token &t : syntax::lex(c.sources, *file, c.diags)) {
          LineCol lc = c.sources.lineCol(t.loc);
          os << lc.line << ":" << lc.col << " " << syntax::describe(t.kind) << " " << t.text
             << "\n";
        }
      } else {
        syntax::FileAst ast = syntax::parseFile(c.sources, *file, c.diags);
        if (!c.diags.hasErrors())
          syntax::printAst(ast, os);
      }
    });
    return c.diags.hasErrors() ? errorsSummary(c.diags, err) : emitText(text);
  }

  // Sema: the checked model, its forward graph and its train block.
  if (!c.load(opts))
    return errorsSummary(c.diags, err);
  sema::Model &model = *c.model;
  if (std::string problem = ir::verifyGraph(*model.graph); !problem.empty()) {
    err << "internal compiler error: the forward graph is invalid: " << problem << "\n";
    return 2;
  }
  if (last == Stage::Ir)
    return emitText(printed([&](std::ostream &os) { ir::printGraph(*model.graph, os); }));
  if (last == Stage::IrTrain || last == Stage::KernelsTrain) {
    if (!model.training) {
      err << "error: `--emit " << (last == Stage::IrTrain ? "ir-train" : "kernels-train")
          << "` needs a train block with a loss\n";
      return 1;
    }
  }
  if (last == Stage::IrTrain)
    return emitText(
        printed([&](std::ostream &os) { ir::printGraph(*buildTrainStepGraph(model), os); }));
  if (last == Stage::IrGrad) {
    // The forward graph with the gradient of every output for each
    // trainable tensor: what autodiff adds.
    addGradients(model);
    return emitText(printed(
        [&](std::ostream &os) { ir::printGraph(*passes::eliminateDeadCode(*model.graph), os); }));
  }

  // Kernels: fused loop nests over planned buffers, target-neutral, and
  // their hooked variants.
  codegen::ModelPrograms programs = lowerModel(model, c.arena);
  if (last == Stage::Kernels)
    return emitText(printed([&](std::ostream &os) { codegen::printKernels(programs.forward, os); }));
  if (last == Stage::KernelsTrain)
    return emitText(printed([&](std::ostream &os) {
      os << "# evaluate: the forward pass and the loss\n";
      codegen::printKernels(programs.training->evaluate, os);
      os << "# train_step: forward, loss and gradients (then the optimizer update)\n";
      codegen::printKernels(programs.training->trainStep, os);
    }));
  if (last == Stage::KernelsHooked)
    return emitText(printed([&](std::ostream &os) {
      os << "# forward, hooked: each module call's tensors in buffers, then its hooks\n";
      codegen::printKernels(programs.forwardHooked, os);
      if (!programs.trainingHooked)
        return;
      os << "# evaluate, hooked\n";
      codegen::printKernels(programs.trainingHooked->evaluate, os);
      os << "# train_step, hooked: forward hooks, then full backward hooks\n";
      codegen::printKernels(programs.trainingHooked->trainStep, os);
    }));

  // The backend: the model descriptor and its entry points, then the
  // target's optimisation pipeline.
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module =
      rawModule(model, c.arena, programs, context, *backend, true, opts.prefix, err);
  if (!module)
    return 2;
  if (last == Stage::LlvmRaw)
    return emitText(printedModule(*module));
  backend->optimize(*module);
  if (last == Stage::Llvm)
    return emitText(printedModule(*module));

  // The object file, linked with the runtime into an executable for exe,
  // archived and linked alone into the libraries for lib.
  // The files this build read, for the build system that runs nnc
  // (nnc_add_model's DEPFILE): the target first, as Make writes it.
  if (!opts.depfile.empty()) {
    std::string target = last == Stage::Lib ? library->archive->path() : output->path();
    std::string text = makeEscaped(target) + ":";
    for (const std::string &path : c.program.paths)
      text += " \\\n  " + makeEscaped(fs::absolute(path).lexically_normal().string());
    try {
      nnrt::OutputFile depfile(opts.depfile);
      depfile.stage({text + "\n"});
      depfile.commit();
    } catch (const nnrt::Error &e) {
      err << "error: --depfile: " << e.what() << "\n";
      return 1;
    }
  }
  if (last == Stage::Lib) {
    std::string object = library->archive->stagingPath() + ".o", error;
    std::string header = libraryHeader(opts.prefix, library->name,
                                       manifestJson(model, c.arena, programs), opts.input);
    bool written = backend->writeObject(*module, object, error) &&
                   writeLibrary(object, header, *library, error);
    std::error_code ec;
    fs::remove(object, ec);
    if (!written) {
      err << "error: " << error << "\n";
      return 1;
    }
    return 0;
  }
  return writeBinary(*module, *backend, last == Stage::Obj ? "obj" : "exe", *output, err);
}

/// `nnc check FILE [--emit STAGE]`: the pipeline up to the forward graph
/// (its checks), or up to the text stage named.
int cmdCheck(const Options &opts, std::ostream &out, std::ostream &err) {
  std::optional<Stage> last = opts.emit.empty() ? Stage::Ir : stageNamed(opts.emit);
  if (!last || *last > Stage::Llvm) {
    err << "error: `check --emit` takes " << stageList(Stage::Llvm) << ", not `" << opts.emit
        << "`" << (last ? " (check writes no file: use `nnc build --emit " + opts.emit + " -o FILE`)"
                        : std::string())
        << "\n";
    return 1;
  }
  std::string error;
  std::unique_ptr<codegen::Backend> backend;
  if (*last >= Stage::LlvmRaw && !(backend = codegen::makeBackend("cpu", "native", error))) {
    err << "error: " << error << "\n";
    return 1;
  }
  if (opts.emit.empty()) {
    // Checked only: print nothing.
    Compilation c(err);
    if (!c.load(opts))
      return errorsSummary(c.diags, err);
    if (std::string problem = ir::verifyGraph(*c.model->graph); !problem.empty()) {
      err << "internal compiler error: the forward graph is invalid: " << problem << "\n";
      return 2;
    }
    return 0;
  }
  std::optional<nnrt::OutputFile> none;
  return compileTo(*last, opts, backend.get(), none, out, err);
}

/// `nnc build --emit lib -o DIR/NAME`: the files checked first, the symbols
/// named after NAME unless --prefix names them.
int buildLibrary(const Options &opts, const codegen::Backend &backend, std::ostream &out,
                 std::ostream &err) {
  std::optional<LibraryOutputs> library;
  Options effective = opts;
  try {
    library = LibraryOutputs::open(opts.output);
    for (nnrt::OutputFile *file :
         {library->archive.get(), library->shared.get(), library->header.get()})
      nnrt::checkNotInput(file->path(), opts.input, "source");
  } catch (const nnrt::Error &e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
  if (!opts.prefixGiven) {
    effective.prefix = library->name;
    if (std::string problem = prefixProblem(library->name); !problem.empty()) {
      err << "error: the library's symbols are named after `" << library->name
          << "`, but " << problem << ": name them with --prefix\n";
      return 1;
    }
  }
  std::optional<nnrt::OutputFile> none;
  return compileTo(Stage::Lib, effective, &backend, none, out, err, &*library);
}

/// `nnc build --target cuda --emit ptx|llvm`: the model's kernels for one GPU
/// architecture, as PTX or as the optimised NVPTX module.
int buildGpuKernels(const Options &opts, std::ostream &out, std::ostream &err) {
  std::vector<std::string> archs;
  std::istringstream list(opts.gpuArch);
  for (std::string a; std::getline(list, a, ',');)
    archs.push_back(a);
  if (archs.empty())
    archs = {codegen::defaultGpuArchs().front()};
  if (archs.size() != 1) {
    err << "error: --emit " << opts.emit << " writes the kernels of one GPU architecture: give "
        << "one --gpu-arch, not `" << opts.gpuArch << "`\n";
    return 1;
  }
  std::string error;
  std::optional<codegen::GpuArch> arch = codegen::gpuArch(archs[0], error);
  if (!arch) {
    err << "error: " << error << "\n";
    return 1;
  }
  if (opts.emit == "ptx" && opts.output.empty()) {
    err << "error: `build` needs `-o FILE` for --emit ptx\n";
    return 1;
  }
  std::optional<nnrt::OutputFile> output;
  if (!openOutput(opts, opts.emit != "ptx", output, err))
    return 1;
  Compilation c(err);
  if (!c.load(opts))
    return errorsSummary(c.diags, err);
  std::string ptx, ir;
  if (!codegen::emitPtx(lowerModel(*c.model, c.arena), *arch, codegen::cudaDirectory(),
                        opts.prefix, ptx, error, opts.emit == "llvm" ? &ir : nullptr)) {
    err << "error: " << error << "\n";
    return error.rfind("internal", 0) == 0 ? 2 : 1;
  }
  return writeText(output, opts.emit == "ptx" ? ptx : ir, out, err);
}

int cmdBuild(const Options &opts, std::ostream &out, std::ostream &err) {
  if (opts.emit == "ptx" && opts.target != "cuda") {
    err << "error: --emit ptx needs --target cuda\n";
    return 1;
  }
  if (opts.target == "cuda") {
    if (opts.emit == "ptx" || opts.emit == "llvm")
      return buildGpuKernels(opts, out, err);
    // The target-neutral stages are the same for every target.
    std::optional<Stage> stage = stageNamed(opts.emit);
    if (!stage || *stage >= Stage::LlvmRaw) {
      err << "error: the CUDA backend writes the model's kernels (--emit ptx -o FILE, or --emit "
             "llvm) so far; executables and libraries for the GPU come with its runtime\n";
      return 1;
    }
    std::optional<nnrt::OutputFile> output;
    if (!openOutput(opts, true, output, err))
      return 1;
    return compileTo(*stage, opts, nullptr, output, out, err);
  }
  std::optional<Stage> last = opts.emit.empty() ? Stage::Exe : stageNamed(opts.emit);
  if (!last) {
    err << "error: `--emit` takes " << stageList(Stage::Lib) << ", not `" << opts.emit
        << "`\n";
    return 1;
  }
  std::string error;
  std::unique_ptr<codegen::Backend> backend =
      codegen::makeBackend(opts.target, opts.targetCpu, error);
  if (!backend) {
    err << "error: " << error << "\n";
    return 1;
  }
  if (std::string problem = prefixProblem(opts.prefix); !problem.empty()) {
    err << "error: --prefix: " << problem << "\n";
    return 1;
  }
  if (opts.prefixGiven && *last == Stage::Exe && opts.prefix != codegen::kDefaultSymbolPrefix) {
    err << "error: --prefix names the symbols of an object file or a library (--emit obj, "
           "--emit lib); an executable's runtime links the model `"
        << codegen::kDefaultSymbolPrefix << "_model`\n";
    return 1;
  }
  bool binary = *last >= Stage::Obj;
  if (!opts.depfile.empty() && !binary) {
    err << "error: --depfile goes with --emit obj, exe or lib (the files a build system "
           "rebuilds)\n";
    return 1;
  }
  if (binary && opts.output.empty()) {
    err << "error: `build` needs `-o " << (*last == Stage::Lib ? "DIR/NAME" : "FILE")
        << "` for --emit " << (opts.emit.empty() ? "exe" : opts.emit) << "\n";
    return 1;
  }
  if (*last == Stage::Lib)
    return buildLibrary(opts, *backend, out, err);
  std::optional<nnrt::OutputFile> output;
  if (!openOutput(opts, !binary, output, err))
    return 1;
  return compileTo(*last, opts, backend.get(), output, out, err);
}

/// `nnc run model.nnm -- ARGS`: the built executable's command line, on the
/// model's code compiled in memory.
int cmdRun(const Options &opts, const std::vector<std::string> &modelArgs,
           std::ostream &out, std::ostream &err) {
  Compilation c(err);
  if (!c.load(opts))
    return errorsSummary(c.diags, err);
  const sema::Model &model = *c.model;
  std::string error;
  std::unique_ptr<codegen::Backend> backend = codegen::makeBackend("cpu", "native", error);
  if (!backend) {
    err << "error: " << error << "\n";
    return 1;
  }
  int status = 0;
  std::unique_ptr<JitModel> jit = jitCompile(model, c.arena, *backend, err, status);
  if (!jit)
    return status;
  // The program name in the model's help and messages: the file's stem.
  std::vector<std::string> args = {fs::path(opts.input).stem().string()};
  args.insert(args.end(), modelArgs.begin(), modelArgs.end());
  std::vector<const char *> argv;
  for (const std::string &a : args)
    argv.push_back(a.c_str());
  return nnrt::cli::runCli(jit->code(), static_cast<int>(argv.size()),
                           argv.data(), out, err, c.program.paths);
}

/// SVG from DOT through Graphviz's `dot`, by way of a private temporary
/// folder (mkdtemp: no name another user could have planted a symlink at).
/// False with `printed` set when it fails.
bool runGraphviz(const std::string &dot, std::string &svg,
                 std::string &printed) {
  std::string folder =
      (fs::temp_directory_path() / "nnc-graph-XXXXXX").string();
  if (!::mkdtemp(folder.data())) {
    printed = "cannot create a temporary folder `" + folder +
              "`: " + std::strerror(errno) + "\n";
    return false;
  }
  std::string dotPath = folder + "/graph.dot", svgPath = folder + "/graph.svg";
  bool ok = false;
  try {
    nnrt::writeFileAtomic(dotPath, {dot});
    ok = runProcess({"dot", "-Tsvg", dotPath, "-o", svgPath}, printed);
  } catch (const nnrt::Error &e) {
    printed = std::string(e.what()) + "\n";
  }
  if (ok) {
    std::ifstream file(svgPath);
    std::stringstream text;
    text << file.rdbuf();
    svg = text.str();
  }
  std::error_code ec;
  fs::remove_all(folder, ec);
  return ok;
}

int cmdGraph(const Options &opts, std::ostream &out, std::ostream &err) {
  if (opts.view != "modules" && opts.view != "forward" &&
      opts.view != "backward") {
    err << "error: `--view` takes modules, forward or backward, not `"
        << opts.view << "`\n";
    return 1;
  }
  if (opts.format != "dot" && opts.format != "svg") {
    err << "error: `--format` takes dot or svg, not `" << opts.format << "`\n";
    return 1;
  }
  std::optional<nnrt::OutputFile> output;
  if (!openOutput(opts, true, output, err))
    return 1;
  Compilation c(err);
  if (!c.load(opts))
    return errorsSummary(c.diags, err);
  std::ostringstream dot;
  if (opts.view == "modules") {
    printModuleDot(*c.model, dot);
  } else if (opts.view == "forward") {
    printGraphDot(*c.model->graph, dot);
  } else {
    addGradients(*c.model);
    printGraphDot(*passes::eliminateDeadCode(*c.model->graph), dot);
  }
  if (opts.format == "dot")
    return writeText(output, dot.str(), out, err);
  std::string svg, printed;
  if (!runGraphviz(dot.str(), svg, printed)) {
    err << "error: Graphviz `dot` failed (install the graphviz package, or use "
           "--format dot):\n"
        << printed;
    return 1;
  }
  return writeText(output, svg, out, err);
}

int cmdIr(const Options &opts, std::ostream &out, std::ostream &err) {
  if (!opts.emit.empty() && opts.emit != "ir" && opts.emit != "kernels") {
    err << "error: `ir --emit` takes ir or kernels, not `" << opts.emit
        << "`\n";
    return 1;
  }
  SourceManager sources;
  std::string why;
  bool missing = false;
  std::optional<int32_t> file = sources.load(opts.input, why, missing);
  if (!file) {
    err << "error: cannot read file `" << opts.input << "`: " << why << "\n";
    return 1;
  }
  std::string error;
  std::unique_ptr<ir::Graph> graph =
      ir::parseGraph(sources.file(*file).text, error);
  if (!graph) {
    // `error` is "line:col: message"; print it as the diagnostics are printed.
    size_t colon = error.find(": ");
    err << opts.input << ":" << error.substr(0, colon) << ": error: "
        << error.substr(colon + 2) << "\n";
    return 1;
  }
  if (std::string problem = ir::verifyGraph(*graph); !problem.empty()) {
    err << opts.input << ": error: invalid graph: " << problem << "\n";
    return 1;
  }
  if (opts.emit == "kernels") {
    // The verifier bounds each parameter at ir::kMaxElements; the sum is
    // bounded the same way, as sema bounds a model's parameters and buffers,
    // before the kernel level lays them out as it does a model's.
    std::vector<codegen::ArenaTensor> tensors;
    int64_t held = 0;
    for (const ir::Node *p : graph->params()) {
      tensors.push_back({p->attrs.name, ir::numElements(p->shape).valueAtOnes(), false});
      held += tensors.back().elements;
      if (held > ir::kMaxElements) {
        err << opts.input << ": error: the parameters hold more than 2^48 = "
            << ir::kMaxElements << " elements, the most an arena may hold\n";
        return 1;
      }
    }
    codegen::ArenaLayout arena = codegen::layoutArena(tensors);
    codegen::printKernels(codegen::lowerToKernels(*graph, arena.byName), out);
    return 0;
  }
  ir::printGraph(*graph, out);
  return 0;
}

} // namespace

int run(const std::vector<std::string> &args, std::ostream &out,
        std::ostream &err) {
  CLI::App app{"nnc: the compiler of the .nnm neural-network language", "nnc"};
  app.require_subcommand(1);
  Options opts;
  auto addCommon = [&](CLI::App *cmd) {
    cmd->add_option("file", opts.input, "the .nnm source file")->required();
    cmd->add_option("--model", opts.model,
                    "compile this module instead of the file's `model`: with "
                    "the arguments of `model NAME(...)` when the file has "
                    "one, else with its defaults");
  };
  CLI::App *check = app.add_subcommand("check", "parse and shape-check a model");
  addCommon(check);
  check->add_option("--emit", opts.emit,
                    "print a stage: tokens, ast, ir, ir-grad (the forward "
                    "graph with the parameters' gradients), ir-train (the "
                    "training step's graph), kernels, kernels-train, "
                    "kernels-hooked (the variants with hook points), llvm-raw "
                    "(before LLVM's optimisations) or llvm");
  CLI::App *summary = app.add_subcommand(
      "summary", "print the module tree, parameters and parameter counts");
  addCommon(summary);
  summary->add_flag("--json", opts.json, "print JSON");
  CLI::App *build = app.add_subcommand("build", "compile a model");
  addCommon(build);
  build->add_option("-o,--output", opts.output, "output file");
  build->add_option("--emit", opts.emit,
                    "the stage to stop after and write: tokens, ast, ir, ir-grad, "
                    "ir-train, kernels, kernels-train, kernels-hooked, llvm-raw, "
                    "llvm, obj, exe (default) or lib (with -o DIR/NAME: DIR/libNAME.a, "
                    "DIR/libNAME.so and the header DIR/NAME.h)");
  build->add_option("--target", opts.target,
                    "cpu (default), or cuda: the kernels as PTX (--emit ptx) or NVPTX LLVM IR "
                    "(--emit llvm) so far");
  build->add_option("--gpu-arch", opts.gpuArch,
                    "with --target cuda: the GPU architecture, sm_70 to sm_90 (default sm_80)");
  build->add_option("--target-cpu", opts.targetCpu,
                    "the CPU to compile for: native (default: this machine's), "
                    "x86-64, x86-64-v2, x86-64-v3, x86-64-v4 or an LLVM CPU "
                    "name; the executable refuses to run on a CPU that lacks "
                    "its instructions");
  build->add_option("--prefix", opts.prefix,
                    "with --emit obj, lib or llvm: the object's one external symbol "
                    "is the model descriptor PREFIX_model (default: nnc_model; "
                    "lib: NAME_model), so that several models link into one program")
      ->each([&](const std::string &) { opts.prefixGiven = true; });
  build->add_option("--depfile", opts.depfile,
                    "with --emit obj, exe or lib: also write a Make-style file listing every "
                    "file the build read (the model, its imports, the stdlib), for build "
                    "systems");
  CLI::App *graph = app.add_subcommand(
      "graph", "draw the module tree or the graph IR (Graphviz DOT or SVG)");
  addCommon(graph);
  graph->add_option("--view", opts.view,
                    "modules, forward (default) or backward (forward and "
                    "reverse graph)");
  graph->add_option("--format", opts.format, "dot (default) or svg");
  graph->add_option("-o,--output", opts.output, "output file (default: stdout)");
  CLI::App *runCmd = app.add_subcommand(
      "run", "compile a model in memory (LLVM ORC JIT) and run its command "
             "line: nnc run model.nnm -- train --data DIR");
  addCommon(runCmd);
  ExploreOptions explore;
  CLI::App *exploreCmd = app.add_subcommand(
      "explore", "write one HTML page about the model: its module tree, a sample's forward "
                 "pass layer by layer, initialisers compared, the activation functions, "
                 "parameter counts as its arguments vary, training curves");
  addCommon(exploreCmd);
  exploreCmd->add_option("-o,--output", explore.output, "the HTML file")->required();
  exploreCmd->add_option("--params", explore.params,
                         "parameters or a training checkpoint (default: initialised with --seed)");
  exploreCmd->add_option("--data", explore.data,
                         "samples: DIR (MNIST files), IMAGES,LABELS, X.npy,Y.npy or FILE.csv "
                         "(default: the train block's data)");
  exploreCmd->add_option("--metrics", explore.metrics,
                         "the metrics file of `train --metrics`, for training curves");
  exploreCmd->add_option("--sweep", explore.sweeps,
                         "NAME=A..B: count the parameters for the integer argument NAME from A "
                         "to B, doubling (default: a quarter to four times its value)");
  exploreCmd->add_option("--samples", explore.samples,
                         "samples shown layer by layer (default 3)");
  exploreCmd->add_option("--batch", explore.batch,
                         "samples of the initialisation comparison (default 256)");
  exploreCmd->add_option("--seed", explore.seed, "the seed of the initialisations (default 0)");
  exploreCmd->add_option("--json", explore.json, "also write the page's data as JSON to this file");
  CLI::App *irCmd = app.add_subcommand(
      "ir", "read a textual graph IR file, verify it and print it back");
  irCmd->add_option("file", opts.input, "the .nnir file")->required();
  irCmd->add_option("--emit", opts.emit, "ir (default) or kernels");

  // Name a mistyped command instead of CLI11's "a subcommand is required".
  if (!args.empty() && args[0].rfind("-", 0) != 0 &&
      app.get_subcommands([&](CLI::App *cmd) {
           return cmd->check_name(args[0]);
         }).empty()) {
    err << "error: unknown command `" << args[0]
        << "`; the commands are check, summary, build, graph, run, explore and ir (see "
           "--help)\n";
    return 1;
  }
  // Everything after `--` belongs to the model's command line (`nnc run`).
  auto dashes = std::find(args.begin(), args.end(), "--");
  std::vector<std::string> modelArgs(dashes == args.end() ? args.end() : dashes + 1,
                                     args.end());
  std::vector<std::string> reversed(std::make_reverse_iterator(dashes),
                                    args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError &e) {
    return app.exit(e, out, err);
  }
  if (dashes != args.end() && !*runCmd) {
    err << "error: only `nnc run` takes arguments after `--`\n";
    return 1;
  }
  if (*check)
    return cmdCheck(opts, out, err);
  if (*summary)
    return cmdSummary(opts, out, err);
  if (*build)
    return cmdBuild(opts, out, err);
  if (*graph)
    return cmdGraph(opts, out, err);
  if (*exploreCmd) {
    explore.input = opts.input;
    explore.model = opts.model;
    return cmdExplore(explore, err);
  }
  if (*runCmd) {
    if (dashes == args.end()) {
      err << "error: `nnc run` needs the model's command after `--`, as in "
             "`nnc run model.nnm -- train --data DIR`\n";
      return 1;
    }
    return cmdRun(opts, modelArgs, out, err);
  }

  return cmdIr(opts, out, err);
}

} // namespace nnc::driver
