// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a counter-based
// generator, so start i of a batch is a pure function of (seed, i). The CPU and the GPU produce the
// same starts, and any sub-range of a batch (a chunk, a shard) is regenerated on its own.
#pragma once
#include "fdgd/config.hpp"

namespace fdgd {

/// Four 32-bit random words: one Philox4x32-10 block.
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
    c = {{std::uint32_t(p1 >> 32) ^ c.v[1] ^ k0, std::uint32_t(p1), std::uint32_t(p0 >> 32) ^ c.v[3] ^ k1, std::uint32_t(p0)}};
    k0 += w0;
    k1 += w1;
  }
  return c;
}

/// Uniform doubles in [0, 1) for coordinates 2b and 2b + 1 of start i: 53 bits from each half of the
/// Philox block whose counter is (i, b), keyed by the seed.
struct uniform_pair {
  double u[2];
};
FDGD_HD inline uniform_pair uniform01_pair(std::uint64_t seed, std::int64_t i, int b) {
  const auto n = std::uint64_t(i);
  const philox4x32_result r = philox4x32_10({{std::uint32_t(n), std::uint32_t(n >> 32), std::uint32_t(b), 0u}}, std::uint32_t(seed),
                                            std::uint32_t(seed >> 32));
  const std::uint64_t first = (std::uint64_t(r.v[0]) << 32) | r.v[1];
  const std::uint64_t second = (std::uint64_t(r.v[2]) << 32) | r.v[3];
  return {{double(first >> 11) * 0x1.0p-53, double(second >> 11) * 0x1.0p-53}};
}

/// Uniform double in [0, 1) for coordinate j of start i.
FDGD_HD inline double uniform01(std::uint64_t seed, std::int64_t i, int j) { return uniform01_pair(seed, i, j >> 1).u[j & 1]; }

/// The point of [lo, hi] a uniform u in [0, 1) maps to.
FDGD_HD inline double in_box(double lo, double hi, double u) { return lo + (hi - lo) * u; }

/// Coordinate j of start i drawn uniformly from [lo, hi].
FDGD_HD inline double uniform_coordinate(std::uint64_t seed, std::int64_t i, int j, double lo, double hi) {
  return in_box(lo, hi, uniform01(seed, i, j));
}

/// All dim coordinates of start i, uniform in the box [lo[j], hi[j]], written converted to T to
/// out[0], out[stride], ...: the same values as uniform_coordinate, one Philox block per two coordinates.
template <class T>
FDGD_HD void uniform_start(std::uint64_t seed, std::int64_t i, int dim, const double* lo, const double* hi, T* out,
                           std::int64_t stride) {
  for (int j = 0; j < dim; j += 2) {
    const uniform_pair u = uniform01_pair(seed, i, j >> 1);
    out[j * stride] = T(in_box(lo[j], hi[j], u.u[0]));
    if (j + 1 < dim) out[(j + 1) * stride] = T(in_box(lo[j + 1], hi[j + 1], u.u[1]));
  }
}

}  // namespace fdgd
