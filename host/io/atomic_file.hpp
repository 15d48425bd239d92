// A file written under a temporary name and renamed into place by commit(); removed if never committed.
// Where the path is a symbolic link, the file it leads to is the one replaced (the link stays); a file
// replaced keeps its permission bits, and one that may not be written is refused, as `>` would.
#pragma once
#include <sys/types.h>

#include <string>

namespace fdgd::detail {

/// The file an output written to `path` replaces: `path`, or where its symbolic links lead. `why`
/// says why it cannot be (a loop of links; a folder, or another file that is not a regular one;
/// one that may not be written), and is left alone when it can.
std::string output_target(const std::string& path, std::string& why);

struct unfinished_slot;  // where a signal handler finds a temporary file to remove

class atomic_file {
 public:
  explicit atomic_file(const std::string& path);
  ~atomic_file();
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  /// Throws fdgd::error naming the file once it has been committed.
  void check_open() const;
  /// Writes n bytes, through a buffer of 64 KB; throws fdgd::error naming the file as soon as a
  /// buffer cannot be written (a full disk).
  void write(const void* data, std::size_t n);
  /// Flushes, syncs to disk, closes and renames the temporary file to the target; throws fdgd::error on
  /// failure (the temporary file removed, the target as it was).
  void commit();

 private:
  /// Writes out buffer_; false with errno where the file takes less.
  bool drain();
  /// Closes the file and, in the process that made it, removes it.
  void abandon() noexcept;

  std::string path_, target_, temp_;  // as given, where it leads, the temporary file beside the latter
  // The file's descriptor and what waits to be written, in the object, not in stdio: a forked child's
  // exit() flushes every stdio buffer, and would write the parent's rows a second time.
  int fd_ = -1;
  std::string buffer_;
  pid_t owner_ = 0;                  // the process that made the file: only it removes it
  unfinished_slot* slot_ = nullptr;  // where a signal handler finds temp_ to remove it (nullptr: nowhere)
};

}  // namespace fdgd::detail
