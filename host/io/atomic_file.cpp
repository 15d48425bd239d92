#include "atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fdgd/error.hpp"

namespace fdgd::detail {

namespace {
[[noreturn]] void fail(const std::string& path, const char* what) {
  throw error("fdgd: cannot write " + path + ": " + what);
}
}  // namespace

atomic_file::atomic_file(const std::string& path)
    : path_(path), temp_(path + ".tmp." + std::to_string(::getpid())) {
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) fail(path_, std::strerror(errno));
}

atomic_file::~atomic_file() {
  if (file_) {
    std::fclose(file_);
    std::remove(temp_.c_str());
  }
}

void atomic_file::commit() {
  const bool written = !std::ferror(file_) && std::fflush(file_) == 0;
  const int saved = errno;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!written || !closed) {
    std::remove(temp_.c_str());
    fail(path_, std::strerror(written ? errno : saved));
  }
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    std::remove(temp_.c_str());
    fail(path_, std::strerror(e));
  }
}

}  // namespace fdgd::detail
