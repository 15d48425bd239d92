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

result minimize_expression(const std::string& expression, const starts& s, const options& o) {
  o.validate();
  const expr::node tree = expr::bind(expr::parse(expression), s.dim());
  // Without CUDA in the build, asking for it throws here ("built without CUDA"); automatic takes the CPU.
  if (detail::use_cuda(o, /*compiled_for_cuda=*/true)) {
#if defined(FDGD_HAS_CUDA)
    // The generated code uses the patches only up to max_generated_patch_dim (d = 6000: 0.4 s spared).
    return expr::solve_on_cuda(expr::compile(tree, s.dim(), s.dim() <= expr::max_generated_patch_dim), s, o);
#endif
  }
  const expr::program p = expr::compile(tree, s.dim());
  const auto f = expr::program_objective::of(p);
  return detail::with_precision(o.prec, [&](auto t) {
    return detail::with_dim(s.dim(), detail::builtin_dims{},
                            [&](auto d) { return solve_cpu<typename decltype(t)::type, decltype(d)::value>(f, s, o); });
  });
}

}  // namespace fdgd
