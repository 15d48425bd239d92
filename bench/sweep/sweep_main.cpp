// bench_sweep: both backends over batch sizes 2^8 .. 2^26 for sphere d=2, rosenbrock d=16,
// rastrigin d=8 and ackley d=32, float64 and float32, one step per launch and fused.
// `--benchmark_filter=cpu/` or `cuda/` picks a backend; `--benchmark_format=json` keeps the context
// (compiler, flags, the GPU's name, clocks, SM count and memory bus). `--block_threads=N` launches the
// CUDA cases with N threads a block (a multiple of 32 up to 1024) instead of the backend's choice
// from each kernel's occupancy, to time one against the other.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#if defined(_OPENMP)
#include <omp.h>
#endif

#include "fdgd/cuda_device.hpp"
#include "sweep.hpp"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--block_threads=", 16) != 0) continue;
    const char *text = argv[i] + 16, *end = text + std::strlen(text);
    unsigned n = 0;
    const auto res = std::from_chars(text, end, n);
    if (res.ec != std::errc() || res.ptr != end || n < 32 || n > 1024 || n % 32 != 0) {
      std::fprintf(stderr, "bench_sweep: --block_threads must be a multiple of 32 from 32 to 1024, not '%s'\n", argv[i] + 16);
      return 1;
    }
    fdgd::bench::block_threads = n;
    for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
    --argc, --i;
  }
  benchmark::AddCustomContext("fdgd_compiler", FDGD_BENCH_COMPILER);
  benchmark::AddCustomContext("fdgd_flags", FDGD_BENCH_FLAGS);
  // The CPU cases run on all the threads OpenMP gives (OMP_NUM_THREADS where set), not num_cpus.
#if defined(_OPENMP)
  benchmark::AddCustomContext("fdgd_cpu_threads", std::to_string(omp_get_max_threads()));
#else
  benchmark::AddCustomContext("fdgd_cpu_threads", "1");
#endif
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (const auto colon = line.find(':'); line.rfind("model name", 0) == 0 && colon != std::string::npos) {
      benchmark::AddCustomContext("fdgd_cpu_model", line.substr(std::min(line.size(), colon + 2)));
      break;
    }
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
  const std::size_t ran = benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (ran == 0) {  // a filter of no case: the JSON file is left empty
    std::fprintf(stderr,
                 "bench_sweep: no case matches the filter (the names are BACKEND/CASE/MODE/PRECISION/N, e.g. "
                 "cpu/sphere_d2/fused/f64/1024; --benchmark_list_tests lists them)\n");
    return 1;
  }
  return 0;
}
