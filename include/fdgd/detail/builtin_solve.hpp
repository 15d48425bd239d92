// solve_cpu / solve_cuda for a built-in objective at the run-time precision and dimension. Declared
// here; defined in host/cpu_builtin.hpp and kernels/cuda_builtin.cuh and explicitly instantiated once
// per built-in in generated files (see CMakeLists.txt), so that each built-in compiles in a
// translation unit of its own, in parallel.
#pragma once
#include "fdgd/options.hpp"
#include "fdgd/result.hpp"
#include "fdgd/starts.hpp"

namespace fdgd::detail {

template <class Objective>
result cpu_solve_builtin(const starts& s, const options& o);

template <class Objective>
result cuda_solve_builtin(const starts& s, const options& o);

}  // namespace fdgd::detail
