//===- linked_model.cpp - The compiled model linked into this program -----===//
//
// The only file of libnnrt that refers to the symbols of nnrt_model.h. It is
// pulled out of the static library only by code that asks for the linked
// model (the command line, nnrt_create), so programs that pass their own
// ModelCode, like the unit tests, link without a model object.
//
//===----------------------------------------------------------------------===//
#include "nnrt/model.h"
#include "nnrt_model.h"

namespace nnrt {

ModelCode linkedModelCode() {
  return {nnc_model_manifest, nnc_model_forward_workspace, nnc_model_forward};
}

} // namespace nnrt
