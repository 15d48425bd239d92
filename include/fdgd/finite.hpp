// Finiteness tests that read the exponent bits, so they keep working under -ffast-math or
// --use_fast_math, where std::isfinite may be folded to `true`.
#pragma once
#include <cstdint>
#include <cstring>

#include "fdgd/config.hpp"

namespace fdgd {

FDGD_HD inline bool is_finite(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits & 0x7ff0000000000000ull) != 0x7ff0000000000000ull;
}

FDGD_HD inline bool is_finite(float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits & 0x7f800000u) != 0x7f800000u;
}

}  // namespace fdgd
