// bench_sweep: both backends over batch sizes 2^8 .. 2^26 for sphere d=2, rosenbrock d=16,
// rastrigin d=8 and ackley d=32, float64 and float32, one step per launch and fused.
// `--benchmark_filter=cpu/` or `cuda/` picks a backend; `--benchmark_format=json` keeps the context
// (compiler, flags, the GPU's name, clocks, SM count and memory bus).
#include <string>

#include "fdgd/cuda_device.hpp"
#include "sweep.hpp"

int main(int argc, char** argv) {
  benchmark::AddCustomContext("fdgd_compiler", FDGD_BENCH_COMPILER);
  benchmark::AddCustomContext("fdgd_flags", FDGD_BENCH_FLAGS);
  std::string why;
  if (fdgd::cuda_device_available(0, &why)) {
    benchmark::AddCustomContext("fdgd_cuda_device", fdgd::cuda_device_name(0));
    fdgd::bench::add_cuda_context();
  } else {
    benchmark::AddCustomContext("fdgd_cuda_device", "none: " + why);
  }
  fdgd::bench::register_cpu_sweep();
  fdgd::bench::register_cuda_sweep();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
