// divide_by_reciprocal gives IEEE division's bits: every float significand for a dozen divisors, and
// random floats and doubles over the whole range (zeros, subnormals, infinities, NaN included), the
// range edges, and doubles whose quotient lies next to a midpoint between two doubles.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "fdgd/quotient.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

/// An unsigned integer of T's size, to draw T's bit patterns from.
template <class T>
using bits_of = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;

/// Counts the a for which divide_by_reciprocal differs from a / b in any bit (NaN: any NaN will do),
/// and reports the first few.
template <class T>
std::int64_t mismatches(const std::vector<T>& as, T b) {
  const T y = T(1) / b;
  std::int64_t bad = 0;
  for (T a : as) {
    const T want = a / b, got = divide_by_reciprocal(a, b, y);
    if (!same_bits_or_nan(want, got)) {
      if (++bad <= 3) ADD_FAILURE() << std::hexfloat << a << " / " << b << ": " << got << " instead of " << want;
    }
  }
  return bad;
}

template <class T>
std::vector<T> divisors() {
  // 2h for the usual steps, powers of two, all-ones significands, and significands of odd shapes.
  return {T(2e-4),
          T(2e-8),
          T(2e-2),
          T(0.2),
          T(1),
          T(2),
          T(3),
          T(7),
          T(-2e-4),
          T(-3),
          std::nextafter(T(1), T(0)),
          std::nextafter(T(1), T(2)),
          std::nextafter(T(2), T(0)) * T(4)};
}

TEST(ReciprocalDivision, EveryFloatSignificand) {
  std::vector<float> as(std::size_t(1) << 23);
  for (std::uint32_t m = 0; m < as.size(); ++m) {
    const std::uint32_t one = 0x3f800000u | m;  // [1, 2): the quotient's bits depend only on the significands
    std::memcpy(&as[m], &one, 4);
  }
  for (float b : divisors<float>()) EXPECT_EQ(mismatches(as, b), 0) << "b = " << b;
}

template <class T>
std::vector<T> random_values(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::vector<T> out(n);
  for (auto& v : out) {
    const bits_of<T> b = bits_of<T>(rng());
    std::memcpy(&v, &b, sizeof v);  // any bit pattern: every exponent, subnormals, infinities, NaN
  }
  for (T special : {T(0), -T(0), T(INFINITY), -T(INFINITY), T(NAN), std::numeric_limits<T>::denorm_min(),
                    std::numeric_limits<T>::min(), std::numeric_limits<T>::max()})
    out.push_back(special), out.push_back(-special);
  // The edges of the reciprocal path's range, just inside and outside.
  using range = reciprocal_division_range<T>;
  for (int e : {range::a_min, range::a_max + 1})
    for (T v : {std::nextafter(std::ldexp(T(1), e), T(0)), std::ldexp(T(1), e)}) out.push_back(v), out.push_back(-v);
  return out;
}

template <class T>
void check_random(std::uint64_t seed) {
  const std::vector<T> as = random_values<T>(seed, 2'000'000);
  std::vector<T> bs = divisors<T>();
  std::mt19937_64 rng(seed + 1);
  std::uniform_real_distribution<double> exponent(-30, 30), significand(1, 2);
  for (int k = 0; k < 8; ++k) bs.push_back(T(std::ldexp(significand(rng), int(exponent(rng)))));
  using range = reciprocal_division_range<T>;
  for (int e : {range::b_min, range::b_max + 1})
    bs.push_back(std::nextafter(std::ldexp(T(1), e), T(0))), bs.push_back(std::ldexp(T(1), e));
  for (T b : bs) EXPECT_EQ(mismatches(as, b), 0) << "b = " << b;
}

TEST(ReciprocalDivision, RandomFloats) { check_random<float>(1); }
TEST(ReciprocalDivision, RandomDoubles) { check_random<double>(2); }

TEST(ReciprocalDivision, DoublesWhoseQuotientIsNextToAMidpoint) {
  // a = b m rounded, m halfway between two doubles (exact in long double's 64-bit significand), and
  // a few ulps either side: a / b then lies within a few ulps of b of a rounding boundary.
  static_assert(std::numeric_limits<long double>::digits >= 64, "needs x87 long double");
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> unit(1, 2);
  for (double b : divisors<double>()) {
    std::vector<double> as;
    for (int k = 0; k < 200'000; ++k) {
      const double q = unit(rng);
      const long double mid = (long double)q + (long double)(std::nextafter(q, 3.0) - q) / 2;
      double a = double((long double)b * mid);
      for (int s = 0; s < 3; ++s) a = std::nextafter(a, -INFINITY);
      for (int s = 0; s < 7; ++s, a = std::nextafter(a, INFINITY)) as.push_back(a);
    }
    EXPECT_EQ(mismatches(as, b), 0) << "b = " << b;
  }
}

TEST(ReciprocalDivision, ZerosKeepTheirSign) {
  for (double b : {2e-4, -2e-4}) {
    EXPECT_TRUE(same_bits(divide_by_reciprocal(0.0, b, 1 / b), 0.0 / b));
    EXPECT_TRUE(same_bits(divide_by_reciprocal(-0.0, b, 1 / b), -0.0 / b));
  }
}

}  // namespace
}  // namespace fdgd::test
