// Shared test helpers: backend parameters that skip (with the reason printed) where CUDA is absent,
// and relative comparisons with stated tolerances.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <malloc.h>
#include <unistd.h>

#include "fdgd/cuda_device.hpp"
#include "fdgd/error.hpp"
#include "fdgd/finite.hpp"  // same_bits
#include "fdgd/minimize.hpp"

namespace fdgd::test {

/// Bytes of the heap in use, every arena's (glibc's mallinfo2): what a run leaves behind is the
/// difference across it.
inline double heap_in_use() {
  const auto m = mallinfo2();
  return double(m.uordblks) + double(m.hblkhd);
}

/// A folder under the system's temporary one for the running test: its name holds the process's id
/// too, so that two test runs at once (two builds' ctest) never share it.
inline std::filesystem::path test_temp_dir(const std::string& stem) {
  return std::filesystem::temp_directory_path() /
         (stem + "_" + std::to_string(::getpid()) + "_" + testing::UnitTest::GetInstance()->current_test_info()->name());
}

inline std::string backend_name(const testing::TestParamInfo<backend_kind>& info) {
  return info.param == backend_kind::cuda ? "cuda" : "cpu";
}

/// Options that run on `b`; sets up nothing else.
inline options on(backend_kind b) {
  options o;
  o.backend = b;
  return o;
}

/// Skips a test that needs a CUDA device, saying why there is none; with FDGD_REQUIRE_CUDA=1 in the
/// environment (the device check sets it) it fails instead, so that no GPU case skips on a GPU machine.
#define FDGD_SKIP_FOR_NO_DEVICE(why)                                                          \
  do {                                                                                        \
    const char* require_ = std::getenv("FDGD_REQUIRE_CUDA");                                  \
    if (require_ && std::string(require_) == "1") FAIL() << "FDGD_REQUIRE_CUDA=1: " << (why); \
    GTEST_SKIP() << "skipped: " << (why);                                                     \
  } while (0)

#define FDGD_SKIP_WITHOUT_BACKEND(b)                                                                                  \
  do {                                                                                                                \
    std::string why_;                                                                                                 \
    if ((b) == ::fdgd::backend_kind::cuda && !::fdgd::cuda_device_available(0, &why_)) FDGD_SKIP_FOR_NO_DEVICE(why_); \
  } while (0)

inline testing::AssertionResult rel_near(double actual, double expected, double rel_tol) {
  const double scale = std::max(std::fabs(expected), 1e-300);
  if (std::fabs(actual - expected) <= rel_tol * scale) return testing::AssertionSuccess();
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.17g differs from %.17g by %.3g relative (tolerance %.3g)", actual, expected,
                std::fabs(actual - expected) / scale, rel_tol);
  return testing::AssertionFailure() << buf;
}

/// |a - b| <= tol * max(|a|, |b|, scale): relative, with values near zero compared on `scale`. For the
/// coordinates of final points, scale is the box's largest |bound| (largest_bound): where two libms
/// differ by an ulp, f differs by an ulp of f, which grows with the box (griewank reaches 90 at
/// |x| = 600), and that ulp over 2h moves every coordinate by the same amount, near 0 or not.
inline testing::AssertionResult near_on_scale(double a, double b, double tol, double scale = 1.0) {
  if (a == b || std::fabs(a - b) <= tol * std::max({std::fabs(a), std::fabs(b), scale})) return testing::AssertionSuccess();
  char buf[200];
  std::snprintf(buf, sizeof buf, "%.17g vs %.17g: differ by %.3g, more than %.3g x max(|a|, |b|, %g)", a, b, std::fabs(a - b), tol,
                scale);
  return testing::AssertionFailure() << buf;
}

/// How close CUDA's trajectories of built-in `name` come to the CPU's (near_on_scale; 100 steps at lr
/// 1e-3): 1e-12 where an ulp between libdevice's and glibc's exp/cos/sin stays about an ulp's worth
/// of drift; 1e-8 for levy, whose concave regions (its sin^2 terms) spread it step after step. The
/// CPU with scalar libm in place of libmvec (an ulp apart on most sin values) gave levy up to 9.4e-11
/// in x and 2e-10 in f, and every other built-in 2.2e-13 or less.
inline double cuda_cpu_tolerance(const std::string& name) { return name == "levy" ? 1e-8 : 1e-12; }

/// The largest |bound| of a box: the scale near_on_scale compares its points' coordinates on.
inline double largest_bound(const std::vector<double>& lo, const std::vector<double>& hi) {
  double m = 0;
  for (const double v : lo) m = std::max(m, std::fabs(v));
  for (const double v : hi) m = std::max(m, std::fabs(v));
  return m;
}

/// The same bits, or both NaN: which NaN an operation on two NaNs returns depends on the operand order
/// the compiler picks for a commutative instruction, and no result depends on it.
template <class T>
bool same_bits_or_nan(T a, T b) {
  return same_bits(a, b) || (std::isnan(a) && std::isnan(b));
}

/// fn() throws std::invalid_argument with every fragment in its message.
template <class Fn>
void expect_invalid(Fn&& fn, const std::vector<std::string>& fragments) {
  try {
    fn();
    ADD_FAILURE() << "no exception; expected one mentioning " << fragments.front();
  } catch (const std::invalid_argument& e) {
    for (const auto& frag : fragments) EXPECT_NE(std::string(e.what()).find(frag), std::string::npos) << e.what();
  }
}

/// Every per-trajectory field equal bit for bit.
inline void expect_identical(const result& a, const result& b) {
  ASSERT_EQ(a.count, b.count);
  ASSERT_EQ(a.dim, b.dim);
  for (std::size_t k = 0; k < a.x.size(); ++k)
    ASSERT_TRUE(same_bits(a.x[k], b.x[k])) << "coordinate " << k << ": " << a.x[k] << " vs " << b.x[k];
  for (std::size_t i = 0; i < a.f.size(); ++i) {
    ASSERT_TRUE(same_bits(a.f[i], b.f[i])) << "f of trajectory " << i << ": " << a.f[i] << " vs " << b.f[i];
    ASSERT_TRUE(same_bits(a.grad_norm[i], b.grad_norm[i]))
        << "grad_norm of trajectory " << i << ": " << a.grad_norm[i] << " vs " << b.grad_norm[i];
    ASSERT_EQ(a.steps[i], b.steps[i]) << "steps of trajectory " << i;
    ASSERT_EQ(a.status[i], b.status[i]) << "status of trajectory " << i;
  }
  EXPECT_EQ(a.best, b.best);
}

}  // namespace fdgd::test
