// The CUDA device a library call runs on, current for the call only: the caller's own context (or
// none, for a program that has not used CUDA) is current again after. For nvcc translation units.
#pragma once
#include <cuda.h>  // driver types only: the two calls come through the runtime (driver_entry)
#include <cuda_runtime_api.h>

#include "fdgd/cuda/driver_entry.cuh"
#include "fdgd/cuda_check.cuh"

namespace fdgd::detail {

/// cuCtxGetCurrent and cuCtxSetCurrent, or null where the driver lacks them (then the device set is
/// left current, as a plain cudaSetDevice leaves it).
struct context_calls {
  CUresult (*get)(CUcontext*) = nullptr;
  CUresult (*set)(CUcontext) = nullptr;

  static const context_calls& driver() {
    static const context_calls calls{driver_entry<CUresult (*)(CUcontext*)>("cuCtxGetCurrent"),
                                     driver_entry<CUresult (*)(CUcontext)>("cuCtxSetCurrent")};
    return calls;
  }
};

/// Makes `ordinal` the calling thread's current CUDA device for its lifetime (declare it before the
/// device memory, events and modules it must outlive), then makes the caller's context current again.
/// Throws fdgd::cuda_error where the device cannot be set, or, given `status`, stores the error there
/// instead (cleared from the runtime either way).
class scoped_cuda_device {
 public:
  explicit scoped_cuda_device(int ordinal, cudaError_t* status = nullptr) {
    const context_calls& calls = context_calls::driver();
    saved_ = calls.get && calls.set && calls.get(&caller_) == CUDA_SUCCESS;
    const cudaError_t e = cudaSetDevice(ordinal);
    if (e != cudaSuccess) cudaGetLastError();
    if (status) *status = e;
    if (e != cudaSuccess && !status) {
      restore();
      throw_cuda_error(e, "cudaSetDevice(ordinal)", __FILE__, __LINE__);
    }
  }
  ~scoped_cuda_device() { restore(); }
  scoped_cuda_device(const scoped_cuda_device&) = delete;
  scoped_cuda_device& operator=(const scoped_cuda_device&) = delete;

 private:
  void restore() {
    if (saved_) context_calls::driver().set(caller_);  // null: no context, as the caller had
    saved_ = false;
  }

  CUcontext caller_ = nullptr;
  bool saved_ = false;
};

}  // namespace fdgd::detail
