#include <cuda_runtime_api.h>
#include <thrust/system_error.h>

#include "fdgd/cuda/scoped_device.cuh"
#include "fdgd/cuda_check.cuh"
#include "kernels/cells_thrust.hpp"

namespace fdgd::detail {

std::optional<cell_members> cells_on_cuda(const result& r, double tol, int device, bool or_none) {
  const scoped_cuda_device on_device(device);
  try {
    return thrust_cells::cells(r, tol);
  } catch (const device_bad_alloc&) {
    if (or_none) return std::nullopt;
    throw;
  } catch (const thrust::system_error& e) {
    throw cuda_error(std::string("fdgd: grouping final points on the CUDA device failed: ") + e.what());
  }
}

bool cells_fit_on_cuda(const result& r) {
  std::size_t free_bytes = 0, total_bytes = 0;
  try {
    const scoped_cuda_device on_device(r.cuda_device);
    if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) {
      cudaGetLastError();  // the host groups instead
      return false;
    }
  } catch (const std::exception&) {  // the device cannot be had now: the host groups
    return false;
  }
  return double(free_bytes) >= cells_device_bytes(r.count, r.dim);
}

}  // namespace fdgd::detail
