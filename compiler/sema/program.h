//===- program.h - All the files of one compilation -----------------------===//
//
// Loads the main file, follows its imports (relative to the importing file),
// loads the stdlib, and builds the global tables of modules and functions.
// User declarations shadow stdlib ones of the same name; two user
// declarations of one name are an error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "syntax/ast.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nnc::sema {

struct Program {
  std::vector<std::unique_ptr<syntax::FileAst>> files;
  std::map<std::string, const syntax::ModuleDecl *> modules;
  std::map<std::string, const syntax::FnDecl *> functions;
  const syntax::FileAst *main = nullptr;
  std::string mainPath;
  /// Every file read, as opened (the main file, its imports, the stdlib).
  std::vector<std::string> paths;
};

/// Parses `path`, its imports and every `.nnm` file in `stdlibDir`. Returns
/// false when a file could not be read or parsing reported errors.
bool loadProgram(const std::string &path, const std::string &stdlibDir,
                 SourceManager &sources, DiagnosticEngine &diags,
                 Program &program);

} // namespace nnc::sema
