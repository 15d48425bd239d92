// The counter-based generator against the published known-answer vectors of Random123.
#include <gtest/gtest.h>

#include "fdgd/philox.hpp"

namespace fdgd {
namespace {

void expect_block(philox4x32_result ctr, std::uint32_t k0, std::uint32_t k1, philox4x32_result want) {
  const philox4x32_result got = philox4x32_10(ctr, k0, k1);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(got.v[i], want.v[i]) << "word " << i;
}

TEST(Philox, KnownAnswers) {
  expect_block({{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}});
  expect_block({{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu,
               {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}});
  expect_block({{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u,
               {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}});
}

TEST(Philox, UniformIsInTheUnitIntervalAndBalanced) {
  double sum = 0, lo = 1, hi = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = uniform01(77, i / 4, i % 4);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);  // 0.5 +- 7 standard errors
  EXPECT_LT(lo, 1e-4);
  EXPECT_GT(hi, 1 - 1e-4);
}

TEST(Philox, CoordinatesOfOneStartAreDistinctStreams) {
  EXPECT_NE(uniform01(1, 5, 0), uniform01(1, 5, 1));
  EXPECT_NE(uniform01(1, 5, 0), uniform01(1, 5, 2));
  EXPECT_NE(uniform01(1, 5, 0), uniform01(1, 6, 0));
  EXPECT_NE(uniform01(1, 5, 0), uniform01(2, 5, 0));
}

}  // namespace
}  // namespace fdgd
