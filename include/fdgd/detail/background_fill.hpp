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
/// a GPU run can spend descending. wait() before anything else reads or writes r's arrays; the
/// destructor waits too. The fill takes `threads` OpenMP threads less one (0: all cores less one),
/// leaving a core to the thread that drives the GPU. It fills before returning instead, as resize
/// does, where a thread would not pay: arrays under 16 MiB, a team of one thread, a caller inside an
/// OpenMP parallel region (one host thread a GPU: each would start a team of its own), or no thread
/// to be had.
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

/// run_chunks' Backend: a batch whose stores into the result wait for its fill first.
template <class Batch>
struct storing_after_fill {
  Batch& batch;
  background_fill& fill;
  void load(std::int64_t first, std::int64_t n) { batch.load(first, n); }
  std::int64_t advance(std::int64_t k) { return batch.advance(k); }
  void store(std::int64_t first, std::int64_t n, result& r) {
    fill.wait();
    batch.store(first, n, r);
  }
};

}  // namespace fdgd::detail
