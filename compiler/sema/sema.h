//===- sema.h - From parsed files to a checked model ----------------------===//
//
// Semantic analysis: instantiates the model's module tree with its
// arguments, resolves every name, runs the forward functions symbolically to
// build the forward graph, and checks every shape on the way. Reports go to
// the diagnostic engine; a model is returned only when there were none.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "sema/model.h"
#include "sema/program.h"

namespace nnc::sema {

/// Elaborates the model of `program`: the module named `modelName` with its
/// default arguments if given, else the main file's `model` declaration.
std::unique_ptr<Model> elaborate(const Program &program,
                                 const std::string &modelName,
                                 SourceManager &sources,
                                 DiagnosticEngine &diags);

} // namespace nnc::sema
