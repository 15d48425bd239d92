// The progress line's text (host/cli/progress_bar.cpp), which only a terminal shows.
#include <gtest/gtest.h>

#include "host/cli/progress_bar.hpp"

namespace fdgd::cli {
namespace {

TEST(ProgressText, ARateAndTimeLeftWhereEveryTrajectoryTakesEveryStep) {
  const progress p{500, 1000, 7, 3};
  EXPECT_EQ(progress_text(p, 2.0, 100, 1000, false),
            "[###############...............] 50.0% steps, 10 live, 2.5e+04 traj-steps/s, 2 s left");
}

TEST(ProgressText, NeitherWhereTrajectoriesStopEarly) {
  // Run until gtol: two chunks of 10^12 steps, the first all converged after a few thousand. The steps
  // done then say nothing of the work, which a rate of 1.5e6 x 10^12 / 3 would have claimed.
  const progress p{1000000000000, 2000000000000, 451424, 0};
  const std::string text = progress_text(p, 3.0, 1500000, 1000000000000, true);
  EXPECT_EQ(text, "[####################..........] 69.9% stopped, 451424 of 1500000 live, 3 s");
}

TEST(ProgressText, LaunchesOfAtMostAThousandSteps) {
  EXPECT_EQ(steps_a_launch_shown(0), 1);
  EXPECT_EQ(steps_a_launch_shown(100), 5);
  EXPECT_EQ(steps_a_launch_shown(20000), 1000);
  EXPECT_EQ(steps_a_launch_shown(1000000000000), 1000);
}

}  // namespace
}  // namespace fdgd::cli
