// The batch-size sweep both backends run (bench_sweep): the cases, the sizes, the two launch modes,
// and the counters. Timed: `steps` steps of every trajectory of a resident batch, starts loaded
// before timing; per_launch launches one step at a time, fused all `steps` in one launch.
#pragma once
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <utility>

#include "fdgd/functions.hpp"
#include "fdgd/functions/work.hpp"
#include "fdgd/minimize.hpp"

namespace fdgd::bench {

inline constexpr std::int64_t steps = 10;

/// Threads a block for the CUDA cases: 0 (default) takes the backend's choice (block_threads_for).
inline unsigned block_threads = 0;

enum class mode { per_launch, fused };

inline const char* mode_name(mode m) { return m == mode::fused ? "fused" : "per_launch"; }

/// The options of a sweep run: many steps asked (no trajectory finishes while timed), a small lr.
inline options sweep_options() {
  options o;
  o.steps = 1'000'000'000;
  o.lr = 1e-4;
  return o;
}

/// Rates for one timed iteration of `steps` steps of n trajectories of F at dimension D:
///   traj_steps/s, f_evals/s (the reference's 2d evaluations a trajectory-step);
///   per_launch: bytes/s, the bytes each step must move (x read and written, steps and status read
///   and written: 2 d sizeof(T) + 2 * 8 + 2 * 1 a trajectory);
///   fused: flops/s of the work done (the gradient's evaluation work, fewer than 2d evaluations where
///   it reuses terms, plus 6d for the difference and the update: t + h, t - h, f1 - f2, / 2h,
///   lr * g, x - .) and elementary calls/s (weighed by bench/ROOFLINE.md).
/// Each row also records one evaluation's work (eval_*, the reference's unit) and the gradient's
/// (grad_*), for bench/roofline.py.
template <class F, int D>
void set_counters(benchmark::State& state, std::int64_t n, mode m, std::size_t value_bytes) {
  using benchmark::Counter;
  const double traj_steps = double(n) * double(steps), d = D;
  state.counters["traj_steps/s"] = Counter(traj_steps, Counter::kIsIterationInvariantRate);
  state.counters["f_evals/s"] = Counter(traj_steps * 2 * d, Counter::kIsIterationInvariantRate);
  const evaluation_work w = F::work(D), g = functions::gradient_work<F, D>();
  for (const auto& [prefix, work] : {std::pair{"eval_", w}, std::pair{"grad_", g}}) {
    state.counters[std::string(prefix) + "flops"] = work.flops;
    state.counters[std::string(prefix) + "cos_sin"] = work.cos_sin;
    state.counters[std::string(prefix) + "exp"] = work.exp;
    state.counters[std::string(prefix) + "sqrt"] = work.sqrt;
  }
  state.counters["value_bytes"] = double(value_bytes);
  if (m == mode::per_launch) {
    state.counters["bytes/s"] =
        Counter(traj_steps * double(2 * D * value_bytes + 2 * 8 + 2 * 1), Counter::kIsIterationInvariantRate);
  } else {
    state.counters["flops/s"] = Counter(traj_steps * (g.flops + 6.0 * d), Counter::kIsIterationInvariantRate);
    state.counters["elementary/s"] = Counter(traj_steps * (g.cos_sin + g.exp + g.sqrt), Counter::kIsIterationInvariantRate);
  }
}

/// Batch sizes 2^8 .. 2^26 (every second power), up to `max_bytes` of coordinates.
inline void sizes(benchmark::internal::Benchmark* b, int d, std::size_t value_bytes, std::size_t max_bytes) {
  for (std::int64_t n = 1 << 8; n <= (std::int64_t(1) << 26); n *= 4)
    if (std::size_t(n) * std::size_t(d) * value_bytes <= max_bytes) b->Arg(n);
}

using case_fn = void (*)(benchmark::State&, mode);

/// Registers one case in both modes and precisions as <prefix>/<mode>/<f64|f32>/<N>.
template <int D>
void register_modes(const std::string& prefix, case_fn f64, case_fn f32, bool manual_time, std::size_t max_bytes) {
  for (const mode m : {mode::per_launch, mode::fused}) {
    const std::string name = prefix + "/" + mode_name(m);
    auto* a = benchmark::RegisterBenchmark((name + "/f64").c_str(), f64, m);
    auto* b = benchmark::RegisterBenchmark((name + "/f32").c_str(), f32, m);
    sizes(a, D, sizeof(double), max_bytes);
    sizes(b, D, sizeof(float), max_bytes);
    for (auto* bm : {a, b}) (manual_time ? bm->UseManualTime() : bm->UseRealTime())->Unit(benchmark::kMillisecond);
  }
}

/// The sweep's cases: calls add.template run<F, D>() for each.
template <class Add>
void for_each_case(const Add& add) {
  add.template run<functions::sphere, 2>();
  add.template run<functions::rosenbrock, 16>();
  add.template run<functions::rastrigin, 8>();
  add.template run<functions::ackley, 32>();
}

/// "<backend>/<function>_d<D>"
template <class F, int D>
std::string case_name(const char* backend) {
  return std::string(backend) + "/" + F::name + "_d" + std::to_string(D);
}

void register_cpu_sweep();
void register_cuda_sweep();  // registers nothing where CUDA is not built in
/// Adds device 0's peak SM and memory clocks, SM count, memory bus width and CUDA driver and runtime
/// versions to the JSON context (device 0 available); nothing where CUDA is not built in.
void add_cuda_context();

}  // namespace fdgd::bench
