// The progress line on stderr while a run lasts: steps done, live trajectories, rate, time left.
// Shown only on a terminal, only after the first second, at most ten times a second; cleared at the end.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "fdgd/options.hpp"

namespace fdgd::cli {

/// The steps a launch advances by while the line is shown (results do not depend on it): about twenty
/// launches a run, but at most 1000 steps, so that a run "until gtol" with a huge --steps still has
/// news, and fewer where a step of the starts at once (up to a CPU chunk of 2^20) is much work, about
/// d + d^2 / 4 a start (the redone sums): a launch is then about 10^9 of that, a fraction of a second
/// on two cores (rastrigin at d = 32 and 10^5 starts took 9 s for 1000 steps), or on a GPU 10^11,
/// where each launch also waits for the device and counts the live trajectories.
inline std::int64_t steps_a_launch_shown(std::int64_t steps, std::int64_t starts, int dim, bool on_gpu = false) {
  const double at_once = double(std::min<std::int64_t>(starts, std::int64_t(1) << 20)), d = dim;
  const double budget = (on_gpu ? 1e11 : 1e9) / std::max(1.0, at_once * (d + d * d / 4));
  return std::clamp<std::int64_t>(std::min<std::int64_t>(steps / 20, std::int64_t(std::min(budget, 1e3))), 1, 1000);
}

/// "42 s", "12 min", "3.5 h", "2.1 days": a time left, readable at any length.
std::string duration_text(double seconds);

/// The line for news p, `elapsed` seconds into a run of `trajectories` starts of `steps` steps, at
/// most `columns` - 1 characters wide (a longer line wraps, and each refresh would leave a row behind):
/// the bar shrinks, then goes, then the text is cut. With gtol on (`until_gtol`) trajectories stop
/// early, and a chunk whose all have stopped counts all its steps as done: the share of steps done is
/// then no measure of the work, so the line shows the share of the starts that have stopped, and no
/// rate or time left.
std::string progress_text(const progress& p, double elapsed, std::int64_t trajectories, std::int64_t steps, bool until_gtol,
                          int columns = 120);

class progress_bar {
 public:
  progress_bar(bool enabled, std::int64_t trajectories, std::int64_t steps, bool until_gtol);
  ~progress_bar();
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

  bool enabled() const { return enabled_; }
  void update(const progress& p);
  /// Shows `what` in the line's place (after the run: writing the results, grouping them), which
  /// finish() clears like the line; nothing where the line is not enabled.
  void say(const std::string& what);
  /// Clears the line, if shown, so that what follows starts on a clean line; no more updates.
  void finish();

 private:
  using clock = std::chrono::steady_clock;
  bool enabled_, until_gtol_, shown_ = false;
  std::int64_t trajectories_, steps_;
  clock::time_point start_ = clock::now(), last_ = start_;
};

}  // namespace fdgd::cli
