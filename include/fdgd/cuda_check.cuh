// FDGD_CUDA_TRY: every CUDA runtime call and launch goes through it; a failure becomes an
// fdgd::cuda_error naming the call, the source place and the CUDA error. For nvcc translation units.
#pragma once
#include <cuda_runtime_api.h>

#include <string>

#include "fdgd/error.hpp"

namespace fdgd::detail {

#if defined(FDGD_DEBUG_SYNC)
inline constexpr bool debug_sync = true;
#else
inline constexpr bool debug_sync = false;
#endif

[[noreturn]] inline void throw_cuda_error(cudaError_t e, const char* call, const char* file, int line) {
  throw cuda_error(std::string("fdgd: CUDA call ") + call + " failed at " + file + ":" + std::to_string(line) + ": " +
                   cudaGetErrorName(e) + ": " + cudaGetErrorString(e));
}

}  // namespace fdgd::detail

#define FDGD_CUDA_TRY(call)                                                                                               \
  do {                                                                                                                    \
    const cudaError_t fdgd_cuda_status_ = (call);                                                                         \
    if (fdgd_cuda_status_ != cudaSuccess) ::fdgd::detail::throw_cuda_error(fdgd_cuda_status_, #call, __FILE__, __LINE__); \
  } while (0)

/// Checks the launch of `kernel` (a string literal) just made: a bad configuration throws
/// fdgd::cuda_error naming the kernel; with FDGD_DEBUG_SYNC it also waits for the kernel, so an error
/// while it runs is reported here rather than at a later call.
#define FDGD_CUDA_CHECK_LAUNCH(kernel)                                                                \
  do {                                                                                                \
    const cudaError_t fdgd_launch_status_ = cudaGetLastError();                                       \
    if (fdgd_launch_status_ != cudaSuccess)                                                           \
      ::fdgd::detail::throw_cuda_error(fdgd_launch_status_, "launch of " kernel, __FILE__, __LINE__); \
    if constexpr (::fdgd::detail::debug_sync) {                                                       \
      const cudaError_t fdgd_run_status_ = cudaDeviceSynchronize();                                   \
      if (fdgd_run_status_ != cudaSuccess)                                                            \
        ::fdgd::detail::throw_cuda_error(fdgd_run_status_, "run of " kernel, __FILE__, __LINE__);     \
    }                                                                                                 \
  } while (0)

namespace fdgd::detail {

/// Makes `ordinal` the calling thread's current CUDA device for its lifetime, and gives the caller's
/// own back after (declared before the device memory it outlives): a library call leaves a program's
/// device as it found it.
class scoped_cuda_device {
 public:
  explicit scoped_cuda_device(int ordinal) {
    if (cudaGetDevice(&caller_) != cudaSuccess) {
      cudaGetLastError();
      caller_ = -1;
    }
    if (caller_ != ordinal) FDGD_CUDA_TRY(cudaSetDevice(ordinal));
    changed_ = caller_ >= 0 && caller_ != ordinal;
  }
  ~scoped_cuda_device() {
    if (changed_ && cudaSetDevice(caller_) != cudaSuccess) cudaGetLastError();  // not a later call's error
  }
  scoped_cuda_device(const scoped_cuda_device&) = delete;
  scoped_cuda_device& operator=(const scoped_cuda_device&) = delete;

 private:
  int caller_ = -1;
  bool changed_ = false;
};

}  // namespace fdgd::detail
