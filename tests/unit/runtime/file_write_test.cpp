//===- file_write_test.cpp - Outputs that never destroy anything ----------===//
//
// OutputFile and OutputSet (file_write.h) on the kinds of path an output can
// be: a new file, a regular file, a symlink (relative, absolute, dangling),
// a FIFO, a device node, a folder, a path in a missing folder; an output
// that is an input (the same file by another name, a hard link, a symlink);
// a path given twice; a staging failure among several outputs. Device nodes
// are made in the scratch folder (mknod of the null device), never by
// writing to /dev/null: a broken writer would replace the machine's.
//
//===----------------------------------------------------------------------===//
#include "nnrt/file_io.h"
#include "test_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>

using namespace nnrt;
using namespace nnrt::testing;
namespace fs = std::filesystem;

namespace {

std::string contents(const std::string &path) {
  std::vector<uint8_t> bytes = readFile(path);
  return std::string(bytes.begin(), bytes.end());
}

// Names in `dir` that look like a temporary file of ours.
int temporaries(const ScratchDir &dir) {
  int count = 0;
  for (const auto &entry : fs::directory_iterator(dir.path()))
    if (entry.path().filename().string().find(".tmp.") != std::string::npos)
      ++count;
  return count;
}

// Reads a FIFO to its end on another thread (open blocks until the writer
// opens it, so no timing is involved).
class FifoReader {
public:
  explicit FifoReader(const std::string &path)
      : thread_([this, path] {
          int fd = ::open(path.c_str(), O_RDONLY);
          char buffer[4096];
          for (ssize_t n;
               fd >= 0 && (n = ::read(fd, buffer, sizeof buffer)) > 0;)
            text_.append(buffer, size_t(n));
          if (fd >= 0)
            ::close(fd);
        }) {}
  std::string finish() {
    thread_.join();
    return text_;
  }

private:
  std::string text_;
  std::thread thread_;
};

} // namespace

TEST_CASE("a regular file is replaced whole, keeping its permissions") {
  ScratchDir dir("write_regular");
  std::string path = dir.file("a.bin");
  writeFileAtomic(path, {"new ", "file"});
  CHECK(contents(path) == "new file");
  ::chmod(path.c_str(), 0600);
  writeFileAtomic(path, {"second"});
  CHECK(contents(path) == "second");
  struct stat info;
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  // Permission bits only: a set-user-ID bit is not carried to the new file.
  ::chmod(path.c_str(), 04755);
  writeFileAtomic(path, {"third"});
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0755);
  CHECK(temporaries(dir) == 0);
}

TEST_CASE("a symlink's target is replaced and the link stays a link") {
  ScratchDir dir("write_symlink");
  fs::create_directories(dir.path() / "real");
  std::string target = dir.file("real/p.bin");
  writeFileAtomic(target, {"old"});
  fs::create_symlink("real/p.bin", dir.path() / "rel");
  fs::create_symlink(target, dir.path() / "abs");
  fs::create_symlink("rel", dir.path() / "chain");
  writeFileAtomic(dir.file("rel"), {"via relative"});
  CHECK(fs::is_symlink(dir.path() / "rel"));
  CHECK(contents(target) == "via relative");
  writeFileAtomic(dir.file("abs"), {"via absolute"});
  CHECK(fs::is_symlink(dir.path() / "abs"));
  CHECK(contents(target) == "via absolute");
  writeFileAtomic(dir.file("chain"), {"via a chain"});
  CHECK(fs::is_symlink(dir.path() / "chain"));
  CHECK(fs::is_symlink(dir.path() / "rel"));
  CHECK(contents(target) == "via a chain");
  // A dangling link: its target is created where it points.
  fs::create_symlink("real/new.bin", dir.path() / "dangling");
  writeFileAtomic(dir.file("dangling"), {"created"});
  CHECK(fs::is_symlink(dir.path() / "dangling"));
  CHECK(contents(dir.file("real/new.bin")) == "created");
  CHECK(OutputFile(dir.file("chain")).destination() == dir.file("real/p.bin"));
  fs::create_symlink("loop2", dir.path() / "loop1");
  fs::create_symlink("loop1", dir.path() / "loop2");
  NNRT_CHECK_ERROR(OutputFile(dir.file("loop1")),
                   "Too many levels of symbolic links");
}

TEST_CASE("a FIFO is written through and stays a FIFO") {
  ScratchDir dir("write_fifo");
  std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(OutputFile(fifo).writesThrough());
  FifoReader reader(fifo);
  writeFileAtomic(fifo, {"through ", "the pipe"});
  CHECK(reader.finish() == "through the pipe");
  struct stat info;
  REQUIRE(::lstat(fifo.c_str(), &info) == 0);
  CHECK(S_ISFIFO(info.st_mode));
  CHECK(temporaries(dir) == 0);
}

TEST_CASE("a FIFO whose reader leaves gives an error, not SIGPIPE") {
  ScratchDir dir("write_fifo_epipe");
  std::string fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread quitter([&] {
    int fd = ::open(fifo.c_str(), O_RDONLY);
    if (fd >= 0)
      ::close(fd);
  });
  // More than a pipe holds, so the write outlives the reader.
  std::string big(size_t(4) << 20, 'x');
  NNRT_CHECK_ERROR(writeFileAtomic(fifo, {big}),
                   fifo + ": cannot write: Broken pipe");
  quitter.join();
}

TEST_CASE("a device node is written through, not replaced") {
  ScratchDir dir("write_device");
  std::string node = dir.file("null");
  // The null device (1, 3), our own node; needs CAP_MKNOD.
  if (::mknod(node.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    MESSAGE("mknod not permitted here; device case skipped");
    return;
  }
  OutputFile file(node);
  CHECK(file.writesThrough());
  file.stage({"discarded"});
  file.commit();
  // A device may take several outputs of one command.
  OutputSet set;
  set.add(node, "--output").stage({"one"});
  set.add(node, "--output").stage({"two"});
  set.commit();
  struct stat info;
  REQUIRE(::lstat(node.c_str(), &info) == 0);
  CHECK(S_ISCHR(info.st_mode));
  CHECK(temporaries(dir) == 0);
}

TEST_CASE("paths that cannot be outputs are refused before any write") {
  ScratchDir dir("write_refusals");
  NNRT_CHECK_ERROR(OutputFile(dir.path().string()), ": is a directory");
  NNRT_CHECK_ERROR(OutputFile(dir.file("no/such/x.bin")),
                   dir.file("no/such/x.bin") + ": cannot create: the folder `" +
                       dir.file("no/such") + "` does not exist");
  writeFileAtomic(dir.file("plain"), {"x"});
  NNRT_CHECK_ERROR(OutputFile(dir.file("plain/x.bin")), "Not a directory");
  NNRT_CHECK_ERROR(OutputFile(""), "an output path is empty");
  CHECK(contents(dir.file("plain")) == "x");
}

TEST_CASE("an output may not be an input under another name") {
  ScratchDir dir("write_inputs");
  std::string input = dir.file("p.bin");
  writeFileAtomic(input, {"precious"});
  fs::create_hard_link(input, dir.path() / "hard");
  fs::create_symlink("p.bin", dir.path() / "soft");
  std::string dotted = dir.path().string() + "/./p.bin";
  for (const std::string &alias :
       {input, dotted, dir.file("hard"), dir.file("soft")}) {
    INFO(alias);
    NNRT_CHECK_ERROR(checkNotInput(alias, input, "--params"),
                     alias + ": is the --params file `" + input +
                         "`; an output may not overwrite an input");
  }
  checkNotInput(dir.file("other.bin"), input, "--params"); // not there: fine
  writeFileAtomic(dir.file("other.bin"), {"x"});
  checkNotInput(dir.file("other.bin"), input, "--params"); // another file
  CHECK(contents(input) == "precious");
}

TEST_CASE("OutputSet: inputs, duplicates and all-or-nothing commits") {
  ScratchDir dir("write_set");
  std::string input = dir.file("x.npy");
  writeFileAtomic(input, {"input"});
  writeFileAtomic(dir.file("y.npy"), {"old y"});
  {
    OutputSet set;
    set.addInput(input, "--input");
    NNRT_CHECK_ERROR(set.add(dir.path().string() + "/./x.npy", "--output"),
                     "is the --input file");
    set.add(dir.file("y.npy"), "--output");
    NNRT_CHECK_ERROR(set.add(dir.path().string() + "/./y.npy", "--output"),
                     "the same file is given twice, as --output `" +
                         dir.file("y.npy") + "` and as --output");
    fs::create_symlink("y.npy", dir.path() / "link.npy");
    NNRT_CHECK_ERROR(set.add(dir.file("link.npy"), "--output"),
                     "the same file is given twice");
    // An input declared after the output it would be.
    NNRT_CHECK_ERROR(set.addInput(dir.file("y.npy"), "--params"),
                     "is the --params file");
  }
  writeFileAtomic(dir.file("z.npy"), {"old z"});
  {
    // The second output cannot be staged: its temporary name is taken by a
    // folder. The first must stay as it was, with no temporary left.
    fs::create_directory(dir.file("z.npy.tmp." + std::to_string(::getpid())));
    OutputSet set;
    set.add(dir.file("y.npy"), "--output").stage({"new y"});
    NNRT_CHECK_ERROR(set.add(dir.file("z.npy"), "--output").stage({"new z"}),
                     dir.file("z.npy") + ": cannot create");
    NNRT_CHECK_ERROR(set.commit(), "nothing was written to commit");
  }
  fs::remove(dir.file("z.npy.tmp." + std::to_string(::getpid())));
  CHECK(contents(dir.file("y.npy")) == "old y");
  CHECK(contents(dir.file("z.npy")) == "old z");
  CHECK(temporaries(dir) == 0);
  {
    OutputSet set;
    set.add(dir.file("y.npy"), "--output").stage({"new y"});
    set.add(dir.file("z.npy"), "--output").stage({"new z"});
    set.commit();
  }
  CHECK(contents(dir.file("y.npy")) == "new y");
  CHECK(contents(dir.file("z.npy")) == "new z");
  CHECK(temporaries(dir) == 0);
}

TEST_CASE("a staging path for tools, removed unless committed") {
  ScratchDir dir("write_staging");
  std::string staged;
  {
    OutputFile file(dir.file("exe"));
    staged = file.stagingPath();
    writeBytesFile(staged, "linked");
    CHECK(fs::exists(staged));
  }
  CHECK_FALSE(fs::exists(staged));
  CHECK_FALSE(fs::exists(dir.file("exe")));
  OutputFile file(dir.file("exe"));
  writeBytesFile(file.stagingPath(), "linked");
  file.commit();
  CHECK(contents(dir.file("exe")) == "linked");
  CHECK(temporaries(dir) == 0);
}
