// The library's code as a Debug build of it compiles it (-O0, FDGD_LIBRARY_BUILD, OpenMP): every
// inline function it calls is then a copy of its own, out of line, which user_build.cpp's copies
// (no OpenMP) must not replace.
#include "library_debug_build.hpp"

#include "fdgd/functions.hpp"
#include "fdgd/solve.hpp"

namespace fdgd::test {

result library_debug_build_solve(const starts& s, const options& o) { return solve<8>(functions::rastrigin{}, s, o); }

}  // namespace fdgd::test
