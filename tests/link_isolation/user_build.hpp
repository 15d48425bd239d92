#pragma once
#include "fdgd/options.hpp"
#include "fdgd/result.hpp"
#include "fdgd/starts.hpp"

namespace fdgd::test {
/// solve<8>(functions::rastrigin{}, s, o), compiled without OpenMP and at -O0.
result user_build_solve(const starts& s, const options& o);
}  // namespace fdgd::test
