// The final points, f and |grad| of a resident chunk laid out as fdgd::result holds them, written on
// the device so that the host copies them straight into the result. For nvcc translation units.
#pragma once
#include <cstdint>

#include "fdgd/cuda/kernels.cuh"
#include "fdgd/finite.hpp"

namespace fdgd::detail {

/// Value k of rows [first, first + rows) of the chunk as the result holds them: x as row-major double
/// (rows * dim values; always finite, the last finite point), then f (rows), then grad_norm (rows),
/// their NaNs the canonical one.
template <class T>
FDGD_HD double result_row_value(const device_batch_view<T>& v, std::int64_t first, std::int64_t rows, std::int64_t k) {
  const std::int64_t coords = rows * v.dim;
  if (k < coords) {
    const std::int64_t row = k / v.dim, j = k - row * v.dim;
    return double(v.x[j * v.n + first + row]);
  }
  if (k < coords + rows) return canonical_nan(double(v.f[first + (k - coords)]));
  return canonical_nan(double(v.grad_norm[first + (k - coords - rows)]));
}

/// Those rows, all rows * (dim + 2) values of them, into out.
template <class T>
__global__ void result_rows_kernel(device_batch_view<T> v, std::int64_t first, std::int64_t rows, double* out) {
  const std::int64_t total = rows * (v.dim + 2);
  for (std::int64_t k = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += std::int64_t(gridDim.x) * blockDim.x)
    out[k] = result_row_value(v, first, rows, k);
}

}  // namespace fdgd::detail
