#include "fdgd/cpu_backend.hpp"
#include "fdgd/detail/dispatch.hpp"
#include "fdgd/expression_program.hpp"
#include "fdgd/minimize.hpp"

namespace fdgd {

result minimize_expression(const std::string& expression, const starts& s, const options& o) {
  o.validate();
  const expr::program p = expr::compile(expr::bind(expr::parse(expression), s.dim()), s.dim());
  const expr::program_objective f{p.code.data(), int(p.code.size())};
  return detail::with_precision(o.prec, [&](auto t) {
    return detail::with_dim(s.dim(), detail::builtin_dims{}, [&](auto d) {
      return solve_cpu<typename decltype(t)::type, decltype(d)::value>(f, s, o);
    });
  });
}

}  // namespace fdgd
