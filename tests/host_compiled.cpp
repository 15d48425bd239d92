// Always compiled by the host compiler: its instantiations, for custom_objective_test (compiled by
// nvcc where CUDA is present) to check that the two compilers' builds stay apart.
#include "host_compiled.hpp"

namespace fdgd::test {

solve_rastrigin host_compiled_solve() { return &solve<dynamic_dim, functions::rastrigin>; }

solve_rastrigin host_compiled_solve_cpu() { return &solve_cpu<double, dynamic_dim, functions::rastrigin>; }

}  // namespace fdgd::test
