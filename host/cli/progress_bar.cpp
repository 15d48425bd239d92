#include "progress_bar.hpp"

#include <fmt/format.h>
#include <cstdio>
#include <string>

namespace fdgd::cli {

progress_bar::progress_bar(bool enabled, std::int64_t trajectories, std::int64_t steps)
    : enabled_(enabled), trajectories_(trajectories), steps_(steps) {}

progress_bar::~progress_bar() { finish(); }

void progress_bar::finish() {
  if (shown_) std::fputs("\r\033[K", stderr);  // leave the terminal as it was
  shown_ = false;
  enabled_ = false;
}

void progress_bar::update(const progress& p) {
  const auto now = clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (!enabled_ || elapsed < 1.0 || (shown_ && now - last_ < std::chrono::milliseconds(100))) return;
  last_ = now;
  shown_ = true;
  const double fraction = p.steps_total ? double(p.steps_done) / double(p.steps_total) : 1.0;
  const int width = 30, filled = int(fraction * width);
  const double rate = fraction * double(trajectories_) * double(steps_) / elapsed;
  const double left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
  const std::string bar = std::string(std::size_t(filled), '#') + std::string(std::size_t(width - filled), '.');
  fmt::print(stderr, "\r[{}] {:.1f}% steps, {} live, {:.3g} traj-steps/s, {:.0f} s left\033[K", bar, 100 * fraction,
             p.live + p.waiting, rate, left);
  std::fflush(stderr);
}

}  // namespace fdgd::cli
