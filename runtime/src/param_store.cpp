//===- param_store.cpp - The parameter arena and its named views ----------===//
//
// Loading checks the whole file against the manifest before copying a single
// value, so a bad checkpoint never leaves the arena half overwritten. A
// training checkpoint (checkpoint.h) loads too: its CRC-32 is verified and
// its optimizer-state tensors are skipped.
//
//===----------------------------------------------------------------------===//
#include "nnrt/param_store.h"
#include "nnrt/checkpoint.h"
#include "nnrt/error.h"
#include "nnrt/init.h"
#include "nnrt/memory.h"
#include "nnrt/safetensors.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>

namespace nnrt {
namespace {

constexpr size_t kAlignment = 64;

// Every file tensor must be a manifest tensor of the same shape, as F32, and
// every manifest tensor must be in the file; a checkpoint may hold optimizer
// state besides.
void checkAgainstManifest(const SafeTensorsFile &file, const Manifest &m,
                          bool checkpoint) {
  const std::string &path = file.path;
  for (const SafeTensorEntry &entry : file.entries) {
    const TensorSpec *spec = m.findTensor(entry.name);
    if (!spec && checkpoint && isOptimizerStateName(entry.name))
      continue;
    if (!spec)
      throw Error(ErrorKind::InvalidFile, path + ": unexpected tensor `" + entry.name +
                  "`: the model has no tensor of that name");
    if (entry.shape != spec->shape)
      throw Error(ErrorKind::InvalidFile, path + ": tensor `" + entry.name + "`: shape " +
                  formatShape(entry.shape) + " in file, model expects " +
                  formatShape(spec->shape));
    if (entry.dtype != DType::F32)
      throw Error(ErrorKind::InvalidFile, path + ": tensor `" + entry.name + "`: dtype " +
                  dtypeName(entry.dtype) +
                  " is not supported: only F32 can be loaded for now");
  }
  for (const TensorSpec &spec : m.tensors)
    if (!file.find(spec.name))
      throw Error(ErrorKind::InvalidFile, path + ": missing tensor `" + spec.name + "`");
}

} // namespace

void AlignedBuffer::Free::operator()(void *p) const { std::free(p); }

AlignedBuffer::AlignedBuffer(size_t bytes, const std::string &what)
    : bytes_(bytes) {
  if (bytes > size_t(std::numeric_limits<int64_t>::max()))
    throw Error(ErrorKind::OutOfMemory, what + " needs " + std::to_string(bytes) +
                " bytes, more than a 64-bit size");
  checkAllocation(int64_t(bytes), 1, what);
  // aligned_alloc wants a multiple of the alignment and a non-zero size.
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0)
    rounded = kAlignment;
  void *p = std::aligned_alloc(kAlignment, rounded);
  if (!p)
    throw Error(ErrorKind::OutOfMemory, what + ": out of memory allocating " + formatBytes(bytes) +
                " (" + std::to_string(bytes) + " bytes)");
  std::memset(p, 0, rounded);
  data_.reset(p);
}

ParamStore::ParamStore(const Manifest &manifest)
    : manifest_(&manifest), arenas_{AlignedBuffer(
                                checkAllocation(manifest.arenaElements,
                                                sizeof(float),
                                                "the parameter arena"),
                                "the parameter arena")} {}

std::span<float> ParamStore::view(const std::string &name) const {
  const TensorSpec *spec = manifest_->findTensor(name);
  if (!spec)
    throw Error(ErrorKind::NotFound, "the model has no tensor `" + name + "`");
  return {arena() + spec->offset, size_t(spec->numel())};
}

void ParamStore::initAll(uint64_t seed) {
  for (const TensorSpec &spec : manifest_->tensors)
    initTensor(spec, seed, view(spec.name));
}

Preprocessing ParamStore::load(const std::string &path) {
  SafeTensorsFile file = readSafeTensors(path);
  std::optional<CheckpointInfo> info = checkpointInfo(file);
  checkAgainstManifest(file, *manifest_, info.has_value());
  for (const TensorSpec &spec : manifest_->tensors) {
    std::span<float> target = view(spec.name);
    std::memcpy(target.data(), file.data(*file.find(spec.name)),
                target.size_bytes());
  }
  if (!info)
    return {};
  return {info->data.normalize, info->data.normalization};
}

void ParamStore::save(const std::string &path) const {
  std::vector<F32Tensor> tensors;
  for (const TensorSpec &spec : manifest_->tensors)
    tensors.push_back({spec.name, spec.shape, arena() + spec.offset});
  writeSafeTensors(path, tensors, {{"format", "pt"}});
}

} // namespace nnrt
