#include "fdgd/minimize.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "fdgd/cpu_backend.hpp"
#include "fdgd/detail/backend_choice.hpp"
#include "fdgd/detail/builtin_solve.hpp"
#include "fdgd/expression_program.hpp"
#include "fdgd/functions.hpp"
#include "host/expression/names.hpp"

namespace fdgd {
namespace {

template <class F>
builtin_info info_of() {
  return {F::name, F::fixed_dim, F::min_dim, &F::box, &F::minimum, F::formula, &F::work};
}

template <class... F>
std::vector<builtin_info> infos(functions::list<F...>) {
  return {info_of<F>()...};
}

}  // namespace

std::string builtin_info::dim_problem(int dim) const {
  if (fixed_dim != 0 && dim != fixed_dim) return name + " is " + std::to_string(fixed_dim) + "-D";
  if (dim < min_dim) return name + " needs dim >= " + std::to_string(min_dim);
  return "";
}

void builtin_info::check_dim(int dim) const {
  if (const std::string problem = dim_problem(dim); !problem.empty())
    throw std::invalid_argument("fdgd: invalid starts: dim = " + std::to_string(dim) + " but " + problem);
}

int builtin_info::checked(int dim) const {
  if (const std::string problem = dim_problem(dim); !problem.empty())
    throw std::invalid_argument("fdgd: " + name + " has no dimension " + std::to_string(dim) + " (" + problem + ")");
  return dim;
}

const std::vector<builtin_info>& builtin_functions() {
  static const std::vector<builtin_info> all = infos(functions::builtins{});
  return all;
}

const builtin_info& find_builtin(const std::string& name) {
  std::string names;
  std::vector<std::string> all;
  for (const auto& b : builtin_functions()) {
    if (b.name == name) return b;
    names += (names.empty() ? "" : ", ") + b.name;
    all.push_back(b.name);
  }
  const std::string near = expr::nearest_name(name, all);
  throw std::invalid_argument("fdgd: unknown function '" + name + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                              " (built-ins: " + names + ")");
}

result minimize(const std::string& function, const starts& s, const options& o) {
  detail::check_not_empty(s);
  find_builtin(function).check_dim(s.dim());
  o.validate();
  // Built-ins have CUDA kernels in every CUDA build; without one, asking for CUDA throws "built without CUDA".
  const bool cuda = detail::use_cuda(o, /*compiled_for_cuda=*/true);
  result r;
  functions::visit(function, [&](auto f) {
    using F = decltype(f);
#if defined(FDGD_HAS_CUDA)
    if (cuda) {
      r = detail::cuda_solve_builtin<F>(s, o);
      return;
    }
#else
    (void)cuda;  // never true here: use_cuda threw
#endif
    r = detail::cpu_solve_builtin<F>(s, o);
  });
  return r;
}

double host_bytes_needed(std::int64_t count, int dim, const options& o) {
  o.validate();
  if (count < 0 || dim < 1)
    throw std::invalid_argument("fdgd: host_bytes_needed: count = " + std::to_string(count) + ", dim = " + std::to_string(dim) +
                                " (count must be >= 0, dim >= 1)");
  const double n = double(count), d = double(dim), threads = double(detail::cpu_threads(o));
  const double results = n * ((d + 3) * sizeof(double) + sizeof(trajectory_status));
  const double scratch = threads * d * sizeof(double);
  // At run-time dimensions, each thread that runs a block in lanes holds a lockstep block's points and
  // gradients, 2 d lane groups each: the built-ins' lockstep_groups of them, or the interpreter's one
  // wider group. A thread does once it evaluates a whole group of starts (the built-ins: one SIMD
  // width, cpu_lanes: 4 doubles with AVX2) or advances a block a quarter full (the interpreter: 16 of
  // its 64 doubles, 32 of its 128 floats).
  const auto lockstep = [&](double group_bytes, double groups, double threads_using) {
    return std::min(threads, threads_using) * 2 * groups * group_bytes * d;
  };
  const double simd = o.prec == precision::f32 ? detail::cpu_lanes<float> : detail::cpu_lanes<double>;
  const double builtins =
      lockstep(double(detail::cpu_lanes<double>) * sizeof(double), detail::lockstep_groups, std::floor(n / simd));
  const double block = expr::program_objective::cpu_block_bytes / (o.prec == precision::f32 ? sizeof(float) : sizeof(double)),
               blocks = std::floor(n / block);
  const double interpreter = lockstep(expr::program_objective::cpu_block_bytes, 1, blocks + (4 * (n - blocks * block) >= block));
  const double chunk = o.prec == precision::f32 ? double(detail::cpu_chunk(o, count, dim)) * d * sizeof(float) : 0;
  return results + scratch + std::max(builtins, interpreter) + chunk;
}

}  // namespace fdgd
