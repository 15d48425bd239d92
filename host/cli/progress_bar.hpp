// The progress line on stderr while a run lasts: steps done, live trajectories, rate, time left.
// Shown only on a terminal, only after the first second, at most ten times a second; cleared at the end.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "fdgd/options.hpp"

namespace fdgd::cli {

/// The steps a launch advances by while the line is shown: about twenty launches a run, but at most
/// 1000 steps, so that a run "until gtol" with a huge --steps still has news (results do not depend on it).
inline std::int64_t steps_a_launch_shown(std::int64_t steps) { return std::clamp<std::int64_t>(steps / 20, 1, 1000); }

/// The line for news p, `elapsed` seconds into a run of `trajectories` starts of `steps` steps. With
/// gtol on (`until_gtol`) trajectories stop early, and a chunk whose all have stopped counts all its
/// steps as done: the share of steps done is then no measure of the work, so the line shows the share
/// of the starts that have stopped, and no rate or time left.
std::string progress_text(const progress& p, double elapsed, std::int64_t trajectories, std::int64_t steps, bool until_gtol);

class progress_bar {
 public:
  progress_bar(bool enabled, std::int64_t trajectories, std::int64_t steps, bool until_gtol);
  ~progress_bar();
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

  bool enabled() const { return enabled_; }
  void update(const progress& p);
  /// Clears the line, if shown, so that what follows starts on a clean line; no more updates.
  void finish();

 private:
  using clock = std::chrono::steady_clock;
  bool enabled_, until_gtol_, shown_ = false;
  std::int64_t trajectories_, steps_;
  clock::time_point start_ = clock::now(), last_ = start_;
};

}  // namespace fdgd::cli
