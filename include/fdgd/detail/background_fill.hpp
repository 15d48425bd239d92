// A result's fresh pages filled on a thread of its own, while a GPU descends.
#pragma once
#include <cstdint>
#include <thread>

#include "fdgd/result.hpp"

namespace fdgd::detail {

/// r's arrays sized for n trajectories of dimension d with their values unset (std::bad_alloc as
/// result::resize throws it), and then filled as result::resize fills them, on `threads` OpenMP
/// threads (0: all cores). result::resize is the two in turn.
void size_result(result& r, std::int64_t n, int d);
void fill_result(result& r, int threads);

/// result::resize with the fill on a thread of its own: the constructor sizes r (throwing what
/// resize throws) and returns while the fill goes on. The first touch of a fresh page is a fault and
/// the kernel's zeroing of it (about 0.3 s a GB measured on one core, scaling poorly with more), time
/// a GPU run can spend descending. wait() before anything else writes r; the destructor waits too.
/// The fill takes `threads` OpenMP threads less one (0: all cores less one, at least one), leaving a
/// core to the thread that drives the GPU; where no thread can be started it fills before returning.
class background_fill {
 public:
  background_fill(result& r, std::int64_t n, int d, int threads);
  background_fill(const background_fill&) = delete;
  background_fill& operator=(const background_fill&) = delete;
  ~background_fill() { wait(); }
  void wait() {
    if (worker_.joinable()) worker_.join();
  }

 private:
  std::thread worker_;
};

}  // namespace fdgd::detail
