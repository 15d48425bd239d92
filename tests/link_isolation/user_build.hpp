#pragma once
#include "fdgd/options.hpp"
#include "fdgd/result.hpp"
#include "fdgd/starts.hpp"

namespace fdgd::test {
/// solve<8>(functions::rastrigin{}, s, o), compiled without OpenMP and at -O0.
result user_build_solve(const starts& s, const options& o);
/// o.validate() and starts::given(points, dim), compiled with -ffast-math (user_fast_math.cpp).
void user_fast_math_validate(const options& o);
starts user_fast_math_given(std::vector<double> points, int dim);
}  // namespace fdgd::test
