#include <cuda_runtime_api.h>

#include "fdgd/cuda/scoped_device.cuh"
#include "fdgd/cuda_check.cuh"
#include "fdgd/cuda_device.hpp"

#ifndef FDGD_CUDA_ARCHITECTURES
#define FDGD_CUDA_ARCHITECTURES "(unknown)"
#endif

namespace fdgd {

namespace {
__global__ void probe_kernel() {}

/// Whether the device can run this build's kernels: a GPU without code for it among
/// CMAKE_CUDA_ARCHITECTURES (SASS for it, or PTX it can compile) fails every launch, as does one whose
/// driver is older than the PTX, or one that cannot be used at all (busy in exclusive mode, faulty).
bool runs_this_build(int ordinal, std::string* why) {
  cudaError_t e = cudaSuccess;
  {
    const detail::scoped_cuda_device on_device(ordinal, &e);  // the caller's context current again after
    cudaFuncAttributes attributes{};
    if (e == cudaSuccess) e = cudaFuncGetAttributes(&attributes, probe_kernel);
  }
  if (e == cudaSuccess) return true;
  cudaGetLastError();  // clear it, so that later calls start clean
  if (why) {
    cudaDeviceProp prop{};
    const bool named = cudaGetDeviceProperties(&prop, ordinal) == cudaSuccess;
    const std::string sm = named ? std::to_string(prop.major * 10 + prop.minor) : "";
    std::string advice;
    if (e == cudaErrorNoKernelImageForDevice || e == cudaErrorInvalidDeviceFunction)
      advice = "; fdgd was built for CUDA architectures " FDGD_CUDA_ARCHITECTURES ", with no code for this GPU" +
               (sm.empty() ? std::string() : ": rebuild with -DCMAKE_CUDA_ARCHITECTURES=" + sm);
    else if (e == cudaErrorUnsupportedPtxVersion)
      advice = "; its driver is older than the CUDA toolkit fdgd was built with: update the driver";
    else if (e == cudaErrorIllegalAddress || e == cudaErrorLaunchFailure || e == cudaErrorAssert ||
             e == cudaErrorHardwareStackError || e == cudaErrorIllegalInstruction || e == cudaErrorMisalignedAddress ||
             e == cudaErrorInvalidAddressSpace || e == cudaErrorInvalidPc || e == cudaErrorLaunchTimeout)
      advice = "; an earlier kernel in this process faulted, which leaves CUDA unusable in it: start a new process";
    *why = "CUDA device " + std::to_string(ordinal) + (named ? std::string(", ") + prop.name + " (sm_" + sm + ")," : "") +
           " cannot run this build's kernels (" + cudaGetErrorName(e) + ": " + cudaGetErrorString(e) + ")" + advice;
  }
  return false;
}
}  // namespace

bool cuda_device_available(int ordinal, std::string* why) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear it, so that later calls start clean
    if (why)
      *why = std::string("no CUDA device is available (cudaGetDeviceCount: ") + cudaGetErrorName(e) + ": " + cudaGetErrorString(e) +
             ")";
    return false;
  }
  if (ordinal < 0 || ordinal >= count) {
    if (why) *why = "CUDA device " + std::to_string(ordinal) + " does not exist (" + std::to_string(count) + " device(s) present)";
    return false;
  }
  return runs_this_build(ordinal, why);
}

std::string cuda_device_name(int ordinal) {
  cudaDeviceProp prop{};
  FDGD_CUDA_TRY(cudaGetDeviceProperties(&prop, ordinal));
  return std::string(prop.name) + " (sm_" + std::to_string(prop.major * 10 + prop.minor) + ")";
}

void require_cuda_device(int ordinal) {
  std::string why;
  if (!cuda_device_available(ordinal, &why)) throw error("fdgd: the CUDA backend cannot run: " + why);
}

}  // namespace fdgd
