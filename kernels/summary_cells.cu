#include <cuda_runtime_api.h>
#include <thrust/system_error.h>

#include "fdgd/cuda/scoped_device.cuh"
#include "fdgd/cuda_check.cuh"
#include "kernels/cells_thrust.hpp"

namespace fdgd::detail {

cell_members cells_on_cuda(const result& r, double tol, int device) {
  const scoped_cuda_device on_device(device);
  try {
    return thrust_cells::cells(r, tol);
  } catch (const thrust::system_error& e) {
    throw cuda_error(std::string("fdgd: grouping final points on the CUDA device failed: ") + e.what());
  }
}

}  // namespace fdgd::detail
