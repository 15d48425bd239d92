// A user's file built another way than the library (no OpenMP, no optimization: a Debug build) that
// instantiates solve for a built-in at a dimension the library instantiates too.
#include "user_build.hpp"

#include "fdgd/functions.hpp"
#include "fdgd/solve.hpp"

namespace fdgd::test {

result user_build_solve(const starts& s, const options& o) { return solve<8>(functions::rastrigin{}, s, o); }

}  // namespace fdgd::test
