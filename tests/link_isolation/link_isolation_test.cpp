// The library's own instantiations stay its own when a program also instantiates them under other
// flags (user_build.cpp: no OpenMP, -O0), where the linker would otherwise keep one copy for both.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "../test_support.hpp"
#include "fdgd/minimize.hpp"
#include "library_debug_build.hpp"
#include "user_build.hpp"

namespace fdgd::test {
namespace {

const starts batch = starts::uniform(8, -5.12, 5.12, 64, 3);

options two_threads_on_the_cpu() {
  options o;
  o.backend = backend_kind::cpu;
  o.threads = 2;
  o.lr = 1e-3;
  o.steps = 20;
  return o;
}

TEST(LinkIsolation, TheLibrarysMinimizeKeepsItsOwnBuildBesideAUsersOther) {
  const options o = two_threads_on_the_cpu();
  const result library = minimize("rastrigin", batch, o);
  const result user = user_build_solve(batch, o);
  EXPECT_EQ(library.device, "2 threads") << "minimize ran the user's copy of solve_cpu, built without OpenMP";
  EXPECT_EQ(user.device, "1 thread");
  EXPECT_EQ(library.x, user.x);  // the same arithmetic either way
}

// In a Debug build of the library nothing is inlined: every helper its loop calls (the OpenMP team's
// size, a thread's number, ...) must be its own as well, not the user's copy built without OpenMP.
TEST(LinkIsolation, ADebugBuildOfTheLibraryKeepsItsOwnHelpersBesideAUsersOther) {
  const options o = two_threads_on_the_cpu();
  const result library = library_debug_build_solve(batch, o);
  EXPECT_EQ(library.device, "2 threads") << "the library's loop ran a helper of the user's, built without OpenMP";
  EXPECT_EQ(library.x, user_build_solve(batch, o).x);
}

// Under -ffast-math std::isfinite is true of NaN and infinity: the checks tell them by their bits, so
// that the copy the linker keeps, this program's fast-math one included, refuses them still.
TEST(LinkIsolation, AFastMathFileLeavesTheChecksOfOptionsAndStartsWhole) {
  options o = two_threads_on_the_cpu();
  o.h = std::nan("");
  expect_invalid([&] { user_fast_math_validate(o); }, {"invalid option h = nan"});
  expect_invalid([&] { minimize("rastrigin", batch, o); }, {"invalid option h = nan"});
  o.h = 1e-4;
  const double inf = std::numeric_limits<double>::infinity();
  o.lr = inf;
  expect_invalid([&] { user_fast_math_validate(o); }, {"invalid option lr = inf"});
  expect_invalid([&] { minimize("rastrigin", batch, o); }, {"invalid option lr = inf"});
  o.lr = 1e-3;
  o.gtol = inf;
  expect_invalid([&] { user_fast_math_validate(o); }, {"invalid option gtol = inf"});
  expect_invalid([&] { minimize("rastrigin", batch, o); }, {"invalid option gtol = inf"});
  expect_invalid([&] { user_fast_math_given({1.0, inf}, 2); }, {"start 0 coordinate 1 is not finite"});
  expect_invalid([&] { starts::given({std::nan(""), 1.0}, 2); }, {"start 0 coordinate 0 is not finite"});
  expect_invalid([&] { starts::uniform(2, 0.0, inf, 4, 1); }, {"box coordinate 0"});
}

}  // namespace
}  // namespace fdgd::test
