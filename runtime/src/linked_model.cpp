//===- linked_model.cpp - The compiled model linked into this program -----===//
//
// The only file of libnnrt that refers to a compiled model's symbol, the
// descriptor `nnc_model` of a model built with the default prefix. The
// reference is weak: the shared libnnrt, and programs that pass their own
// ModelCode (the unit tests, embedders whose models carry other prefixes),
// link without such a model, and asking for it then is an error.
//
//===----------------------------------------------------------------------===//
#include "nnrt/error.h"
#include "nnrt/model.h"
#include "nnrt_model.h"

extern "C" __attribute__((weak)) const nnc_model_descriptor nnc_model;

namespace nnrt {

ModelCode linkedModelCode() {
  if (&nnc_model == nullptr)
    throw Error(ErrorKind::NotFound,
                "no model with the default prefix (`nnc_model`) is linked into this program: "
                "create a model from its descriptor (nnrt_create_with(&<prefix>_model, ...))");
  return ModelCode::fromDescriptor(nnc_model);
}

} // namespace nnrt
