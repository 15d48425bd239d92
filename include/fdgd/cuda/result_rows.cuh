// The final points, f and |grad| of a resident chunk laid out as fdgd::result holds them, written on
// the device so that the host copies them straight into the result. For nvcc translation units.
#pragma once
#include <cstdint>

#include "fdgd/cuda/kernels.cuh"
#include "fdgd/finite.hpp"

namespace fdgd::detail {

/// Rows [first, first + rows) of the chunk into out: x as row-major double (rows * dim), then f
/// (rows), then grad_norm (rows), every NaN the canonical one.
template <class T>
__global__ void result_rows_kernel(device_batch_view<T> v, std::int64_t first, std::int64_t rows, double* out) {
  const std::int64_t coords = rows * v.dim, total = coords + 2 * rows;
  for (std::int64_t k = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += std::int64_t(gridDim.x) * blockDim.x) {
    if (k < coords) {
      const std::int64_t row = k / v.dim, j = k - row * v.dim;
      out[k] = double(v.x[j * v.n + first + row]);
    } else if (k < coords + rows) {
      out[k] = canonical_nan(double(v.f[first + (k - coords)]));
    } else {
      out[k] = canonical_nan(double(v.grad_norm[first + (k - coords - rows)]));
    }
  }
}

}  // namespace fdgd::detail
