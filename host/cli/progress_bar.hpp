// The progress line on stderr while a run lasts: steps done, live trajectories, rate, time left.
// Shown only on a terminal, only after the first second, at most ten times a second; cleared at the end.
#pragma once
#include <chrono>
#include <cstdint>

#include "fdgd/options.hpp"

namespace fdgd::cli {

class progress_bar {
 public:
  progress_bar(bool enabled, std::int64_t trajectories, std::int64_t steps);
  ~progress_bar();
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

  bool enabled() const { return enabled_; }
  void update(const progress& p);
  /// Clears the line, if shown, so that what follows starts on a clean line; no more updates.
  void finish();

 private:
  using clock = std::chrono::steady_clock;
  bool enabled_, shown_ = false;
  std::int64_t trajectories_, steps_;
  clock::time_point start_ = clock::now(), last_ = start_;
};

}  // namespace fdgd::cli
