#include "progress_bar.hpp"

#include <fmt/format.h>
#include <cstdio>
#include <string>

namespace fdgd::cli {

std::string progress_text(const progress& p, double elapsed, std::int64_t trajectories, std::int64_t steps, bool until_gtol) {
  const std::int64_t live = p.live + p.waiting;
  const auto bar = [](double fraction) {
    const int width = 30, filled = int(fraction * width);
    return std::string(std::size_t(filled), '#') + std::string(std::size_t(width - filled), '.');
  };
  if (until_gtol) {  // the share of the starts that have stopped
    const double stopped = trajectories ? 1 - double(live) / double(trajectories) : 1.0;
    return fmt::format("[{}] {:.1f}% stopped, {} of {} live, {:.0f} s", bar(stopped), 100 * stopped, live, trajectories, elapsed);
  }
  const double fraction = p.steps_total ? double(p.steps_done) / double(p.steps_total) : 1.0;
  const double rate = elapsed > 0 ? fraction * double(trajectories) * double(steps) / elapsed : 0;
  const double left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
  return fmt::format("[{}] {:.1f}% steps, {} live, {:.3g} traj-steps/s, {:.0f} s left", bar(fraction), 100 * fraction, live, rate,
                     left);
}

progress_bar::progress_bar(bool enabled, std::int64_t trajectories, std::int64_t steps, bool until_gtol)
    : enabled_(enabled), until_gtol_(until_gtol), trajectories_(trajectories), steps_(steps) {}

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
  // fputs, not fmt::print, which throws where the terminal is gone: the run goes on without its line.
  std::fputs(("\r" + progress_text(p, elapsed, trajectories_, steps_, until_gtol_) + "\033[K").c_str(), stderr);
  std::fflush(stderr);
  std::clearerr(stderr);
}

}  // namespace fdgd::cli
