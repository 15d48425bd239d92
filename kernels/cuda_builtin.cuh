// Definition of cuda_solve_builtin; included only by the generated per-function instantiation files.
#pragma once
#include "fdgd/cuda_backend.cuh"
#include "fdgd/detail/builtin_solve.hpp"
#include "fdgd/detail/dispatch.hpp"
#include "fdgd/functions.hpp"

namespace fdgd::detail {

template <class Objective>
result cuda_solve_builtin(const starts& s, const options& o) {
  return with_builtin_variant<Objective>(
      o, s.dim(), [&](auto t, auto d) { return solve_cuda<typename decltype(t)::type, decltype(d)::value>(Objective{}, s, o); });
}

}  // namespace fdgd::detail
