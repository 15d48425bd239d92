// The gradient that reuses the unchanged terms of a sum-structured objective is the reference central
// difference bit for bit: on scalars and on SIMD lanes, in both precisions, at every compile-time
// dimension the built-ins are instantiated for and on the run-time-dimension path, at ordinary
// points and where f overflows.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "fdgd/cpu_backend.hpp"
#include "fdgd/functions.hpp"
#include "fdgd/functions/work.hpp"
#include "fdgd/solve.hpp"
#include "fdgd/sum_structure_check.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

/// F with its sum structure hidden: fdgd::gradient differentiates it by whole evaluations.
template <class F>
struct whole_evaluations {
  F f;
  template <class P>
  typename P::value_type operator()(const P& x) const {
    return f(x);
  }
};

/// Points in [-scale, scale]^D, some coordinates exactly 0 or ±scale, the last batch far out (inf/NaN).
template <class T, int D>
std::vector<fixed_point<T, D>> points(std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<fixed_point<T, D>> out;
  for (double scale : {1.0, 5.0, 40.0, 1e160}) {
    std::uniform_real_distribution<double> u(-scale, scale);
    for (int k = 0; k < 8; ++k) {
      fixed_point<T, D> x;
      for (int j = 0; j < D; ++j) x[j] = T(k == 0 && j % 3 == 0 ? 0.0 : k == 1 && j % 2 ? scale : u(rng));
      out.push_back(x);
    }
  }
  return out;
}

template <class F, class T, int D>
void check_scalar_and_lanes(T h) {
  static_assert(detail::term_reuse_for<F, fixed_point<T, D>>::value == detail::term_reuse::kept,
                "the reusing gradient is under test");
  static_assert(detail::term_reuse_for<whole_evaluations<F>, fixed_point<T, D>>::value == detail::term_reuse::none,
                "the reference is not");
  constexpr int W = detail::cpu_lanes<T>;
  using L = lanes<T, W>;
  const auto xs = points<T, D>(std::uint32_t(D * 7919 + sizeof(T)));
  for (std::size_t p = 0; p + W <= xs.size(); p += W) {
    fixed_point<L, D> xl, gl;
    for (int j = 0; j < D; ++j)
      for (int w = 0; w < W; ++w) xl[j].v[w] = xs[p + w][j];
    gradient(central_difference{}, F{}, xl, gl, L(h));
    for (int w = 0; w < W; ++w) {
      const fixed_point<T, D>& x = xs[p + w];
      fixed_point<T, D> reused, reference;
      gradient(central_difference{}, F{}, x, reused, h);
      gradient(central_difference{}, whole_evaluations<F>{}, x, reference, h);
      for (int i = 0; i < D; ++i) {
        ASSERT_TRUE(same_bits_or_nan(reused[i], reference[i]))
            << F::name << " d = " << D << " point " << p + w << " coordinate " << i << ": " << reused[i] << " vs " << reference[i];
        ASSERT_TRUE(same_bits_or_nan(gl[i][w], reference[i])) << F::name << " d = " << D << " lane " << w << " coordinate " << i;
      }
      ASSERT_TRUE(same_bits_or_nan(F{}(x), whole_evaluations<F>{}(x)));
    }
  }
}

/// The run-time-dimension path at d, against whole evaluations: on the host it keeps the terms (on
/// its stack up to detail::host_kept_terms, in a buffer above); the device's way, which recomputes
/// them where needed, is compiled here for the host and checked too.
template <class F, class T>
void check_run_time_dim(int d, T h) {
  static_assert(detail::term_reuse_for<F, strided_point<T>>::value == detail::term_reuse::run_time);
  std::mt19937_64 rng(std::uint64_t(d) * 31 + sizeof(T));
  for (double scale : {1.0, 5.0, 40.0, 1e160}) {
    std::uniform_real_distribution<double> u(-scale, scale);
    for (int k = 0; k < 6; ++k) {
      std::vector<T> x(static_cast<std::size_t>(d)), reused(x.size()), reference(x.size());
      for (int j = 0; j < d; ++j) x[std::size_t(j)] = T(k == 0 && j % 3 == 0 ? 0.0 : u(rng));
      const strided_point<T> p{x.data(), 1, d}, g1{reused.data(), 1, d}, g2{reference.data(), 1, d};
      gradient(central_difference{}, F{}, p, g1, h);
      gradient(central_difference{}, whole_evaluations<F>{}, p, g2, h);
      std::vector<T> recomputed(x.size());
      const strided_point<T> g3{recomputed.data(), 1, d};
      const F f{};
      using term_type = decltype(f.term(p, 0));
      detail::gradient_by_terms<detail::tail_group<term_type, strided_point<T>>>(f, p, g3, h, T(2) * h,
                                                                                 [&](int j) { return f.term(p, j); });
      for (int i = 0; i < d; ++i) {
        ASSERT_TRUE(same_bits_or_nan(reused[std::size_t(i)], reference[std::size_t(i)]))
            << F::name << " run-time d = " << d << " coordinate " << i << ": " << reused[std::size_t(i)] << " vs "
            << reference[std::size_t(i)];
        ASSERT_TRUE(same_bits_or_nan(recomputed[std::size_t(i)], reference[std::size_t(i)]))
            << F::name << " the device's way, d = " << d << " coordinate " << i;
      }
    }
  }
}

template <class F, int... Ds>
void check_dims() {
  static_assert(detail::host_kept_terms == 64, "the dimensions below straddle the limit");
  for (int d : {F::min_dim, 5, 7, 33, 50, 64, 65, 66, 100}) {
    check_run_time_dim<F, double>(d, 1e-4);
    check_run_time_dim<F, float>(d, 1e-2f);
  }
  (check_scalar_and_lanes<F, double, Ds>(1e-4), ...);
  (check_scalar_and_lanes<F, float, Ds>(1e-2f), ...);
}

TEST(SumStructure, ReusingTermsGivesTheReferenceGradientBitForBit) {
  check_dims<functions::sphere, 1, 2, 3, 4, 8, 16, 32>();
  check_dims<functions::rosenbrock, 2, 3, 4, 8, 16, 32>();
  check_dims<functions::rastrigin, 1, 2, 3, 4, 8, 16, 32>();
  check_dims<functions::ackley, 1, 2, 3, 4, 8, 16, 32>();
  check_dims<functions::styblinski_tang, 1, 2, 3, 4, 8, 16, 32>();
  check_dims<functions::griewank, 1, 2, 3, 4, 8, 16, 32>();
  check_dims<functions::levy, 1, 2, 3, 4, 8, 16, 32>();
}

/// A descent on the CPU's run-time-dimension path, lanes and all (terms kept in the thread's buffer
/// above 64, register_barrier, the final evaluation on lanes), against one trajectory at a time by
/// whole evaluations.
template <class F>
void check_descent_on_lanes_at_run_time_dim(int d) {
  SCOPED_TRACE(std::string(F::name) + " d = " + std::to_string(d));
  options o;
  o.backend = backend_kind::cpu;
  o.lr = 1e-3;
  o.steps = 4;
  const auto box = F::box(d);
  const starts s = starts::uniform(box.lo, box.hi, 70, 3);  // whole lockstep blocks (32 or 64 lanes) and some over
  expect_identical(solve_cpu<double, dynamic_dim>(F{}, s, o), solve_cpu<double, dynamic_dim>(whole_evaluations<F>{}, s, o));
}

TEST(SumStructure, RunTimeDimensionDescentOnLanesGivesTheReferenceBits) {
  for (const int d : {65, 100}) {
    check_descent_on_lanes_at_run_time_dim<functions::rastrigin>(d);
    check_descent_on_lanes_at_run_time_dim<functions::ackley>(d);
    check_descent_on_lanes_at_run_time_dim<functions::griewank>(d);
    check_descent_on_lanes_at_run_time_dim<functions::levy>(d);
    check_descent_on_lanes_at_run_time_dim<functions::rosenbrock>(d);
  }
}

TEST(SumStructure, ARunLeavesNoKeptTermsOnItsThreads) {
  // Past host_kept_terms the host keeps the terms in a buffer of each thread's, which the run frees:
  // a pool's thread would otherwise hold the largest run's until it ends.
  const int d = 8000;  // 256 KB a thread or more: a lockstep block's terms (512 KB on AVX-512)
  options o;
  o.backend = backend_kind::cpu;
  o.threads = 2;
  o.steps = 1;
  const starts s = starts::uniform(d, -5, 5, 32, 1);
  for (const precision prec : {precision::f64, precision::f32}) {
    o.prec = prec;
    const double before = heap_in_use();
    EXPECT_EQ(minimize("rastrigin", s, o).count, 32);
    EXPECT_LT(heap_in_use() - before, 64 << 10) << (prec == precision::f32 ? "f32" : "f64");
  }
}

/// Squares as terms, one of which runs a solve of its own (a bilevel objective) where `nested`: of
/// sphere at d = 2, or of this sum at `inner_dim` (kept terms of the same type beyond 64: the same
/// thread's buffer, one level deeper).
struct nesting_sum {
  bool nested = false;
  int inner_dim = 0;
  static constexpr int term_reach = 0;
  FDGD_HD static constexpr int term_count(int d) { return d; }
  template <class P>
  typename P::value_type term(const P& x, int j) const {
    if (nested && j == 1) {
      options o;
      o.backend = backend_kind::cpu;
      o.threads = 1;
      o.steps = 1;
      if (inner_dim == 0)
        solve<2>(functions::sphere{}, starts::given({1.0, 2.0}, 2), o);
      else
        solve(nesting_sum{}, starts::uniform(inner_dim, -1, 1, 1, 4), o);
    }
    return x[j] * x[j];
  }
  template <class T>
  T finish(T s, int) const {
    return s;
  }
  template <class P>
  typename P::value_type operator()(const P& x) const {
    return sum_of_terms(*this, x);
  }
};

// A run started inside the outer run's gradient frees its thread's kept terms only after the outer
// run, which was still writing them (a use after free: the outer run's terms took the heap's pointers);
// and keeps its own terms apart from the outer run's (at 80 terms it wrote over them: other bits; at
// 200 it moved them, the outer run writing to freed memory).
TEST(SumStructure, ARunInsideAnObjectivesTermLeavesTheOuterRunsTermsInPlace) {
  options o;
  o.backend = backend_kind::cpu;
  o.threads = 1;
  o.steps = 3;
  const starts s = starts::uniform(100, -1, 1, 2, 1);  // 100 terms: the kept terms' buffer
  const result alone = solve(nesting_sum{false}, s, o);
  for (const int inner : {0, 80, 200}) expect_identical(solve(nesting_sum{true, inner}, s, o), alone);
}

/// levy as the formula reads, before it declared its terms: the first part, the middle sum from 0,
/// the last part, added in that order.
struct levy_as_written {
  template <class P>
  typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    const T pi = T(math::pi);
    const int last = x.size() - 1;
    const T w0 = T(1) + (x[0] - T(1)) / T(4);
    const T s0 = math::sin(pi * w0);
    T s = 0;
    for (int i = 0; i < last; ++i) {
      const T w = T(1) + (x[i] - T(1)) / T(4);
      const T si = math::sin(pi * w + T(1));
      s += (w - T(1)) * (w - T(1)) * (T(1) + T(10) * (si * si));
    }
    const T wl = T(1) + (x[last] - T(1)) / T(4);
    const T sl = math::sin(T(2) * pi * wl);
    return s0 * s0 + s + (wl - T(1)) * (wl - T(1)) * (T(1) + sl * sl);
  }
};

template <class T, int D>
void check_levy_as_written() {
  for (const fixed_point<T, D>& x : points<T, D>(std::uint32_t(D * 104729 + sizeof(T)))) {
    const T terms = functions::levy{}(x), written = levy_as_written{}(x);
    ASSERT_TRUE(same_bits_or_nan(terms, written)) << "levy d = " << D << ": " << terms << " vs " << written;
  }
}

/// f = the plain sum of Self's terms.
template <class Self>
struct plain_sum {
  template <class A>
  FDGD_HD A finish(const A& s, int) const {
    return s;
  }
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return sum_of_terms(static_cast<const Self&>(*this), x);
  }
};

/// Products of three neighbours: no terms below d = 3.
struct triples : plain_sum<triples> {
  static constexpr int term_reach = 2;
  FDGD_HD static constexpr int term_count(int d) { return d - 2; }
  template <class P>
  FDGD_HD typename P::value_type term(const P& x, int j) const {
    return x[j] * x[j + 1] * x[j + 2];
  }
};

/// Neighbour pairs counted one too many: the last term reads x_d.
struct pairs_one_too_many : plain_sum<pairs_one_too_many> {
  static constexpr int term_reach = 1;
  FDGD_HD static constexpr int term_count(int d) { return d; }
  template <class P>
  FDGD_HD typename P::value_type term(const P& x, int j) const {
    return x[j] * x[j + 1];
  }
};

/// Neighbour pairs counted one too few: no term reads x_{d-1}.
struct pairs_one_too_few : plain_sum<pairs_one_too_few> {
  static constexpr int term_reach = 1;
  FDGD_HD static constexpr int term_count(int d) { return d - 2; }
  template <class P>
  FDGD_HD typename P::value_type term(const P& x, int j) const {
    return x[j] * x[j + 1];
  }
};

/// A 2-D objective as one term that reads both coordinates: term_count(2) = 1 = d - term_reach, though
/// at another d its count would be wrong (it has none).
struct one_term_2d : plain_sum<one_term_2d> {
  static constexpr int fixed_dim = 2;
  static constexpr int term_reach = 1;
  FDGD_HD static constexpr int term_count(int) { return 1; }
  template <class P>
  FDGD_HD typename P::value_type term(const P& x, int) const {
    return x[0] * x[0] + 3 * x[1] * x[1];
  }
};

struct one_term_2d_plain {
  template <class P>
  typename P::value_type operator()(const P& x) const {
    return x[0] * x[0] + 3 * x[1] * x[1];
  }
};

TEST(SumStructure, AFixedDimensionObjectiveIsCheckedAtItsOwnDimension) {
  // (A compile-time check of the terms at d = 64 refused it, as if its one term left coordinates out.)
  const options o;
  const starts s = starts::uniform(2, -1, 1, 10, 4);
  const result terms = solve_cpu<double, 2>(one_term_2d{}, s, o), plain = solve_cpu<double, 2>(one_term_2d_plain{}, s, o);
  EXPECT_EQ(terms.x, plain.x);
  EXPECT_EQ(first_start_where_terms_disagree(one_term_2d{}, s), -1);
}

TEST(SumStructure, DimensionsAnObjectiveLacksAreRefusedBeforeItReadsBeyondX) {
  const auto refused = [](auto run, const std::string& why) {
    try {
      run();
      ADD_FAILURE() << "expected std::invalid_argument: " << why;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  const options o;
  refused([&] { solve_cpu<double, dynamic_dim>(functions::rosenbrock{}, starts::uniform(1, -2, 2, 3, 1), o); },
          "dim = 1 but the objective needs dim >= 2 (its min_dim)");
  refused([&] { solve_cpu<double, dynamic_dim>(functions::himmelblau{}, starts::uniform(3, -2, 2, 3, 1), o); },
          "dim = 3 but the objective is 2-D (its fixed_dim)");
  refused([&] { solve_cpu<float, dynamic_dim>(triples{}, starts::uniform(2, -2, 2, 3, 1), o); },
          "dim = 2 but the objective has no terms there (its term_count(d) is below 1)");
  const result three = solve_cpu<double, dynamic_dim>(triples{}, starts::uniform(3, -2, 2, 3, 1), o);
  EXPECT_EQ(three.count, 3);
  // A term_count too large for term_reach: neither run nor "checked" as agreeing, each gradient
  // reading the same memory beyond x.
  const std::string beyond = "dim = 4 but the objective has terms that would read beyond x there";
  refused([&] { solve_cpu<double, dynamic_dim>(pairs_one_too_many{}, starts::uniform(4, -2, 2, 3, 1), o); }, beyond);
  refused([&] { solve_cpu<double, 4>(pairs_one_too_many{}, starts::uniform(4, -2, 2, 3, 1), o); }, beyond);
  refused([&] { first_start_where_terms_disagree(pairs_one_too_many{}, starts::uniform(4, -2, 2, 3, 1)); },
          "first_start_where_terms_disagree: " + beyond);
  // Too few: the last coordinate would get a partial of 0 whatever f does with it.
  refused([&] { solve_cpu<double, dynamic_dim>(pairs_one_too_few{}, starts::uniform(4, -2, 2, 3, 1), o); },
          "dim = 4 but the objective has coordinates no term reads there (its term_count(d) - 1 + term_reach is below d - 1)");
}

/// Terms declared as reading x_j alone, each of which reads x_0 too.
struct reads_x0_too : plain_sum<reads_x0_too> {
  static constexpr int term_reach = 0;
  FDGD_HD static constexpr int term_count(int d) { return d; }
  template <class P>
  FDGD_HD typename P::value_type term(const P& x, int j) const {
    return x[j] * x[j] + x[0] * x[j];
  }
};

TEST(SumStructure, AWrongDeclarationIsFoundAtTheFirstStartItMisleads) {
  const starts s = starts::uniform(6, -2, 2, 50, 3);
  EXPECT_EQ(first_start_where_terms_disagree(triples{}, s), -1);
  EXPECT_EQ(first_start_where_terms_disagree(functions::rosenbrock{}, s), -1);
  EXPECT_EQ(first_start_where_terms_disagree(functions::ackley{}, s, 1e-3), -1);
  EXPECT_EQ(first_start_where_terms_disagree(reads_x0_too{}, s), 0);
  // Where the terms it misdeclares do not move with x_0 (x_1.. all 0), the two agree: only the next start tells.
  EXPECT_EQ(first_start_where_terms_disagree(reads_x0_too{}, starts::given({1, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0}, 6)), 1);
  EXPECT_THROW(first_start_where_terms_disagree(triples{}, s, 0.0), std::invalid_argument);
}

TEST(SumStructure, LevyByItsTermsIsTheFormulaBitForBit) {
  check_levy_as_written<double, 1>();
  check_levy_as_written<double, 2>();
  check_levy_as_written<double, 5>();
  check_levy_as_written<double, 32>();
  check_levy_as_written<float, 3>();
  check_levy_as_written<float, 16>();
}

TEST(SumStructure, AckleysTermFromItsKeptPartIsTheTermBitForBit) {
  // FDGD_CUDA_SLIM_TERMS keeps only the cosine on the device and squares x_j again: the term it
  // rebuilds must be the term, in both precisions, subnormal and huge coordinates included. (This
  // checks the contract on the host, where fresh_square is v * v; its device asm is checked by
  // bench/device/kernel_variants.cu, whose slim variants must give the plain build's bits.)
  const functions::ackley f;
  const double values[] = {0.0, -0.0, 1e-160, -3.7, 32.768, 1e154, 1e-310, 0.1};
  for (const double v : values) {
    const fixed_point<double, 1> x{{v}};
    const auto term = f.term(x, 0), again = f.term_from_kept(x, 0, f.kept_part(term));
    EXPECT_TRUE(same_bits_or_nan(again.v[0], term.v[0]) && same_bits_or_nan(again.v[1], term.v[1])) << v;
    const fixed_point<float, 1> y{{float(v)}};
    const auto term_f = f.term(y, 0), again_f = f.term_from_kept(y, 0, f.kept_part(term_f));
    EXPECT_TRUE(same_bits_or_nan(again_f.v[0], term_f.v[0]) && same_bits_or_nan(again_f.v[1], term_f.v[1])) << v;
  }
}

TEST(SumStructure, WorkCountsWhatTheReusingGradientComputes) {
  // Worked by hand. sphere d = 2: the squares (2), then per coordinate and sign its square and one
  // addition (8); a whole-evaluation gradient does 4 evaluations of 3 flops.
  EXPECT_EQ((functions::gradient_work<functions::sphere, 2>().flops), 10);
  // rosenbrock d = 3 (2 terms of 7 flops, reach 1): the terms at x (14); x0 moves term 0 and adds
  // term 1 (2 x 8); x1 moves both and adds them (2 x 15); x2 moves term 1 after term 0 (2 x 8).
  EXPECT_EQ((functions::gradient_work<functions::rosenbrock, 3>().flops), 76);
  EXPECT_EQ(functions::rosenbrock::work(3).flops, 15);
  // ackley d = 32: 32 cosines at x and 2 a coordinate, instead of 2 d evaluations of d each.
  EXPECT_EQ((functions::gradient_work<functions::ackley, 32>().cos_sin), 32 + 2 * 32);
  EXPECT_EQ((functions::gradient_work<functions::ackley, 32>().exp), 2 * 32 * 2);
  // Compile-time dimensions above 32 take whole evaluations.
  EXPECT_EQ((functions::gradient_work<functions::sphere, 33>().flops), 2 * 33 * (2 * 33 - 1));
  // levy d = 2, whose terms differ: term 0 (w, a middle term and the first part: 12 flops, 2 sines),
  // term 1 (the last part: 9 flops, 1 sine), a += of 2 additions, a finish of 2. The terms at x
  // (21); x0 moves term 0 and adds term 1 (2 x 16); x1 moves term 1 after term 0 (2 x 13).
  EXPECT_EQ(functions::levy::work(2).flops, 25);
  EXPECT_EQ(functions::levy::work(1).flops, 13);  // w and the last part (9), the first part (2), the finish
  EXPECT_EQ(functions::levy::work(2).cos_sin, 3);
  EXPECT_EQ((functions::gradient_work<functions::levy, 2>().flops), 79);
  EXPECT_EQ((functions::gradient_work<functions::levy, 2>().cos_sin), 3 + 2 * 2 + 2 * 1);
  // levy d = 8: 9 sines at x, then 2 a coordinate and 2 more for x0's first part, against 16 x 9.
  EXPECT_EQ((functions::gradient_work<functions::levy, 8>().cos_sin), 9 + 2 * 8 + 2);
  // Objectives without a sum structure.
  EXPECT_EQ((functions::gradient_work<functions::himmelblau, 2>().flops), 2 * 2 * functions::himmelblau::work(2).flops);
}

}  // namespace
}  // namespace fdgd::test
