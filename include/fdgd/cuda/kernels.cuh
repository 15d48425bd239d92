// The CUDA backend's device code: the chunk's structure-of-arrays view and the per-trajectory loops
// that call fdgd::descend, one thread per trajectory. No host code and no standard library, so that
// NVRTC compiles it as it is, for objectives compiled at run time.
#pragma once
#include "fdgd/config.hpp"
#include "fdgd/philox.hpp"
#include "fdgd/point.hpp"
#include "fdgd/step.hpp"

namespace fdgd::detail {
inline namespace FDGD_COMPILED_BY {

/// Non-owning, trivially copyable view of the resident chunk, handed to kernels by value.
template <class T>
struct device_batch_view {
  T* x;                       // dim * n, structure-of-arrays
  T* g;                       // gradient scratch, dim * n; dynamic dimension only
  T* f;                       // n
  T* grad_norm;               // n
  std::int64_t* steps;        // n
  trajectory_status* status;  // n
  std::int64_t n;
  int dim;
};

/// Runs fn(x, g) on trajectory i: in registers for a compile-time D, in place in the SoA otherwise.
template <class T, int D, class Fn>
__device__ void with_device_point(const device_batch_view<T>& v, std::int64_t i, Fn&& fn) {
  if constexpr (D != dynamic_dim) {
    fixed_point<T, D> x, g{};  // g zeroed, as on the CPU: the rolled gradient (D > 8) reads it before writing all of it
    FDGD_UNROLL
    for (int j = 0; j < D; ++j) x[j] = v.x[j * v.n + i];
    fn(x, g);
    FDGD_UNROLL
    for (int j = 0; j < D; ++j) v.x[j * v.n + i] = x[j];
  } else {
    strided_point<T> x{v.x + i, v.n, v.dim};
    strided_point<T> g{v.g + i, v.n, v.dim};
    fn(x, g);
  }
}

#define FDGD_GRID_STRIDE(i, n) \
  for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); i += std::int64_t(gridDim.x) * blockDim.x)

template <class T>
__device__ void generate_starts_all(device_batch_view<T> v, const double* lo, const double* hi, std::uint64_t seed,
                                    std::int64_t first, trajectory_status initial) {
  FDGD_GRID_STRIDE(i, v.n) {
    uniform_start(seed, first + i, v.dim, lo, hi, v.x + i, v.n);
    v.steps[i] = 0;
    v.status[i] = initial;
  }
}

template <class T>
__device__ void reset_all(device_batch_view<T> v, trajectory_status initial) {
  FDGD_GRID_STRIDE(i, v.n) {
    v.steps[i] = 0;
    v.status[i] = initial;
  }
}

template <class T, int D, class Objective>
__device__ void advance_all(const Objective& f, device_batch_view<T> v, step_params<T> p, std::int64_t k) {
  FDGD_GRID_STRIDE(i, v.n) {
    if (v.status[i] != trajectory_status::running) continue;
    std::int64_t steps = v.steps[i];
    trajectory_status st;
    with_device_point<T, D>(v, i, [&](auto& x, auto& g) { st = descend(f, x, g, p, k, steps); });
    v.steps[i] = steps;
    v.status[i] = st;
  }
}

template <class T, int D, class Objective>
__device__ void evaluate_all(const Objective& f, device_batch_view<T> v, step_params<T> p) {
  FDGD_GRID_STRIDE(i, v.n) {
    with_device_point<T, D>(v, i, [&](auto& x, auto& g) {
      evaluate(f, x, g, p.h, v.f[i], v.grad_norm[i]);
      v.status[i] = final_status(v.status[i], x, v.f[i], v.grad_norm[i], p);
    });
  }
}

#undef FDGD_GRID_STRIDE

// The kernels of the CUDA backend; run-time compiled objectives get extern "C" ones around the same
// bodies (see host/expression/cuda_source.cpp).
template <class T>
__global__ void generate_starts_kernel(device_batch_view<T> v, const double* lo, const double* hi, std::uint64_t seed,
                                       std::int64_t first, trajectory_status initial) {
  generate_starts_all(v, lo, hi, seed, first, initial);
}

template <class T>
__global__ void reset_kernel(device_batch_view<T> v, trajectory_status initial) {
  reset_all(v, initial);
}

template <class T, int D, class Objective>
__global__ void advance_kernel(Objective f, device_batch_view<T> v, step_params<T> p, std::int64_t k) {
  advance_all<T, D>(f, v, p, k);
}

template <class T, int D, class Objective>
__global__ void evaluate_kernel(Objective f, device_batch_view<T> v, step_params<T> p) {
  evaluate_all<T, D>(f, v, p);
}

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd::detail
