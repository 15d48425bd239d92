// The library's own instantiations stay its own when a program also instantiates them under other
// flags (user_build.cpp: no OpenMP, -O0), where the linker would otherwise keep one copy for both.
#include <gtest/gtest.h>

#include "fdgd/minimize.hpp"
#include "user_build.hpp"

namespace fdgd::test {
namespace {

TEST(LinkIsolation, TheLibrarysMinimizeKeepsItsOwnBuildBesideAUsersOther) {
  const auto s = starts::uniform(8, -5.12, 5.12, 64, 3);
  options o;
  o.backend = backend_kind::cpu;
  o.threads = 2;
  o.lr = 1e-3;
  o.steps = 20;
  const result library = minimize("rastrigin", s, o);
  const result user = user_build_solve(s, o);
  EXPECT_EQ(library.device, "2 threads") << "minimize ran the user's copy of solve_cpu, built without OpenMP";
  EXPECT_EQ(user.device, "1 thread");
  EXPECT_EQ(library.x, user.x);  // the same arithmetic either way
}

}  // namespace
}  // namespace fdgd::test
