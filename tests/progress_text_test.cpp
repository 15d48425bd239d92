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

TEST(ProgressText, TheLineFitsTheTerminal) {
  // Wider than the terminal, the line wraps, and each refresh (a carriage return, then clearing to the end
  // of the row) left its first rows behind: at 80 columns the bar shrinks, at 40 it goes and the text is cut.
  const progress p{750, 1000, 200000, 0};
  const std::string wide = progress_text(p, 30.0, 200000, 400, false, 200);
  EXPECT_EQ(wide, "[######################........] 75.0% steps, 200000 live, 2e+06 traj-steps/s, 10 s left");
  const std::string eighty = progress_text(p, 30.0, 200000, 400, false, 80);
  EXPECT_EQ(eighty, "[###############......] 75.0% steps, 200000 live, 2e+06 traj-steps/s, 10 s left");
  EXPECT_EQ(eighty.size(), 79u);
  const std::string forty = progress_text(p, 30.0, 200000, 400, false, 40);
  EXPECT_EQ(forty, "75.0% steps, 200000 live, 2e+06 traj-st");
  EXPECT_EQ(forty.size(), 39u);
  EXPECT_EQ(progress_text(p, 30.0, 200000, 400, false, 0), "7") << "a width of nothing still shows something";
}

TEST(ProgressText, TimesLeftReadAtAnyLength) {
  EXPECT_EQ(duration_text(42), "42 s");
  EXPECT_EQ(duration_text(17800), "4.9 h");
  EXPECT_EQ(duration_text(1800), "30 min");
  EXPECT_EQ(duration_text(3 * 86400), "3.0 days");
  const progress p{1, 1000000, 10, 0};
  EXPECT_EQ(progress_text(p, 60.0, 10, 1000000, false),
            "[..............................] 0.0% steps, 10 live, 0.167 traj-steps/s, 694.4 days left");
}

TEST(ProgressText, LaunchesOfAtMostAThousandStepsAndFewerWhereAStepIsMuchWork) {
  EXPECT_EQ(steps_a_launch_shown(0, 1000, 2), 1);
  EXPECT_EQ(steps_a_launch_shown(100, 1000, 2), 5);
  EXPECT_EQ(steps_a_launch_shown(20000, 1000, 2), 1000);
  EXPECT_EQ(steps_a_launch_shown(1000000000000, 1000, 2), 1000);
  // rastrigin at d = 32, 10^5 starts: 1000 steps a launch took 9 s on two cores.
  EXPECT_EQ(steps_a_launch_shown(1000000, 100000, 32), 34);
  EXPECT_EQ(steps_a_launch_shown(1000000, 1000000, 1000), 1) << "at least one";
  EXPECT_EQ(steps_a_launch_shown(1000000, std::int64_t(1) << 40, 2), 317) << "the starts of a chunk at once";
  EXPECT_EQ(steps_a_launch_shown(1000000, 100000, 32, /*on_gpu=*/true), 1000) << "a GPU's launches may hold more";
  EXPECT_EQ(steps_a_launch_shown(1000000, 1000000, 1000, /*on_gpu=*/true), 1);
}

}  // namespace
}  // namespace fdgd::cli
