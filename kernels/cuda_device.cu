#include <cuda_runtime_api.h>

#include "fdgd/cuda_check.cuh"
#include "fdgd/cuda_device.hpp"

namespace fdgd {

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
  return true;
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
