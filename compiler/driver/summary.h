//===- summary.h - `nnc summary`: the module tree and parameter table -----===//
#pragma once

#include "codegen/kernel/arena.h"
#include "codegen/kernel/kernels.h"
#include "sema/model.h"

#include <nlohmann/json.hpp>
#include <ostream>

namespace nnc::driver {

void printSummary(const sema::Model &model, std::ostream &out);
nlohmann::json summaryJson(const sema::Model &model);
/// The manifest the runtime reads (docs/manifest.md), with the tensors at
/// their places in `arena`, the layout of model.tensors, and the hook
/// points of the hooked variants of `programs`.
nlohmann::json manifestJson(const sema::Model &model, const codegen::ArenaLayout &arena,
                            const codegen::ModelPrograms &programs);

} // namespace nnc::driver
