#include "progress_bar.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace fdgd::cli {
namespace {

/// stderr's terminal's width, or 80 where it says none.
int terminal_columns() {
  winsize terminal{};
  return ::ioctl(::fileno(stderr), TIOCGWINSZ, &terminal) == 0 && terminal.ws_col > 0 ? terminal.ws_col : 80;
}

/// `line` in place of what the terminal's last row shows. fputs, not fmt::print, which throws where
/// the terminal is gone: the run goes on without its line.
void show(const std::string& line) {
  std::fputs(("\r" + line + "\033[K").c_str(), stderr);
  std::fflush(stderr);
  std::clearerr(stderr);
}

}  // namespace

std::string duration_text(double seconds) {
  if (seconds < 100) return fmt::format("{:.0f} s", seconds);
  if (seconds < 100 * 60) return fmt::format("{:.0f} min", seconds / 60);
  if (seconds < 48 * 3600) return fmt::format("{:.1f} h", seconds / 3600);
  return fmt::format("{:.1f} days", seconds / 86400);
}

std::string progress_text(const progress& p, double elapsed, std::int64_t trajectories, std::int64_t steps, bool until_gtol,
                          int columns) {
  const std::int64_t live = p.live + p.waiting;
  double fraction = 0;
  std::string text;
  if (until_gtol) {  // the share of the starts that have stopped
    fraction = trajectories ? 1 - double(live) / double(trajectories) : 1.0;
    text = fmt::format("{:.1f}% stopped, {} of {} live, {}", 100 * fraction, live, trajectories, duration_text(elapsed));
  } else {
    fraction = p.steps_total ? double(p.steps_done) / double(p.steps_total) : 1.0;
    const double rate = elapsed > 0 ? fraction * double(trajectories) * double(steps) / elapsed : 0;
    const double left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    text = fmt::format("{:.1f}% steps, {} live, {:.3g} traj-steps/s, {} left", 100 * fraction, live, rate, duration_text(left));
  }
  const std::size_t room = std::size_t(std::max(columns - 1, 1));
  const int width = int(std::min<std::size_t>(30, room > text.size() + 3 ? room - text.size() - 3 : 0));
  if (width < 10) return text.substr(0, room);  // no room for a bar that says anything
  const int filled = int(fraction * width);
  return "[" + std::string(std::size_t(filled), '#') + std::string(std::size_t(width - filled), '.') + "] " + text;
}

progress_bar::progress_bar(bool enabled, std::int64_t trajectories, std::int64_t steps, bool until_gtol)
    : enabled_(enabled), until_gtol_(until_gtol), trajectories_(trajectories), steps_(steps) {}

progress_bar::~progress_bar() { finish(); }

void progress_bar::finish() {
  if (shown_) std::fputs("\r\033[K", stderr);  // leave the terminal as it was
  shown_ = false;
  enabled_ = false;
}

void progress_bar::say(const std::string& what) {
  if (!enabled_) return;
  shown_ = true;
  show(what.substr(0, std::size_t(std::max(terminal_columns() - 1, 1))));
}

void progress_bar::update(const progress& p) {
  const auto now = clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (!enabled_ || elapsed < 1.0 || (shown_ && now - last_ < std::chrono::milliseconds(100))) return;
  last_ = now;
  shown_ = true;
  show(progress_text(p, elapsed, trajectories_, steps_, until_gtol_, terminal_columns()));
}

}  // namespace fdgd::cli
