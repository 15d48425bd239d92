// The library's own instantiations stay its own when a program also instantiates them under other
// flags (user_build.cpp: no OpenMP, -O0), where the linker would otherwise keep one copy for both.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace fdgd::test
