//===- file_write.h - Outputs that never destroy anything -----------------===//
//
// Every file nnc and a model executable write goes through OutputFile, so
// that the same rules hold everywhere:
//
//   - a regular file (or a new one) is replaced atomically: the bytes go to a
//     temporary file beside it (`<file>.tmp.<pid>`), which is fsynced and
//     renamed over it, then the folder is fsynced. A crash or a full disk
//     leaves the previous file whole; a failure removes the temporary file.
//   - a symlink is followed: its target is replaced, in the target's folder,
//     and the link stays a link.
//   - a device node, a FIFO or a socket is written through (opened and
//     written, as compilers do), never replaced by a regular file.
//   - a folder, a missing folder or one that cannot be written is refused
//     when the OutputFile is made, before any work is done.
//
// OutputSet holds the outputs of one command with the inputs it reads: an
// output that is an input (same device and inode: `./x`, `x`, a symlink or
// a hard link to it), or a path given twice, is refused before anything is
// written, and commit() installs the outputs only once every one of them was
// staged, so a failure changes no output file. docs/runtime.md has the
// rules and messages.
//
//===----------------------------------------------------------------------===//
#ifndef NNRT_FILE_WRITE_H
#define NNRT_FILE_WRITE_H

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnrt {

/// A file's identity: two paths name the same file when these agree.
struct FileId {
  uint64_t device = 0;
  uint64_t inode = 0;
  bool operator==(const FileId &) const = default;
};

/// The identity of the regular file `path` leads to (symlinks followed), or
/// nullopt when there is none (missing, a folder, a device, a FIFO).
std::optional<FileId> regularFileId(const std::string &path);

/// Throws Error("<output>: is the <role> file `<input>`; ...") when `output`
/// and `input` are the same regular file. A device or FIFO is never "the
/// same file": writing to it destroys nothing.
void checkNotInput(const std::string &output, const std::string &input,
                   const std::string &role);

/// One output, checked when made and written in two phases: stage() (or a
/// tool writing stagingPath()) and commit(). An uncommitted staging file is
/// removed by the destructor.
class OutputFile {
public:
  /// Resolves symlinks and checks that `path` can be written; writes
  /// nothing. Throws Error("<path>: ...") for an empty path, a folder, a
  /// missing folder, a folder or device that cannot be written.
  explicit OutputFile(std::string path);
  OutputFile(OutputFile &&other) noexcept;
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  OutputFile &operator=(OutputFile &&) = delete;
  ~OutputFile();

  /// The path as given, for messages.
  const std::string &path() const { return path_; }
  /// Where the bytes end up: the path with its symlinks resolved.
  const std::string &destination() const { return destination_; }
  /// True for a device node, FIFO or socket, which is written through.
  bool writesThrough() const { return through_; }
  /// A key equal for two OutputFiles that would write the same file.
  const std::string &identity() const { return identity_; }

  /// Writes the concatenation of `chunks` to the staging file and fsyncs
  /// it. Throws Error("<path>: ..."); then nothing is staged.
  void stage(const std::vector<std::string_view> &chunks);
  /// A path where a tool that writes files itself (the linker, LLVM) puts
  /// the content; commit() installs what it wrote. No file is there yet.
  const std::string &stagingPath();
  /// Installs the staged content: renames it over the destination, or
  /// copies it into the device or FIFO. Throws Error("<path>: ...").
  void commit();
  /// True between stage() (or stagingPath()) and commit().
  bool staged() const { return !staging_.empty(); }

private:
  void removeStaging();

  std::string path_;
  std::string destination_;
  std::string identity_;
  bool through_ = false;
  std::optional<uint32_t> keepMode_; ///< The replaced file's permissions.
  std::string staging_;              ///< Empty until asked for.
  bool committed_ = false;
};

/// The outputs of one command and the inputs they must not overwrite.
class OutputSet {
public:
  /// Declares a file the command reads; `role` names it ("--params").
  /// Throws Error when an output already declared is that file.
  void addInput(const std::string &path, const std::string &role);
  /// Declares an output (checked as OutputFile does). Throws Error when it
  /// is a declared input or the same file as an earlier output (a device or
  /// FIFO may be given more than once).
  OutputFile &add(const std::string &path, const std::string &role);
  /// Installs every output, the written-through ones first (the likelier to
  /// fail: a FIFO whose reader went away), then the renames. Throws Error,
  /// changing nothing, when one of them was not staged.
  void commit();

  std::deque<OutputFile> &outputs() { return outputs_; }

private:
  struct Input {
    std::string path, role;
  };
  std::vector<Input> inputs_;
  std::deque<OutputFile> outputs_;
  std::vector<std::string> roles_;
};

/// Writes the concatenation of `chunks` to `path` by the rules above:
/// OutputFile(path), stage, commit. Throws Error("<path>: <problem>").
void writeFileAtomic(const std::string &path,
                     const std::vector<std::string_view> &chunks);

} // namespace nnrt

#endif // NNRT_FILE_WRITE_H
