// Instantiations made by the host compiler (host_compiled.cpp), whatever compiles the file asking.
#pragma once
#include "fdgd/functions.hpp"
#include "fdgd/solve.hpp"

namespace fdgd::test {

using solve_rastrigin = result (*)(const functions::rastrigin&, const starts&, const options&);

solve_rastrigin host_compiled_solve();      ///< &solve<dynamic_dim, functions::rastrigin>
solve_rastrigin host_compiled_solve_cpu();  ///< &solve_cpu<double, dynamic_dim, functions::rastrigin>

}  // namespace fdgd::test
