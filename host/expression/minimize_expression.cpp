#include "fdgd/cpu_backend.hpp"
#include "fdgd/detail/backend_choice.hpp"
#include "fdgd/detail/dispatch.hpp"
#include "fdgd/expression_program.hpp"
#include "fdgd/minimize.hpp"
#if defined(FDGD_HAS_CUDA)
#include "host/expression/expression_cuda.hpp"
#endif

namespace fdgd {

result minimize_expression(const std::string& expression, const starts& s, const options& o) {
  o.validate();
  const expr::program p = expr::compile(expr::bind(expr::parse(expression), s.dim()), s.dim());
  // Without CUDA in the build, asking for it throws here ("built without CUDA"); automatic takes the CPU.
  if (detail::use_cuda(o, /*compiled_for_cuda=*/true)) {
#if defined(FDGD_HAS_CUDA)
    return expr::solve_on_cuda(p, s, o);
#endif
  }
  const auto f = expr::program_objective::of(p);
  return detail::with_precision(o.prec, [&](auto t) {
    return detail::with_dim(s.dim(), detail::builtin_dims{}, [&](auto d) {
      return solve_cpu<typename decltype(t)::type, decltype(d)::value>(f, s, o);
    });
  });
}

}  // namespace fdgd
