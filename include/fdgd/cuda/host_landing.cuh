// Device-to-host copies through two page-locked buffers. A cudaMemcpy into pageable memory goes
// through the driver's own staging buffers and is copied out by the calling thread alone; here the
// DMA of one piece overlaps the host threads' copy of the previous piece into its destination.
// Small rounds of copies, and any without page-locked memory (cudaMallocHost failing), are plain
// cudaMemcpy. For nvcc translation units; copies go on the default stream, after the kernels
// launched before them.
#pragma once
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <initializer_list>

#include "fdgd/config.hpp"  // FDGD_COMPILED_BY
#include "fdgd/cuda_check.cuh"

namespace fdgd::detail {
inline namespace FDGD_COMPILED_BY {  // helpers whose code depends on the build (OpenMP): config.hpp

class host_landing {
 public:
  /// Two buffers of `piece_bytes`, allocated by the first round that uses them; `threads` (> 0)
  /// OpenMP threads copy out of them.
  host_landing(std::size_t piece_bytes, int threads) : piece_bytes_(piece_bytes), threads_(threads) {}
  ~host_landing() { release(); }
  host_landing(const host_landing&) = delete;
  host_landing& operator=(const host_landing&) = delete;

  /// Starts a round of copies of `bytes` in all: below 4 pieces plain copies do as well (and pinning
  /// the buffers would cost more than it saves).
  void begin(std::size_t bytes) {
    const bool large = bytes >= 4 * piece_bytes_;
    if (large && !tried_) allocate();
    plain_ = !large || !buffer_[1];
  }

  /// Queues `bytes` from device `src` to host `dst`; they are in `dst` once finish() returns. `src`
  /// must hold them until the next kernel launch or finish().
  void copy(void* dst, const void* src, std::size_t bytes) {
    if (plain_) {
      FDGD_CUDA_TRY(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost));
      return;
    }
    for (std::size_t at = 0; at < bytes; at += piece_bytes_) {
      const int b = next_;
      if (pending_[b].bytes) land(b);  // its buffer is needed again
      const std::size_t n = std::min(piece_bytes_, bytes - at);
      FDGD_CUDA_TRY(cudaMemcpyAsync(buffer_[b], static_cast<const char*>(src) + at, n, cudaMemcpyDeviceToHost, 0));
      FDGD_CUDA_TRY(cudaEventRecord(copied_[b], 0));
      pending_[b] = {static_cast<char*>(dst) + at, n};
      next_ = 1 - b;
    }
  }

  /// Waits for every queued copy and copies it out, the older piece first.
  void finish() {
    for (const int b : {next_, 1 - next_})
      if (pending_[b].bytes) land(b);
  }

 private:
  struct piece {
    char* dst = nullptr;
    std::size_t bytes = 0;
  };

  void land(int b) {
    const piece p = pending_[b];
    pending_[b] = {};  // (first: after a failure nothing may land later in a result since dropped)
    FDGD_CUDA_TRY(cudaEventSynchronize(copied_[b]));
    constexpr std::size_t block = std::size_t(1) << 20;
    const auto blocks = static_cast<long long>((p.bytes + block - 1) / block);
#if defined(_OPENMP)
#pragma omp parallel for num_threads(int(std::min <long long>(threads_, blocks))) if (blocks > 1) schedule(static)
#endif
    for (long long k = 0; k < blocks; ++k) {
      const std::size_t at = std::size_t(k) * block;
      std::memcpy(p.dst + at, buffer_[b] + at, std::min(block, p.bytes - at));
    }
  }

  void allocate() {
    tried_ = true;  // once: a failure leaves every later round plain too
    for (int b = 0; b < 2; ++b) {
      if (cudaMallocHost(reinterpret_cast<void**>(&buffer_[b]), piece_bytes_) != cudaSuccess ||
          cudaEventCreateWithFlags(&copied_[b], cudaEventDisableTiming) != cudaSuccess) {
        cudaGetLastError();  // not sticky
        release();
        return;
      }
    }
  }

  void release() {
    for (int b = 0; b < 2; ++b) {
      if (copied_[b]) cudaEventSynchronize(copied_[b]), cudaEventDestroy(copied_[b]);  // statuses ignored, as device_array's
      if (buffer_[b]) cudaFreeHost(buffer_[b]);
      copied_[b] = nullptr;
      buffer_[b] = nullptr;
    }
  }

  std::size_t piece_bytes_;
  int threads_;
  char* buffer_[2] = {nullptr, nullptr};
  cudaEvent_t copied_[2] = {nullptr, nullptr};
  piece pending_[2];
  int next_ = 0;
  bool plain_ = true, tried_ = false;  // this round's copies plain; page-locked buffers asked for once
};

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd::detail
