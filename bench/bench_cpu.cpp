// The CPU backend over batch sizes 10^2 .. 10^7 for sphere d = 2 and rastrigin d = 8.
// Counters: trajectory-steps and f-evaluations per second (2d evaluations per trajectory-step).
#include <benchmark/benchmark.h>

#include "fdgd/minimize.hpp"

namespace {

constexpr std::int64_t steps = 10;  // per trajectory; rates are per trajectory-step, so few suffice

void run(benchmark::State& state, const char* function, int dim) {
  const auto n = state.range(0);
  const auto box = fdgd::find_builtin(function).box(dim);
  const auto starts = fdgd::starts::uniform(box.lo, box.hi, n, 1);
  fdgd::options o;
  o.backend = fdgd::backend_kind::cpu;
  o.steps = steps;
  for (auto _ : state) {
    const fdgd::result r = fdgd::minimize(function, starts, o);
    benchmark::DoNotOptimize(r.best);
  }
  const double trajectory_steps = double(n) * steps;
  state.counters["traj_steps/s"] = benchmark::Counter(trajectory_steps, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["f_evals/s"] = benchmark::Counter(trajectory_steps * (2 * dim), benchmark::Counter::kIsIterationInvariantRate);
}

void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t n = 100; n <= 10'000'000; n *= 10) b->Arg(n);
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

void sphere_d2(benchmark::State& state) { run(state, "sphere", 2); }
void rastrigin_d8(benchmark::State& state) { run(state, "rastrigin", 8); }
BENCHMARK(sphere_d2)->Apply(sizes);
BENCHMARK(rastrigin_d8)->Apply(sizes);

}  // namespace

BENCHMARK_MAIN();
