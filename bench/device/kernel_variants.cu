// The fused step kernels of the d = 32 built-ins (f64), for comparing builds of the same code:
// bench/device/check.sh compiles this file once per variant (FDGD_CUDA_ORDERED_TERMS,
// FDGD_CUDA_SLIM_TERMS, nvcc -maxrregcount, FDGD_CUDA_RECIPROCAL_DIVISION) and runs each. Every kernel prints one JSON line:
// its registers and local memory (spills), the block size the backend would choose and the warps an
// SM then holds, the times of 3 launches of 100 steps (after one to warm up), and an order-free hash
// of the final points' bits, equal between variants exactly when their final points are.
//   kernel_variants [N]      (N trajectories, default 2^21, starts uniform in [-5, 5]^32, lr 1e-4)
#include <cuda_runtime_api.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "fdgd/cuda/kernels.cuh"
#include "fdgd/cuda_check.cuh"
#include "fdgd/detail/block_size.hpp"
#include "fdgd/functions.hpp"

namespace {

constexpr int dim = 32;

__device__ std::uint64_t mix(std::uint64_t z) {  // splitmix64's finalizer
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The sum of mix(index, bits) over all values: the same for the same bits in the same places.
__global__ void hash_bits(const std::uint64_t* bits, std::int64_t n, unsigned long long* out) {
  std::uint64_t h = 0;
  for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += std::int64_t(gridDim.x) * blockDim.x)
    h += mix(std::uint64_t(i) * 0x9e3779b97f4a7c15ull ^ mix(bits[i]));
  atomicAdd(out, static_cast<unsigned long long>(h));
}

template <class F>
void time_kernel(const char* name, std::int64_t n) {
  using namespace fdgd;
  using namespace fdgd::detail;
  const auto kernel = advance_kernel<double, dim, F>;
  cudaFuncAttributes attributes{};
  FDGD_CUDA_TRY(cudaFuncGetAttributes(&attributes, kernel));
  int resident = 0;
  const unsigned threads = block_threads_for([&](unsigned t) {
    FDGD_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&resident, kernel, int(t), 0));
    return resident;
  });
  FDGD_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&resident, kernel, int(threads), 0));
  const unsigned blocks = unsigned((n + threads - 1) / threads);

  double box[2 * dim];
  for (int j = 0; j < dim; ++j) box[j] = -5.0, box[dim + j] = 5.0;
  device_batch_view<double> v{};
  double* bounds = nullptr;
  unsigned long long* hash = nullptr;
  FDGD_CUDA_TRY(cudaMalloc(&v.x, sizeof(double) * dim * n));
  FDGD_CUDA_TRY(cudaMalloc(&v.f, sizeof(double) * n));
  FDGD_CUDA_TRY(cudaMalloc(&v.grad_norm, sizeof(double) * n));
  FDGD_CUDA_TRY(cudaMalloc(&v.steps, sizeof(std::int64_t) * n));
  FDGD_CUDA_TRY(cudaMalloc(&v.status, sizeof(trajectory_status) * n));
  FDGD_CUDA_TRY(cudaMalloc(&bounds, sizeof box));
  FDGD_CUDA_TRY(cudaMalloc(&hash, sizeof *hash));
  FDGD_CUDA_TRY(cudaMemcpy(bounds, box, sizeof box, cudaMemcpyHostToDevice));
  v.n = n;
  v.dim = dim;
  const step_params<double> p{1e-4, 1e-4, 0.0, 100, 0.0};
  cudaEvent_t a, b;
  FDGD_CUDA_TRY(cudaEventCreate(&a));
  FDGD_CUDA_TRY(cudaEventCreate(&b));
  float ms[4];
  for (float& t : ms) {  // the first launch warms up
    generate_starts_kernel<<<blocks, threads>>>(v, bounds, bounds + dim, 1, 0, trajectory_status::running);
    FDGD_CUDA_TRY(cudaEventRecord(a));
    kernel<<<blocks, threads>>>(F{}, v, p, 100);
    FDGD_CUDA_TRY(cudaEventRecord(b));
    FDGD_CUDA_TRY(cudaEventSynchronize(b));
    FDGD_CUDA_TRY(cudaGetLastError());
    FDGD_CUDA_TRY(cudaEventElapsedTime(&t, a, b));
  }
  FDGD_CUDA_TRY(cudaMemset(hash, 0, sizeof *hash));
  hash_bits<<<1024, 256>>>(reinterpret_cast<const std::uint64_t*>(v.x), dim * n, hash);
  unsigned long long h = 0;
  FDGD_CUDA_TRY(cudaMemcpy(&h, hash, sizeof h, cudaMemcpyDeviceToHost));
  std::printf(
      "{\"function\": \"%s\", \"dim\": %d, \"n\": %lld, \"registers\": %d, \"local_bytes\": %zu, \"threads\": %u, "
      "\"warps_per_sm\": %u, \"ms\": [%.4f, %.4f, %.4f], \"hash\": \"%016llx\"}\n",
      name, dim, static_cast<long long>(n), attributes.numRegs, attributes.localSizeBytes, threads,
      unsigned(resident) * threads / 32, ms[1], ms[2], ms[3], h);
  std::fflush(stdout);
  for (void* ptr : {static_cast<void*>(v.x), static_cast<void*>(v.f), static_cast<void*>(v.grad_norm), static_cast<void*>(v.steps),
                    static_cast<void*>(v.status), static_cast<void*>(bounds), static_cast<void*>(hash)})
    FDGD_CUDA_TRY(cudaFree(ptr));
  FDGD_CUDA_TRY(cudaEventDestroy(a));
  FDGD_CUDA_TRY(cudaEventDestroy(b));
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : std::int64_t(1) << 21;
  if (n < 1 || n > (std::int64_t(1) << 26)) {
    std::fprintf(stderr, "kernel_variants: N must be 1 to 2^26, not %s\n", argv[1]);
    return 2;
  }
  try {  // a failing CUDA call throws fdgd::cuda_error naming it
    using namespace fdgd::functions;
    time_kernel<sphere>("sphere", n);
    time_kernel<rosenbrock>("rosenbrock", n);
    time_kernel<rastrigin>("rastrigin", n);
    time_kernel<ackley>("ackley", n);
    time_kernel<griewank>("griewank", n);
    time_kernel<styblinski_tang>("styblinski_tang", n);
    time_kernel<levy>("levy", n);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kernel_variants: %s\n", e.what());
    return 1;
  }
  return 0;
}
