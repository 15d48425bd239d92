// The global operator new, replaced to count the bytes live and their peak (counted_new.cpp), for the
// memory tests: an executable of their own, so that the count is of nothing else.
#pragma once
#include <atomic>
#include <cstddef>

namespace fdgd::test {

extern std::atomic<std::size_t> live_bytes, peak_bytes;

/// Starts a new peak from what is live now, and returns that.
inline std::size_t reset_peak() {
  const std::size_t now = live_bytes.load();
  peak_bytes = now;
  return now;
}

}  // namespace fdgd::test
