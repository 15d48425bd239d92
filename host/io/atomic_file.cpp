#include "atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "fdgd/error.hpp"
#include "fdgd/io.hpp"

namespace fdgd::detail {

namespace {
[[noreturn]] void fail(const std::string& path, const char* what) { throw error("fdgd: cannot write " + path + ": " + what); }

// The temporary files being written (a trace's CSV and a kernel-cache entry can be open at once),
// for the signal handler, which may only make async-signal-safe calls: fixed buffers, each with a
// lock-free state that says when its path is complete.
constexpr int slot_count = 8;
enum slot_state : int { free_slot, filling, unfinished };
char slot_paths[slot_count][4096];
std::atomic<int> slot_states[slot_count];
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler reads the states");

/// Registers a temporary file for removal by a signal; returns its slot, or -1 when none is free or
/// the path is longer than any open() accepts (the file is then only removed as usual).
int register_unfinished(const std::string& temp) {
  if (temp.size() >= sizeof slot_paths[0]) return -1;
  for (int k = 0; k < slot_count; ++k) {
    int expected = free_slot;
    if (!slot_states[k].compare_exchange_strong(expected, filling, std::memory_order_acquire)) continue;
    std::memcpy(slot_paths[k], temp.c_str(), temp.size() + 1);
    slot_states[k].store(unfinished, std::memory_order_release);
    return k;
  }
  return -1;
}

void unregister(int slot) {
  if (slot >= 0) slot_states[slot].store(free_slot, std::memory_order_release);
}

void remove_unfinished_and_die(int sig) {
  for (int k = 0; k < slot_count; ++k)
    if (slot_states[k].load(std::memory_order_acquire) == unfinished) ::unlink(slot_paths[k]);
  // SA_RESETHAND has restored the default action: raised again, the signal ends the process as it would have.
  std::raise(sig);
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
  struct stat existing {};
  if (hops > 40) {
    why = std::strerror(ELOOP);
  } else if (::stat(target.c_str(), &existing) == 0) {
    if (S_ISDIR(existing.st_mode))
      why = "it is a folder";
    else if (!S_ISREG(existing.st_mode))  // a link to /dev/null or a FIFO: renaming over it would replace it
      why = path == target.string() ? "not a regular file" : "it leads to " + target.string() + ", not a regular file";
    else if (::access(target.c_str(), W_OK) != 0)
      why = std::strerror(errno);
  }
  return target.string();
}

namespace {

/// A hidden name beside the target, short so that any name the folder accepts for the target works.
std::string temporary_name(const std::string& path) {
  static std::atomic<unsigned> serial{0};
  const auto folder = std::filesystem::path(path).parent_path();
  const std::string name = ".fdgd-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".tmp";
  return (folder / name).string();
}
}  // namespace

atomic_file::atomic_file(const std::string& path) : path_(path) {
  std::string why;
  target_ = output_target(path, why);
  if (!why.empty()) fail(path_, why.c_str());
  temp_ = temporary_name(target_);
  struct stat existing {};
  const bool replaces = ::stat(target_.c_str(), &existing) == 0;
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) fail(path_, std::strerror(errno));
  slot_ = register_unfinished(temp_);
  if (replaces && ::fchmod(::fileno(file_), existing.st_mode & 0777) != 0) {
    const int e = errno;
    std::fclose(file_);
    file_ = nullptr;
    std::remove(temp_.c_str());
    unregister(slot_);
    fail(path_, std::strerror(e));
  }
}

atomic_file::~atomic_file() {
  if (file_) {
    std::fclose(file_);
    std::remove(temp_.c_str());
    unregister(slot_);
  }
}

void atomic_file::check_open() const {
  if (!file_) fail(path_, "it is already complete (written after commit)");
}

void atomic_file::write(const void* data, std::size_t n) {
  check_open();
  if (std::fwrite(data, 1, n, file_) != n) fail(path_, std::strerror(errno));
}

void atomic_file::commit() {
  if (!file_) fail(path_, "it is already complete (committed twice)");
  const bool written = !std::ferror(file_) && std::fflush(file_) == 0;
  const int saved = errno;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!written || !closed) {
    std::remove(temp_.c_str());
    unregister(slot_);
    fail(path_, std::strerror(written ? errno : saved));
  }
  const bool renamed = std::rename(temp_.c_str(), target_.c_str()) == 0;
  const int e = errno;
  if (!renamed) std::remove(temp_.c_str());
  unregister(slot_);  // only now: a signal before the rename still finds the temporary file to remove
  if (!renamed) fail(path_, std::strerror(e));
}

}  // namespace fdgd::detail

namespace fdgd {

void remove_unfinished_files_on_signals() {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGXCPU, SIGXFSZ}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;  // keep nohup's SIG_IGN
    struct sigaction act {};
    act.sa_handler = detail::remove_unfinished_and_die;
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_RESETHAND;
    ::sigaction(sig, &act, nullptr);
  }
}

}  // namespace fdgd
