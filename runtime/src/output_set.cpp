//===- output_set.cpp - The outputs of one command, all or none -----------===//
//
// A command that writes several files (predict with several outputs, train
// with --save and --metrics) declares its inputs and outputs here first, so
// that an output naming an input or a path given twice fails before any work
// and any write; then it stages every output and commits them together.
//
//===----------------------------------------------------------------------===//
#include "nnrt/error.h"
#include "nnrt/file_write.h"

namespace nnrt {

void OutputSet::addInput(const std::string &path, const std::string &role) {
  for (size_t i = 0; i < outputs_.size(); ++i)
    checkNotInput(outputs_[i].path(), path, role);
  inputs_.push_back({path, role});
}

OutputFile &OutputSet::add(const std::string &path, const std::string &role) {
  if (path.empty())
    throw Error(role + " is an empty path");
  OutputFile file(path);
  for (const Input &input : inputs_)
    checkNotInput(path, input.path, input.role);
  // A device or FIFO may take several outputs (/dev/null for all of them);
  // a file given twice would keep only the last.
  for (size_t i = 0; i < outputs_.size() && !file.writesThrough(); ++i)
    if (outputs_[i].identity() == file.identity())
      throw Error(path + ": the same file is given twice, as " + roles_[i] +
                  " `" + outputs_[i].path() + "` and as " + role);
  outputs_.push_back(std::move(file));
  roles_.push_back(role);
  return outputs_.back();
}

void OutputSet::commit() {
  for (const OutputFile &file : outputs_)
    if (!file.staged())
      throw Error(file.path() + ": nothing was written to commit");
  for (OutputFile &file : outputs_)
    if (file.writesThrough())
      file.commit();
  for (OutputFile &file : outputs_)
    if (!file.writesThrough())
      file.commit();
}

} // namespace nnrt
