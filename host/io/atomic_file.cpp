#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/fs.h>  // FS_IOC_GETFLAGS, FS_APPEND_FL
#include <sys/ioctl.h>
#endif

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <random>

#include "fdgd/error.hpp"
#include "fdgd/io.hpp"

namespace fdgd::detail {

// The temporary files being written, for the signal handler, which may only make async-signal-safe
// calls: a list of slots that only grows (by a slot where every one is taken: as many as writes were
// ever open at once), each a path buffer with a lock-free state that says when its path is complete.
// The handler claims a slot (unfinished -> removing) before it reads the path, and a slot it claimed is
// never freed, so a thread that ends its write at that moment cannot refill the path under it; a second
// signal, arriving in the first one's handler, removes the slots claimed already too. The same
// removal runs at exit(), which ends a process without unwinding its stack (libgomp calls it when it
// cannot start its threads). Each slot names the process that made its file: a forked child, ending,
// leaves its parent's files alone.
enum slot_state : int { free_slot, filling, unfinished, removing };
struct unfinished_slot {
  std::atomic<int> state{filling};
  char path[4096];
  pid_t owner = 0;
  unfinished_slot* next = nullptr;
};

namespace {
[[noreturn]] void fail(const std::string& path, const char* what) { throw error("fdgd: cannot write " + path + ": " + what); }

std::atomic<unfinished_slot*> slots{nullptr};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<unfinished_slot*>::is_always_lock_free,
              "the signal handler reads the list");

void remove_unfinished();

/// Registers a temporary file for removal by a signal or exit(); returns its slot, or nullptr where the path is
/// longer than any open() accepts or no memory is left for a slot (the file is then only removed as usual).
unfinished_slot* register_unfinished(const std::string& temp) {
  static const bool at_exit = std::atexit(remove_unfinished) == 0;
  (void)at_exit;
  if (temp.size() >= sizeof unfinished_slot::path) return nullptr;
  unfinished_slot* s = slots.load(std::memory_order_acquire);
  for (int expected = free_slot; s && !s->state.compare_exchange_strong(expected, filling, std::memory_order_acquire);
       expected = free_slot)
    s = s->next;
  const bool fresh = !s;
  if (fresh && !(s = new (std::nothrow) unfinished_slot)) return nullptr;  // a new one is filling
  std::memcpy(s->path, temp.c_str(), temp.size() + 1);
  s->owner = ::getpid();
  s->state.store(unfinished, std::memory_order_release);
  if (fresh) {
    s->next = slots.load(std::memory_order_relaxed);
    while (!slots.compare_exchange_weak(s->next, s, std::memory_order_release, std::memory_order_relaxed)) {
    }
  }
  return s;
}

void unregister(unfinished_slot* slot) {
  int expected = unfinished;  // not where the handler has claimed it: the process is ending
  if (slot) slot->state.compare_exchange_strong(expected, free_slot, std::memory_order_release, std::memory_order_relaxed);
}

/// Async-signal-safe: atomics, getpid and unlink.
void remove_unfinished() {
  const pid_t self = ::getpid();
  for (unfinished_slot* s = slots.load(std::memory_order_acquire); s; s = s->next)
    if (int expected = unfinished;
        s->state.compare_exchange_strong(expected, removing, std::memory_order_acquire) || expected == removing)
      if (s->owner == self) ::unlink(s->path);
}

void remove_unfinished_and_die(int sig) {
  remove_unfinished();
  // Only now the default action, and the signal again: held while this handler runs, it ends the process
  // as it would have once the handler returns. (Restored on entry, by SA_RESETHAND, the default let the
  // same signal sent twice at once, as `timeout` sends it to the process and then to its group, end the
  // process from another thread before the files were removed.)
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(sig, &default_action, nullptr);
  std::raise(sig);
}

/// What keeps an existing file from being replaced by a rename that access(W_OK) does not tell: the
/// file mounted on its name, or append-only (chattr +a), which root may add to but not replace. "" if none.
std::string why_not_replaceable(const std::filesystem::path& target) {
#if defined(__linux__)
  // Mount IDs, not st_dev: a bind mount from the same file system has its folder's st_dev, and on an
  // overlay a file may not.
  const std::filesystem::path parent = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  struct statx file_mount {};
  struct statx folder_mount {};
  if (::statx(AT_FDCWD, target.c_str(), 0, STATX_MNT_ID, &file_mount) == 0 &&
      ::statx(AT_FDCWD, parent.c_str(), 0, STATX_MNT_ID, &folder_mount) == 0 && (file_mount.stx_mask & STATX_MNT_ID) &&
      (folder_mount.stx_mask & STATX_MNT_ID) && file_mount.stx_mnt_id != folder_mount.stx_mnt_id)
    return "a file is mounted on it, which cannot be replaced";
  const int fd = ::open(target.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  int flags = 0;
  const bool append_only = fd >= 0 && ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & FS_APPEND_FL);
  if (fd >= 0) ::close(fd);
  if (append_only) return "it is append-only (chattr +a), which can be added to but not replaced";
#else
  (void)target;
#endif
  return {};
}

}  // namespace

std::string output_target(const std::string& path, std::string& why) {
  namespace fs = std::filesystem;
  fs::path target(path);
  std::error_code ec;
  int hops = 0;
  for (; hops <= 40 && fs::is_symlink(fs::symlink_status(target, ec)); ++hops) {
    const fs::path next = fs::read_symlink(target, ec);
    if (ec) break;
    target = next.is_absolute() ? next : target.parent_path() / next;
  }
  // What is there, as the kernel follows the links: /proc's too (/dev/stdout to a pipe names no file).
  struct stat existing {};
  if (hops > 40) {
    why = std::strerror(ELOOP);
  } else if (::stat(path.c_str(), &existing) == 0) {
    if (S_ISDIR(existing.st_mode))
      why = "it is a folder";
    else if (!S_ISREG(existing.st_mode))  // a link to /dev/null or a FIFO: renaming over it would replace it
      why = path == target.string() ? "not a regular file" : "it leads to " + target.string() + ", not a regular file";
    else if (::access(path.c_str(), W_OK) != 0)
      why = std::strerror(errno);
    else
      why = why_not_replaceable(target);
  }
  return target.string();
}

namespace {

/// A new file of a hidden name beside the target, short so that any name the folder accepts for the
/// target works, and random, so that no other process can foresee it: made with O_EXCL, it is never a
/// file or link already there (another run's, one sharing the folder over NFS or from another PID
/// namespace, or a link planted to redirect the write). Sets `temp` and `slot`, registered before the
/// file is made, so that no signal finds it made and not registered; -1 with errno on failure.
int create_temporary(const std::string& target, mode_t mode, std::string& temp, unfinished_slot*& slot) {
  static std::atomic<std::uint64_t> serial{0};
  static const std::uint64_t seed = (std::uint64_t(std::random_device{}()) << 32) ^ std::random_device{}();
  const auto folder = std::filesystem::path(target).parent_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::uint64_t z = seed + 0x9e3779b97f4a7c15ull * ++serial;  // splitmix64: distinct names from one seed
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    char name[32];
    std::snprintf(name, sizeof name, ".fdgd-%016llx.tmp", static_cast<unsigned long long>(z));
    temp = (folder / name).string();
    slot = register_unfinished(temp);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);  // less the umask
    if (fd >= 0) return fd;
    const int e = errno;
    unregister(slot);
    slot = nullptr;
    errno = e;
    if (e != EEXIST) return -1;
  }
  return -1;  // errno: EEXIST
}
}  // namespace

atomic_file::atomic_file(const std::string& path) : path_(path) {
  std::string why;
  target_ = output_target(path, why);
  if (!why.empty()) fail(path_, why.c_str());
  struct stat existing {};
  const bool replaces = ::stat(target_.c_str(), &existing) == 0;
  // A new file is 0666 less the umask, as fopen makes it; a replacement is made the owner's alone and
  // only then given the old file's mode, so no one the old file kept out can open it in between.
  fd_ = create_temporary(target_, replaces ? 0600 : 0666, temp_, slot_);
  if (fd_ < 0) fail(path_, std::strerror(errno));
  owner_ = ::getpid();
  if (replaces && ::fchmod(fd_, existing.st_mode & 0777) != 0) {
    const int e = errno;
    abandon();
    fail(path_, std::strerror(e));
  }
}

atomic_file::~atomic_file() {
  if (fd_ >= 0) abandon();
}

void atomic_file::abandon() noexcept {
  ::close(fd_);
  fd_ = -1;
  if (::getpid() != owner_) return;  // a forked child's copy: the file is its parent's
  ::unlink(temp_.c_str());
  unregister(slot_);
}

void atomic_file::check_open() const {
  if (fd_ < 0) fail(path_, "it is already complete (written after commit)");
}

bool atomic_file::drain() {
  for (std::size_t done = 0; done < buffer_.size();) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += std::size_t(n);
  }
  buffer_.clear();
  return true;
}

void atomic_file::write(const void* data, std::size_t n) {
  check_open();
  buffer_.append(static_cast<const char*>(data), n);
  if (buffer_.size() >= (std::size_t(1) << 16) && !drain()) fail(path_, std::strerror(errno));
}

void atomic_file::commit() {
  if (fd_ < 0) fail(path_, "it is already complete (committed twice)");
  // fsync before the rename: a write error some file systems report only at write-back (NFS, a
  // quota) fails here instead of leaving a short file in place, and a crash after the rename cannot
  // leave the target empty. EINVAL: a file that cannot be synced, nothing to lose.
  const bool written = drain() && (::fsync(fd_) == 0 || errno == EINVAL);
  const int saved = errno;
  const bool closed = ::close(fd_) == 0;
  fd_ = -1;
  if (!written || !closed) {
    ::unlink(temp_.c_str());
    unregister(slot_);
    fail(path_, std::strerror(written ? errno : saved));
  }
  const bool renamed = std::rename(temp_.c_str(), target_.c_str()) == 0;
  const int e = errno;
  if (!renamed) ::unlink(temp_.c_str());
  unregister(slot_);  // only now: a signal before the rename still finds the temporary file to remove
  if (!renamed) fail(path_, std::strerror(e));
  // The rename itself lasts through a crash once the folder is synced. Best effort: the file is complete
  // either way, and a folder some file systems cannot sync is no error.
  const std::filesystem::path folder = std::filesystem::path(target_).parent_path();
  if (const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace fdgd::detail

namespace fdgd {

void remove_unfinished_files_on_signals() {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGXCPU, SIGXFSZ, SIGPIPE, SIGALRM, SIGVTALRM, SIGUSR1, SIGUSR2}) {
    struct sigaction old {};
    // Only where the signal would end the process: nohup's SIG_IGN and a program's own handler stay.
    if (::sigaction(sig, nullptr, &old) != 0 || (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;
    struct sigaction act {};
    act.sa_handler = detail::remove_unfinished_and_die;
    sigemptyset(&act.sa_mask);
    act.sa_flags = 0;  // the handler restores the default itself, after removing the files
    ::sigaction(sig, &act, nullptr);
  }
}

}  // namespace fdgd
