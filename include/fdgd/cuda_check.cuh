// FDGD_CUDA_TRY: every CUDA runtime call and launch goes through it; a failure becomes an
// fdgd::cuda_error naming the call, the source place and the CUDA error. For nvcc translation units.
#pragma once
#include <cuda_runtime_api.h>

#include <string>

#include "fdgd/error.hpp"

namespace fdgd::detail {

[[noreturn]] inline void throw_cuda_error(cudaError_t e, const char* call, const char* file, int line) {
  throw cuda_error(std::string("fdgd: CUDA call ") + call + " failed at " + file + ":" + std::to_string(line) +
                   ": " + cudaGetErrorName(e) + ": " + cudaGetErrorString(e));
}

}  // namespace fdgd::detail

#define FDGD_CUDA_TRY(call)                                                                  \
  do {                                                                                       \
    const cudaError_t fdgd_cuda_status_ = (call);                                            \
    if (fdgd_cuda_status_ != cudaSuccess)                                                    \
      ::fdgd::detail::throw_cuda_error(fdgd_cuda_status_, #call, __FILE__, __LINE__);        \
  } while (0)

/// Checks the launch just made (configuration errors) and, with FDGD_DEBUG_SYNC, its execution too.
#if defined(FDGD_DEBUG_SYNC)
#define FDGD_CUDA_CHECK_LAUNCH(name)          \
  do {                                        \
    FDGD_CUDA_TRY(cudaGetLastError());        \
    FDGD_CUDA_TRY(cudaDeviceSynchronize());   \
  } while (0)
#else
#define FDGD_CUDA_CHECK_LAUNCH(name) FDGD_CUDA_TRY(cudaGetLastError())
#endif
