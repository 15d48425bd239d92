// The CUDA driver's entry points, reached through the runtime (cudaGetDriverEntryPointByVersion), so
// that nothing links libcuda and a machine without a driver still runs everything else. For nvcc
// translation units.
#pragma once
#include <cuda_runtime_api.h>

namespace fdgd::detail {

/// The driver's `symbol` as of CUDA 12.0, as an Fn; null where the driver has none. `status`, where
/// given, takes the runtime's answer, which is cleared from the runtime either way.
template <class Fn>
Fn driver_entry(const char* symbol, cudaError_t* status = nullptr) {
  void* p = nullptr;
  cudaDriverEntryPointQueryResult found{};
  const cudaError_t e = cudaGetDriverEntryPointByVersion(symbol, &p, 12000, cudaEnableDefault, &found);
  if (e != cudaSuccess) cudaGetLastError();
  if (status) *status = e;
  return e == cudaSuccess && found == cudaDriverEntryPointSuccess ? reinterpret_cast<Fn>(p) : nullptr;
}

}  // namespace fdgd::detail
