// The lane tests the lockstep step makes (finite, gtol reached, unmoved) at every width the CPU
// backend uses: one register (built-ins) and many (--expr blocks of 64 doubles or 128 floats), with the
// deciding lane in every position, so each register of a wide block is seen.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "fdgd/lanes.hpp"
#include "fdgd/point.hpp"

namespace fdgd::test {
namespace {

template <class T, int W>
lanes<T, W> filled(T value) {
  lanes<T, W> a;
  for (int w = 0; w < W; ++w) a.v[w] = value + T(w) * T(0.25);
  return a;
}

template <class T, int W>
void expect_each_lane_decides() {
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  EXPECT_TRUE(is_finite(filled<T, W>(T(1))));
  EXPECT_FALSE(any_at_most(filled<T, W>(T(1)), T(0.5)));
  fixed_point<lanes<T, W>, 2> a, b;
  a[0] = b[0] = filled<T, W>(T(1));
  a[1] = filled<T, W>(T(2));
  b[1] = filled<T, W>(T(3));
  EXPECT_FALSE(some_lane_unmoved(a, b));  // every lane moved in coordinate 1
  for (int w = 0; w < W; ++w) {
    for (const T bad : {inf, -inf, nan, std::numeric_limits<T>::max() * T(2)}) {
      lanes<T, W> x = filled<T, W>(T(1));
      x.v[w] = bad;
      EXPECT_FALSE(is_finite(x)) << "lane " << w << " of " << W;
    }
    lanes<T, W> x = filled<T, W>(T(1));
    x.v[w] = std::numeric_limits<T>::max();
    EXPECT_TRUE(is_finite(x)) << "lane " << w << " of " << W;
    x.v[w] = T(0.5);
    EXPECT_TRUE(any_at_most(x, T(0.5))) << "lane " << w << " of " << W;
    x.v[w] = nan;
    EXPECT_FALSE(any_at_most(x, T(0.5))) << "lane " << w << " of " << W;

    fixed_point<lanes<T, W>, 2> c = b;
    c[1].v[w] = a[1].v[w];
    EXPECT_TRUE(some_lane_unmoved(a, c)) << "lane " << w << " of " << W;
    fixed_point<lanes<T, W>, 2> zero = a;
    zero[1].v[w] = T(0);
    c[1].v[w] = -T(0);  // equal as numbers, but other bits: moved
    EXPECT_FALSE(some_lane_unmoved(zero, c)) << "lane " << w << " of " << W;
  }
}

TEST(Lanes, EveryLaneDecidesTheTestsDouble) {
  expect_each_lane_decides<double, 2>();
  expect_each_lane_decides<double, 4>();
  expect_each_lane_decides<double, 8>();
  expect_each_lane_decides<double, 64>();
}

TEST(Lanes, EveryLaneDecidesTheTestsFloat) {
  expect_each_lane_decides<float, 4>();
  expect_each_lane_decides<float, 8>();
  expect_each_lane_decides<float, 16>();
  expect_each_lane_decides<float, 128>();
}

}  // namespace
}  // namespace fdgd::test
