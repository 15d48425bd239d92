// The public entry for your own objective:
//
//   fdgd::result r = fdgd::solve(my_objective{}, fdgd::starts::uniform(8, -5, 5, 1'000'000), fdgd::options{});
//
// Runs on the backend options::backend names, in the precision options::prec names. From a plain C++
// translation unit only the CPU backend is compiled (automatic picks it; cuda throws fdgd::error);
// include this header from a .cu file compiled by nvcc to run the objective on CUDA as well.
//
// Your objective and fdgd's step compile in your translation unit, with your flags: compile it without
// floating-point contraction (-ffp-contract=off for g++ and clang, -fmad=false for nvcc), as linking to
// the fdgd::fdgd CMake target does. Otherwise the compiler may fuse a * b + c into one FMA (g++ does
// wherever -march has FMA; nvcc does on the GPU by default), and the trajectories leave the reference's
// arithmetic: rosenbrock d = 4 written as an objective, from 1000 starts, ended with 3724 of its 4000
// coordinates different from minimize("rosenbrock") when built with g++ -march=native. For the same
// bits as the library's own built-ins, compile for the CPU it was built for too (-march=x86-64-v3 by
// default, FDGD_CPU_ARCH; the fdgd::fdgd target passes it): under another -march the lanes have other
// widths and fdgd::math other exp, sin and cos (ackley, as solve under plain -ffp-contract=off, left
// 2531 of 2664 coordinates different from minimize("ackley")).
#pragma once
#include "fdgd/config.hpp"  // FDGD_COMPILED_BY
#include "fdgd/cpu_backend.hpp"
#include "fdgd/detail/backend_choice.hpp"
#include "fdgd/detail/dispatch.hpp"
#include "fdgd/error.hpp"
#if defined(__CUDACC__)
#include "fdgd/cuda_backend.cuh"
#endif

namespace fdgd {
// nvcc's solve can take CUDA and the host compiler's cannot: each in its own inline namespace
// (FDGD_COMPILED_BY, config.hpp).
inline namespace FDGD_COMPILED_BY {

/// Minimizes `f` from every start; D fixes the dimension at compile time (coordinates in registers),
/// dynamic_dim (the default) takes it from the starts at run time, as does a D above
/// max_compiled_dim (512) once the starts are found to have it. A sum-structured objective keeps
/// its terms only up to D = 32 (term_reuse_max_dim) or on the run-time path: above 32, take
/// dynamic_dim (a rosenbrock of d = 128 ran 4.4x faster there, with the same bits).
/// Throws std::invalid_argument for invalid options or starts, fdgd::error for an unusable backend,
/// fdgd::cuda_error for a failing CUDA call (a kernel that faults included), std::bad_alloc when the
/// results do not fit in memory. On the CPU, an exception `f` throws stops the run and reaches the
/// caller (the first, if several threads throw) once the other threads have taken the trajectories
/// they hold through the launch's steps (options::steps_per_launch bounds that wait).
template <int D = dynamic_dim, class Objective>
result solve(const Objective& f, const starts& s, const options& o) {
  static_assert(D >= 0, "solve<D>: D is the starts' dimension, 1 or more, or dynamic_dim (0) to take it from them");
  if constexpr (D < 0) {
    return result{};  // the message alone: no errors from points of D coordinates
  } else {
    o.validate();
#if defined(__CUDACC__)
    constexpr bool compiled_for_cuda = true;
#else
    constexpr bool compiled_for_cuda = false;
#endif
    const bool cuda = detail::use_cuda(o, compiled_for_cuda);
    using double_point = point_for<double, run_dim<D>>;
    if constexpr (!is_usable_objective<Objective, double_point>()) {
      check_objective<Objective, double_point>();  // its message, once: the float run's would repeat it
      (void)cuda;
      return result{};
    } else {
      return detail::with_precision(o.prec, [&](auto tag) {
        using T = typename decltype(tag)::type;
#if defined(__CUDACC__)
        if (cuda) return solve_cuda<T, D>(f, s, o);
#else
        (void)cuda;
#endif
        return solve_cpu<T, D>(f, s, o);
      });
    }
  }
}

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd
