#include <chrono>
#include <mutex>
#include <optional>

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

struct compiled_expression::compiled {
  expr::node tree;  // bound to dim
  int dim;
  std::once_flag cpu_once, cuda_once;
  std::optional<expr::program> cpu, cuda;
};

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

compiled_expression::compiled_expression(const std::string& expression, int dim) {
  if (dim < 1) throw std::invalid_argument("fdgd: an expression's dimension must be >= 1, not " + std::to_string(dim));
  compiled_ = std::make_shared<compiled>();
  compiled_->tree = expr::bind(expr::parse(expression), dim);
  compiled_->dim = dim;
}

int compiled_expression::dim() const { return compiled_->dim; }

result compiled_expression::minimize(const starts& s, const options& o) const {
  o.validate();
  compiled& c = *compiled_;
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
  const double making = seconds_making(c.cpu_once, [&] { c.cpu = expr::compile(c.tree, c.dim); });
  const auto f = expr::program_objective::of(*c.cpu);
  result r = detail::with_precision(o.prec, [&](auto t) {
    return detail::with_dim(s.dim(), detail::builtin_dims{},
                            [&](auto d) { return solve_cpu<typename decltype(t)::type, decltype(d)::value>(f, s, o); });
  });
  r.compile_seconds = making;
  return r;
}

result minimize_expression(const std::string& expression, const starts& s, const options& o) {
  o.validate();
  return compiled_expression(expression, s.dim()).minimize(s, o);
}

}  // namespace fdgd
