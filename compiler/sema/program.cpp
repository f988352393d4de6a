//===- program.cpp - All the files of one compilation ---------------------===//
//
// File loading, import resolution (with cycle detection) and the global
// declaration tables.
//
//===----------------------------------------------------------------------===//
#include "sema/program.h"
#include "syntax/parser.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace nnc::sema {
namespace {

class Loader {
public:
  Loader(SourceManager &sources, DiagnosticEngine &diags, Program &program)
      : sources_(sources), diags_(diags), program_(program) {}

  const syntax::FileAst *load(const fs::path &path, SourceLoc from,
                              bool isStdlib) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec)
      canonical = path;
    if (active_.count(canonical.string())) {
      diags_.report(DiagKind::ImportCycle, from, {path.string()});
      return nullptr;
    }
    if (auto it = done_.find(canonical.string()); it != done_.end())
      return it->second;
    // Stdlib files are named `stdlib/nn.nnm` in diagnostics, wherever nnc
    // is installed.
    std::string why;
    bool missing = false;
    std::optional<int32_t> id = sources_.load(
        path.string(), why, missing,
        isStdlib ? "stdlib/" + path.filename().string() : std::string());
    if (!id) {
      if (from.valid() && missing)
        diags_.report(DiagKind::ImportNotFound, from, {path.string()});
      else
        diags_.report(DiagKind::CannotReadFile, from, {path.string(), why});
      return nullptr;
    }
    program_.paths.push_back(path.string());
    active_.insert(canonical.string());
    auto ast = std::make_unique<syntax::FileAst>(
        syntax::parseFile(sources_, *id, diags_));
    const syntax::FileAst *result = ast.get();
    program_.files.push_back(std::move(ast));
    for (const syntax::ImportDecl &imp : result->imports)
      load(path.parent_path() / imp.path, imp.loc, isStdlib);
    active_.erase(canonical.string());
    done_[canonical.string()] = result;
    declare(*result, isStdlib);
    return result;
  }

private:
  template <typename Decl>
  void add(std::map<std::string, const Decl *> &table, const Decl *decl,
           bool isStdlib) {
    auto it = table.find(decl->name);
    if (it == table.end() || stdlibNames_.count(decl->name)) {
      table[decl->name] = decl;
      if (isStdlib)
        stdlibNames_.insert(decl->name);
      else
        stdlibNames_.erase(decl->name);
      return;
    }
    if (isStdlib)
      return; // a user declaration already shadows it
    diags_.report(DiagKind::DuplicateDefinition, decl->loc, {decl->name});
    diags_.report(DiagKind::PreviousDefinition, it->second->loc, {decl->name});
  }

  void declare(const syntax::FileAst &ast, bool isStdlib) {
    for (const auto &mod : ast.modules)
      add(program_.modules, mod.get(), isStdlib);
    for (const auto &fn : ast.functions) {
      // A module and a function share one namespace: calls name either.
      auto clash = program_.modules.find(fn->name);
      if (!isStdlib && clash != program_.modules.end() &&
          !stdlibNames_.count(fn->name)) {
        diags_.report(DiagKind::DuplicateDefinition, fn->loc, {fn->name});
        diags_.report(DiagKind::PreviousDefinition, clash->second->loc,
                      {fn->name});
        continue;
      }
      add(program_.functions, fn.get(), isStdlib);
    }
  }

  SourceManager &sources_;
  DiagnosticEngine &diags_;
  Program &program_;
  std::set<std::string> active_;
  std::map<std::string, const syntax::FileAst *> done_;
  std::set<std::string> stdlibNames_;
};

} // namespace

bool loadProgram(const std::string &path, const std::string &stdlibDir,
                 SourceManager &sources, DiagnosticEngine &diags,
                 Program &program) {
  unsigned before = diags.errorCount();
  Loader loader(sources, diags, program);
  std::vector<fs::path> stdlibFiles;
  std::error_code ec;
  if (!stdlibDir.empty() && fs::is_directory(stdlibDir, ec))
    for (const auto &entry : fs::directory_iterator(stdlibDir, ec))
      if (entry.path().extension() == ".nnm")
        stdlibFiles.push_back(entry.path());
  std::sort(stdlibFiles.begin(), stdlibFiles.end());
  for (const fs::path &file : stdlibFiles)
    loader.load(file, {}, /*isStdlib=*/true);
  program.mainPath = path;
  program.main = loader.load(path, {}, /*isStdlib=*/false);
  return program.main && diags.errorCount() == before;
}

} // namespace nnc::sema
