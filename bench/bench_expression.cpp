// --expr against the built-in it spells out, side by side (sphere d = 2, rastrigin d = 8, 100 steps),
// on the CPU and, where a device is present, on CUDA with the kernels cached; and the NVRTC
// compilation of a typical expression for sm_90 (no device needed).
// Targets (issue 4): CPU within 3x of the built-in, GPU within 1.2x, first compilation under 2 s.
#include <benchmark/benchmark.h>

#include "fdgd/cuda_device.hpp"
#include "fdgd/minimize.hpp"
#if defined(FDGD_HAS_CUDA)
#include "host/expression/cuda_source.hpp"
#endif

namespace {

void run(benchmark::State& state, const char* function, int dim, bool typed, fdgd::backend_kind where) {
  if (where == fdgd::backend_kind::cuda && !fdgd::cuda_device_available(0)) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const auto n = state.range(0);
  const auto& b = fdgd::find_builtin(function);
  const auto box = b.box(dim);
  const auto starts = fdgd::starts::uniform(box.lo, box.hi, n, 1);
  fdgd::options o;
  o.backend = where;
  if (typed)
    fdgd::minimize_expression(b.formula, fdgd::starts::uniform(box.lo, box.hi, 1, 1), o);  // compiled (cached) before timing
  for (auto _ : state) {
    const fdgd::result r = typed ? fdgd::minimize_expression(b.formula, starts, o) : fdgd::minimize(function, starts, o);
    benchmark::DoNotOptimize(r.best);
  }
  state.counters["traj_steps/s"] = benchmark::Counter(double(n) * double(o.steps), benchmark::Counter::kIsIterationInvariantRate);
}

#define FDGD_PAIR(fn, dim, n, where, tag)                                                         \
  BENCHMARK_CAPTURE(run, fn##_d##dim##_builtin_##tag, #fn, dim, false, fdgd::backend_kind::where) \
      ->Arg(n)                                                                                    \
      ->UseRealTime()                                                                             \
      ->Unit(benchmark::kMillisecond);                                                            \
  BENCHMARK_CAPTURE(run, fn##_d##dim##_expr_##tag, #fn, dim, true, fdgd::backend_kind::where)     \
      ->Arg(n)                                                                                    \
      ->UseRealTime()                                                                             \
      ->Unit(benchmark::kMillisecond);

FDGD_PAIR(sphere, 2, 1000000, cpu, cpu)
FDGD_PAIR(rastrigin, 8, 100000, cpu, cpu)
FDGD_PAIR(sphere, 2, 10000000, cuda, cuda)
FDGD_PAIR(rastrigin, 8, 10000000, cuda, cuda)

#if defined(FDGD_HAS_CUDA)
void nvrtc_compile_sm90(benchmark::State& state) {
  const auto& b = fdgd::find_builtin("rastrigin");
  const auto p = fdgd::expr::compile(fdgd::expr::bind(fdgd::expr::parse(b.formula), 8), 8);
  const std::string source = fdgd::expr::cuda_source(p, fdgd::precision::f64, 8);
  for (auto _ : state) benchmark::DoNotOptimize(fdgd::expr::nvrtc_compile(source, "sm_90"));
}
BENCHMARK(nvrtc_compile_sm90)->Unit(benchmark::kMillisecond)->Iterations(3);
#endif

}  // namespace

BENCHMARK_MAIN();
