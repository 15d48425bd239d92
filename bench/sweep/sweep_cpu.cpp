#include "fdgd/cpu_backend.hpp"
#include "fdgd/functions.hpp"
#include "sweep.hpp"

namespace fdgd::bench {
namespace {

template <class F, class T, int D>
void cpu_case(benchmark::State& state, mode m) {
  const std::int64_t n = state.range(0);
  const auto box = F::box(D);
  const starts s = starts::uniform(box.lo, box.hi, n, 1);
  const options o = sweep_options();
  result r;
  r.resize(n, D);
  detail::cpu_batch<T, D, F> batch(F{}, s, o, n, r);
  batch.load(0, n);
  for (auto _ : state) {
    if (m == mode::fused) {
      batch.advance(steps);
    } else {
      for (std::int64_t k = 0; k < steps; ++k) batch.advance(1);
    }
  }
  set_counters(state, find_builtin(F::name), D, n, m, sizeof(T));
}

template <class F, int D>
void add(std::size_t max_bytes) {
  for (const mode m : {mode::per_launch, mode::fused}) {
    const std::string name = std::string("cpu/") + F::name + "_d" + std::to_string(D) + "/" + mode_name(m);
    auto* f64 = benchmark::RegisterBenchmark((name + "/f64").c_str(), cpu_case<F, double, D>, m);
    auto* f32 = benchmark::RegisterBenchmark((name + "/f32").c_str(), cpu_case<F, float, D>, m);
    sizes(f64, D, sizeof(double), max_bytes);
    sizes(f32, D, sizeof(float), max_bytes);
    for (auto* b : {f64, f32}) b->UseRealTime()->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

void register_cpu_sweep() {
  constexpr std::size_t max_bytes = std::size_t(1) << 30;  // coordinates; the result arrays come on top
  add<functions::sphere, 2>(max_bytes);
  add<functions::rosenbrock, 16>(max_bytes);
  add<functions::rastrigin, 8>(max_bytes);
  add<functions::ackley, 32>(max_bytes);
}

}  // namespace fdgd::bench
