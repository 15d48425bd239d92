// The first exception of an OpenMP loop, kept to rethrow after it.
#pragma once
#include <atomic>
#include <exception>
#include <mutex>

namespace fdgd::detail {

/// The first exception thrown in an OpenMP loop's body (an objective's, on the host), kept to rethrow
/// after the loop: escaping the body, it would end the process. Once one is kept, later bodies skip.
class loop_failure {
 public:
  template <class Body>
  void run(Body&& body) noexcept {
    if (failed_.load(std::memory_order_relaxed)) return;
    try {
      body();
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!first_) first_ = std::current_exception();
      failed_.store(true, std::memory_order_relaxed);
    }
  }
  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  std::exception_ptr first_;
};

}  // namespace fdgd::detail
