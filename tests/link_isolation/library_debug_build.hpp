#pragma once
#include "fdgd/options.hpp"
#include "fdgd/result.hpp"
#include "fdgd/starts.hpp"

namespace fdgd::test {
/// solve<8>(functions::rastrigin{}, s, o), compiled as the library's own code at -O0 (a Debug build).
result library_debug_build_solve(const starts& s, const options& o);
}  // namespace fdgd::test
