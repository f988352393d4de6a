//===- linked_model.cpp - The compiled model linked into this program -----===//
//
// The only file of libnnrt that refers to a compiled model's symbol, the
// descriptor `nnc_model` of a model built with the default prefix. It is
// pulled out of the static library only by code that asks for the linked
// model (the command line, nnrt_create), so programs that pass their own
// ModelCode, like the unit tests, link without a model object.
//
//===----------------------------------------------------------------------===//
#include "nnrt/model.h"
#include "nnrt_model.h"

extern "C" const nnc_model_descriptor nnc_model;

namespace nnrt {

ModelCode linkedModelCode() { return ModelCode::fromDescriptor(nnc_model); }

} // namespace nnrt
