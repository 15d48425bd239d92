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
  (void)cudaGetLastError();  // the exception carries it; left pending, it would be the caller's next error too
  throw cuda_error(std::string("fdgd: CUDA call ") + call + " failed at " + file + ":" + std::to_string(line) + ": " +
                   cudaGetErrorName(e) + ": " + cudaGetErrorString(e));
}

}  // namespace fdgd::detail

#define FDGD_CUDA_TRY(call)                                                                                               \
  do {                                                                                                                    \
    const cudaError_t fdgd_cuda_status_ = (call);                                                                         \
    if (fdgd_cuda_status_ != cudaSuccess) ::fdgd::detail::throw_cuda_error(fdgd_cuda_status_, #call, __FILE__, __LINE__); \
  } while (0)

/// Makes the launch `...` (`kernel<<<grid, block>>>(arguments)`) and checks it: a bad configuration
/// throws fdgd::cuda_error naming `kernel` (a string literal); with FDGD_DEBUG_SYNC it also waits for
/// the kernel, so an error while it runs is reported here rather than at a later call. A launch
/// reports through cudaGetLastError, which also holds any error an earlier runtime call left unread
/// (the caller's own failed cudaMalloc, say): that one is cleared first, as Thrust does, so that it is
/// not taken for the launch's. (A sticky error stays, and fails the launch itself.)
#define FDGD_CUDA_LAUNCH(kernel, ...)                                                                 \
  do {                                                                                                \
    (void)cudaGetLastError();                                                                         \
    __VA_ARGS__;                                                                                      \
    const cudaError_t fdgd_launch_status_ = cudaGetLastError();                                       \
    if (fdgd_launch_status_ != cudaSuccess)                                                           \
      ::fdgd::detail::throw_cuda_error(fdgd_launch_status_, "launch of " kernel, __FILE__, __LINE__); \
    if constexpr (::fdgd::detail::debug_sync) {                                                       \
      const cudaError_t fdgd_run_status_ = cudaDeviceSynchronize();                                   \
      if (fdgd_run_status_ != cudaSuccess)                                                            \
        ::fdgd::detail::throw_cuda_error(fdgd_run_status_, "run of " kernel, __FILE__, __LINE__);     \
    }                                                                                                 \
  } while (0)
