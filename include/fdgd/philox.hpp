// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a counter-based
// generator, so start i of a batch is a pure function of (seed, i). The CPU and the GPU produce the
// same starts, and any sub-range of a batch (a chunk, a shard) is regenerated on its own.
#pragma once
#include <cstdint>

#include "fdgd/config.hpp"

namespace fdgd {

struct philox4x32_result {
  std::uint32_t v[4];
};

/// One Philox4x32-10 block: 128 random bits for counter c under key k.
FDGD_HD inline philox4x32_result philox4x32_10(philox4x32_result c, std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
  constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = std::uint64_t(m0) * c.v[0];
    const std::uint64_t p1 = std::uint64_t(m1) * c.v[2];
    c = {{std::uint32_t(p1 >> 32) ^ c.v[1] ^ k0, std::uint32_t(p1),
          std::uint32_t(p0 >> 32) ^ c.v[3] ^ k1, std::uint32_t(p0)}};
    k0 += w0;
    k1 += w1;
  }
  return c;
}

/// Uniform double in [0, 1) for coordinate j of start i: 53 bits of the Philox block whose counter is
/// (i, j / 2), keyed by the seed; the block's two halves serve coordinates 2b and 2b + 1.
FDGD_HD inline double uniform01(std::uint64_t seed, std::int64_t i, int j) {
  const auto u = std::uint64_t(i);
  const philox4x32_result r = philox4x32_10(
      {{std::uint32_t(u), std::uint32_t(u >> 32), std::uint32_t(j >> 1), 0u}}, std::uint32_t(seed),
      std::uint32_t(seed >> 32));
  const int half = (j & 1) * 2;
  const std::uint64_t bits = (std::uint64_t(r.v[half]) << 32) | r.v[half + 1];
  return double(bits >> 11) * 0x1.0p-53;
}

/// Coordinate j of start i drawn uniformly from [lo, hi].
FDGD_HD inline double uniform_coordinate(std::uint64_t seed, std::int64_t i, int j, double lo, double hi) {
  return lo + (hi - lo) * uniform01(seed, i, j);
}

}  // namespace fdgd
