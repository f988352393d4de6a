//===- explore_page.h - `nnc explore`: the model explorer as one HTML page ===//
//
// The page writer of `nnc explore`: the data the command gathers about a
// model (module tree, a sample's forward pass, initialisers, activation
// functions, a parameter-count sweep, training curves) as one self-contained
// HTML file: inline CSS, inline SVG charts rendered here, and a small script
// that only switches between pre-rendered panels. The JSON schema is in
// explore_page.cpp, above explorePageHtml.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace nnc::driver {

/// The page for `data`. Equal data gives equal bytes. Throws
/// std::invalid_argument naming the field (e.g. "modules.children[0].params")
/// when a required field is missing or a field has the wrong type. Optional
/// sections that are absent are replaced by a note saying what would show them.
std::string explorePageHtml(const nlohmann::json &data);

} // namespace nnc::driver
