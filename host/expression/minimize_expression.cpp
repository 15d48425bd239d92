#include <chrono>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "fdgd/cpu_backend.hpp"
#include "fdgd/detail/backend_choice.hpp"
#include "fdgd/detail/dispatch.hpp"
#include "fdgd/expression_program.hpp"
#include "fdgd/minimize.hpp"
#if defined(FDGD_HAS_CUDA)
#include "host/expression/cuda_source.hpp"
#include "host/expression/expression_cuda.hpp"
#endif

namespace fdgd {

namespace {

// Makes `code` once (the first caller of `once`), returning the seconds this call spent making it.
template <class Make>
double seconds_making(std::once_flag& once, Make&& make) {
  double seconds = 0;
  std::call_once(once, [&] {
    const auto t0 = std::chrono::steady_clock::now();
    make();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  });
  return seconds;
}

}  // namespace

struct compiled_expression::compiled {
  expr::node tree;  // bound to dim
  int dim;
  std::once_flag cpu_once, cuda_once;
  std::optional<expr::program> cpu, cuda;
  std::mutex unreported_mutex;
  double cpu_unreported = 0;  // seconds spent making the CPU's code, for the next run to report

  /// Makes the CPU's program once, its seconds left for the next run to report: counted before any
  /// other caller, waiting in call_once, can take them.
  void make_cpu() {
    std::call_once(cpu_once, [&] {
      const auto t0 = std::chrono::steady_clock::now();
      cpu = expr::compile(tree, dim);
      const std::lock_guard<std::mutex> lock(unreported_mutex);
      cpu_unreported += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    });
  }
};

compiled_expression::compiled_expression(const std::string& expression, int dim) {
  if (dim < 1) throw std::invalid_argument("fdgd: an expression's dimension must be >= 1, not " + std::to_string(dim));
  compiled_ = std::make_shared<compiled>();
  compiled_->tree = expr::bind(expr::parse(expression), dim);
  compiled_->dim = dim;
}

int compiled_expression::dim() const { return compiled_->dim; }

result compiled_expression::minimize(const starts& s, const options& o) const {
  o.validate();
  detail::check_not_empty(s);
  compiled& c = *compiled_;
  if (o.prec == precision::f32) expr::check_numbers_fit_float(c.tree);
  if (s.dim() != c.dim)
    throw std::invalid_argument("fdgd: invalid starts: dim = " + std::to_string(s.dim()) +
                                " but the expression was compiled for dim = " + std::to_string(c.dim));
  // Without CUDA in the build, asking for it throws here ("built without CUDA"); automatic takes the CPU.
  if (detail::use_cuda(o, /*compiled_for_cuda=*/true)) {
#if defined(FDGD_HAS_CUDA)
    // The generated code uses the patches only up to max_generated_patch_dim (d = 6000: 0.4 s spared).
    const double making =
        seconds_making(c.cuda_once, [&] { c.cuda = expr::compile(c.tree, c.dim, c.dim <= expr::max_generated_patch_dim); });
    result r = expr::solve_on_cuda(*c.cuda, s, o);
    r.compile_seconds += making;
    return r;
#endif
  }
  c.make_cpu();
  double making = 0;
  {
    const std::lock_guard<std::mutex> lock(c.unreported_mutex);
    making = std::exchange(c.cpu_unreported, 0.0);
  }
  const auto f = expr::program_objective::of(*c.cpu);
  result r = detail::with_precision(o.prec, [&](auto t) {
    using T = typename decltype(t)::type;
    return detail::with_dim(s.dim(), detail::builtin_dims{}, [&](auto d) { return solve_cpu<T, decltype(d)::value>(f, s, o); });
  });
  r.compile_seconds = making;
  return r;
}

result minimize_expression(const std::string& expression, const starts& s, const options& o) {
  o.validate();
  detail::check_not_empty(s);
  return compiled_expression(expression, s.dim()).minimize(s, o);
}

double compiled_expression::host_bytes_needed(std::int64_t count, const options& o) const {
  const double base = fdgd::host_bytes_needed(count, compiled_->dim, o);
  if (detail::use_cuda(o, /*compiled_for_cuda=*/true)) return base;
  compiled& c = *compiled_;
  c.make_cpu();
  const expr::program& p = *c.cpu;
  const double program =
      double(p.code.size() + p.patches.size()) * sizeof(expr::instruction) + double(p.patch_begin.size()) * sizeof(int);
  const double kept = double(p.kept_slots) * double(expr::program_objective::cpu_block_bytes + sizeof(double));
  return base + program + double(detail::cpu_threads(o)) * kept;
}

compiled_expression::cpu_work compiled_expression::cpu_work_a_step() const {
  compiled& c = *compiled_;
  c.make_cpu();
  const expr::program& p = *c.cpu;
  const double whole = double(p.code.size());
  if (p.patches.empty()) return {whole * (2 * double(p.dim) + 1), false};
  double patches = 0;
  for (const auto& in : p.patches) patches += in.run;
  return {whole + 2 * patches, true};  // f at x, which keeps what the patches read, then each twice
}

}  // namespace fdgd
