// The CUDA half of the sweep: the backend's own kernels on a resident batch, timed with device events
// (manual time) after a warm-up launch; the batch is allocated and loaded before timing.
#include <cuda_runtime_api.h>

#include "fdgd/cuda_backend.cuh"
#include "sweep.hpp"

namespace fdgd::bench {
namespace {

template <class F, class T, int D>
void cuda_case(benchmark::State& state, mode m) {
  std::string why;
  if (!cuda_device_available(0, &why)) {
    state.SkipWithError(why.c_str());
    return;
  }
  const std::int64_t n = state.range(0);
  std::size_t free_bytes = 0, total_bytes = 0;
  cudaMemGetInfo(&free_bytes, &total_bytes);
  if (std::size_t(n) * (D * sizeof(T) + 2 * sizeof(T) + 9) > free_bytes / 4 * 3) {
    state.SkipWithError("batch does not fit in device memory");
    return;
  }
  const auto box = F::box(D);
  const starts s = starts::uniform(box.lo, box.hi, n, 1);
  const options o = sweep_options();
  const detail::compiled_kernels<T, D, F> kernels{F{}};
  detail::cuda_batch<T, D, detail::compiled_kernels<T, D, F>> batch(kernels, s, o, n);
  batch.load(0, n);
  const auto shape = detail::shape_for(n, block_threads ? block_threads : kernels.advance_threads());
  cudaFuncAttributes kernel{};
  FDGD_CUDA_TRY(cudaFuncGetAttributes(&kernel, detail::advance_kernel<T, D, F>));
  if (int(shape.threads) > kernel.maxThreadsPerBlock) {  // --block_threads beyond what its registers allow
    state.SkipWithError(("the kernel launches at most " + std::to_string(kernel.maxThreadsPerBlock) + " threads a block").c_str());
    return;
  }
  const step_params<T> p = detail::make_step_params<T>(o);
  kernels.advance(shape, batch.view(), p, 1);  // warm-up
  FDGD_CUDA_TRY(cudaDeviceSynchronize());
  cudaEvent_t start, stop;
  FDGD_CUDA_TRY(cudaEventCreate(&start));
  FDGD_CUDA_TRY(cudaEventCreate(&stop));
  for (auto _ : state) {
    FDGD_CUDA_TRY(cudaEventRecord(start));
    if (m == mode::fused) {
      kernels.advance(shape, batch.view(), p, steps);
    } else {
      for (std::int64_t k = 0; k < steps; ++k) kernels.advance(shape, batch.view(), p, 1);
    }
    FDGD_CUDA_TRY(cudaEventRecord(stop));
    FDGD_CUDA_TRY(cudaEventSynchronize(stop));
    float ms = 0;
    FDGD_CUDA_TRY(cudaEventElapsedTime(&ms, start, stop));
    state.SetIterationTime(double(ms) / 1e3);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  set_counters<F, D>(state, n, m, sizeof(T));
  state.counters["block_threads"] = shape.threads;
}

struct add_cuda_case {
  template <class F, int D>
  void run() const {
    register_modes<D>(case_name<F, D>("cuda"), cuda_case<F, double, D>, cuda_case<F, float, D>, true, std::size_t(16) << 30);
  }
};

}  // namespace

void register_cuda_sweep() { for_each_case(add_cuda_case{}); }

void add_cuda_context() {
  const auto attribute = [](cudaDeviceAttr a) {
    int v = 0;
    return cudaDeviceGetAttribute(&v, a, 0) == cudaSuccess ? std::to_string(v) : std::string("?");
  };
  benchmark::AddCustomContext("fdgd_cuda_sm_clock_khz", attribute(cudaDevAttrClockRate));
  benchmark::AddCustomContext("fdgd_cuda_memory_clock_khz", attribute(cudaDevAttrMemoryClockRate));
  benchmark::AddCustomContext("fdgd_cuda_memory_bus_bits", attribute(cudaDevAttrGlobalMemoryBusWidth));
  benchmark::AddCustomContext("fdgd_cuda_sm_count", attribute(cudaDevAttrMultiProcessorCount));
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  benchmark::AddCustomContext("fdgd_cuda_driver_runtime", std::to_string(driver) + " / " + std::to_string(runtime));
}

}  // namespace fdgd::bench
