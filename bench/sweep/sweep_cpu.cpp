#include "fdgd/cpu_backend.hpp"
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
  const F f{};  // the batch holds it by reference
  detail::cpu_batch<T, D, F> batch(f, s, o, n, r);
  batch.load(0, n);
  for (auto _ : state) {
    if (m == mode::fused) {
      batch.advance(steps);
    } else {
      for (std::int64_t k = 0; k < steps; ++k) batch.advance(1);
    }
  }
  set_counters<F, D>(state, n, m, sizeof(T));
}

struct add_cpu_case {
  template <class F, int D>
  void run() const {
    // up to 1 GiB of coordinates; the result arrays come on top
    register_modes<D>(case_name<F, D>("cpu"), cpu_case<F, double, D>, cpu_case<F, float, D>, false, std::size_t(1) << 30);
  }
};

}  // namespace

void register_cpu_sweep() { for_each_case(add_cpu_case{}); }

}  // namespace fdgd::bench
