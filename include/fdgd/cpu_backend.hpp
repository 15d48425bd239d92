// The CPU backend: the shared host loop over an OpenMP loop that runs fdgd::descend per trajectory.
// Header-only, so it runs any objective a plain C++ translation unit defines.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fdgd/config.hpp"  // FDGD_COMPILED_BY
#include "fdgd/detail/host_loop.hpp"
#include "fdgd/detail/loop_failure.hpp"
#include "fdgd/finite.hpp"
#include "fdgd/lanes.hpp"
#include "fdgd/objective.hpp"
#include "fdgd/point.hpp"
#include "fdgd/starts.hpp"
#include "fdgd/step.hpp"

namespace fdgd {
namespace detail {

/// Starts a CPU chunk holds: options::chunk_size, or 2^20; at most count. In single precision a
/// chunk's rows are a buffer beside the result's doubles, so there the default holds at most 64 MiB
/// of rows (yet 256 starts a thread): 2^20 rows at d = 100 were 400 MB more than the result.
inline std::int64_t cpu_chunk(const options& o, std::int64_t count, int dim) {
  if (o.chunk_size > 0) return std::min(o.chunk_size, count);
  std::int64_t chunk = std::int64_t(1) << 20;
  if (o.prec == precision::f32)
    chunk = std::min(chunk, std::max((std::int64_t(64) << 20) / (std::int64_t(dim) * std::int64_t(sizeof(float))),
                                     std::int64_t(256) * cpu_threads(o)));
  return std::min(chunk, count);
}

/// True for objectives that declare `static constexpr bool lane_safe = true`: no branches on x, so they
/// can run on fdgd::lanes (the built-ins do).
template <class Objective>
struct is_lane_safe : std::bool_constant<declared_lane_safe<Objective>()> {};

/// nvcc rejects vector types in __host__ __device__ code, so in a translation unit it compiles the
/// CPU backend advances trajectories one by one (to the same bits): a build of the backend of its
/// own, in its own inline namespace (FDGD_COMPILED_BY).
inline namespace FDGD_COMPILED_BY {

#if defined(__CUDACC__)
inline constexpr bool lockstep_compiled = false;
#else
inline constexpr bool lockstep_compiled = true;
#endif

/// Trajectories the CPU advances in lockstep, one per SIMD lane: one register of T, 256 bits for
/// AVX2 (measured faster than two: sphere d = 2 steps 0.12 s vs 0.20 s per 10^8 trajectory-steps on
/// 2 cores), 512 bits in a build for AVX-512.
template <class T>
#if defined(__AVX512F__)
inline constexpr int cpu_lanes = int(64 / sizeof(T));
#else
inline constexpr int cpu_lanes = int(32 / sizeof(T));
#endif

/// Independent lane groups the CPU interleaves in one lockstep loop, so the out-of-order core has
/// several dependency chains (sphere d = 2, 10^8 trajectory-steps, 2 cores: 1 group 0.19 s,
/// 2: 0.18 s, 4: 0.125 s, 8: 0.11 s, 16: 0.13 s).
inline constexpr int lockstep_groups = 8;

/// Objectives may ask for wider lockstep blocks with `static constexpr int cpu_block_bytes`: one call
/// then evaluates that many bytes of lanes, in one group (an interpreter spreads its dispatch so).
template <class Objective>
struct cpu_block_bytes : std::integral_constant<int, declared_cpu_block_bytes<Objective>()> {};

/// Lanes and groups of one lockstep call for Objective in precision T.
template <class T, class Objective>
inline constexpr int lockstep_width = cpu_block_bytes<Objective>::value ? int(cpu_block_bytes<Objective>::value / sizeof(T))
                                                                        : cpu_lanes<T>;
template <class Objective>
inline constexpr int lockstep_group_count = cpu_block_bytes<Objective>::value ? 1 : lockstep_groups;
/// Trajectories one lockstep call advances, which one thread takes whole.
template <class T, class Objective>
inline constexpr int lockstep_block = int(lockstep_width<T, Objective>) * lockstep_group_count<Objective>;

/// One chunk, a row of `dim` working-precision values per trajectory. In double precision the rows,
/// steps and statuses are the result's own arrays (nothing is copied); in single precision the rows
/// are a chunk-sized buffer copied out at the end.
template <class T, int D, class Objective>
class cpu_batch {
  static constexpr bool in_place = std::is_same_v<T, double>;

 public:
  /// `f` is held by reference: it must outlive the batch (a temporary would not).
  cpu_batch(const Objective&& f, const starts& s, const options& o, std::int64_t chunk, result& r) = delete;
  cpu_batch(const Objective& f, const starts& s, const options& o, std::int64_t chunk, result& r)
      : f_(f),
        starts_(s),
        params_(make_step_params<T>(o)),
        initial_(initial_status(o)),
        dim_(s.dim()),
        threads_(cpu_threads(o)),
        r_(r),
        buffer_(in_place ? 0 : std::size_t(chunk) * std::size_t(dim_)),
        scratch_(std::size_t(threads_) * std::size_t(dim_)),
        lane_scratch_(std::size_t(threads_)) {}

  void load(std::int64_t first, std::int64_t n) {
    n_ = n;
    if constexpr (in_place) {
      rows_ = r_.x.data() + std::size_t(first) * std::size_t(dim_);
    } else {
      rows_ = buffer_.data();
    }
    steps_ = r_.steps.data() + first;
    status_ = r_.status.data() + first;
#if defined(_OPENMP)  // guarded: a file built without OpenMP is not warned of pragmas it ignores
#pragma omp parallel for num_threads(threads_) schedule(static)
#endif
    for (std::int64_t i = 0; i < n; ++i) {
      starts_.write_start(first + i, row(i));
      steps_[i] = 0;
      status_[i] = initial_;
    }
  }

  /// The OpenMP threads the run has (detail::cpu_threads).
  int threads() const { return threads_; }

  std::int64_t advance(std::int64_t k) {
    constexpr int block = lockstep_block<T, Objective>;
    const std::int64_t blocks = (n_ + block - 1) / block;
    [[maybe_unused]] const std::int64_t grab = blocks_a_grab(blocks);  // unused without OpenMP
    std::int64_t live = 0;
    loop_failure failure;
#if defined(_OPENMP)
#pragma omp parallel for num_threads(threads_) schedule(dynamic, grab) reduction(+ : live)
#endif
    for (std::int64_t b = 0; b < blocks; ++b) {
      failure.run([&] {
        const std::int64_t first = b * block, last = std::min(first + block, n_);
        bool advanced = false;
        if constexpr (lockstep_compiled && is_lane_safe<Objective>::value) {
          // A last block of a quarter or more: its empty lanes copy a running one (a lane runs 4-14
          // times faster than a start alone, so that fewer are quicker one at a time).
          if (4 * (last - first) >= block) {
            advance_lockstep(first, last - first, k);
            advanced = true;
          }
        }
        for (std::int64_t i = first; i < last; ++i) {
          auto& st = status_[i];
          if (st == trajectory_status::running && !advanced)
            with_point(i, [&](auto& x, auto& g) { st = descend(f_, x, g, params_, k, steps_[i]); });
          else if (st == trajectory_status::running && steps_[i] >= params_.total_steps)
            st = trajectory_status::finished;
          live += st == trajectory_status::running;
        }
      });
    }
    failure.rethrow();
    release_lanes_beyond_need();
    return live;
  }

  void store(std::int64_t first, std::int64_t n, result& r) {
    constexpr int W = lockstep_width<T, Objective>;
    const std::int64_t blocks = (n + W - 1) / W;
    [[maybe_unused]] const std::int64_t grab = blocks_a_grab(blocks);
    loop_failure failure;
#if defined(_OPENMP)
#pragma omp parallel for num_threads(threads_) schedule(dynamic, grab)
#endif
    for (std::int64_t b = 0; b < blocks; ++b)
      failure.run([&] {
        const std::int64_t begin = b * W, end = std::min(begin + W, n);
        T fx[W], gn[W];
        bool done = false;
        if constexpr (lockstep_compiled && is_lane_safe<Objective>::value) {
          if (end - begin == W) {  // the same evaluate, one trajectory per lane
            using L = lanes<T, W>;
            L lf, lg;
            if constexpr (D != dynamic_dim) {
              fixed_point<L, D> x, g;
              for (int j = 0; j < D; ++j) x[j] = gather<L>(begin, j);
              evaluate(f_, x, g, L(params_.h), lf, lg);
            } else {  // (one trajectory at a time, this was half of a 20-step --expr run at d = 200)
              L* buffer = lanes_of_thread();
              strided_point<L> x{buffer, 1, dim_}, g{buffer + dim_, 1, dim_};
              for (int j = 0; j < dim_; ++j) x[j] = gather<L>(begin, j);
              evaluate(f_, x, g, L(params_.h), lf, lg);
            }
            for (int w = 0; w < W; ++w) fx[w] = lf[w], gn[w] = lg[w];
            done = true;
          }
        }
        for (std::int64_t i = begin; i < end; ++i) {
          if (!done) with_point(i, [&](auto& x, auto& g) { evaluate(f_, x, g, params_.h, fx[i - begin], gn[i - begin]); });
          const auto out = std::size_t(first + i);
          status_[i] = final_status(status_[i], strided_point<T>{row(i), 1, dim_}, fx[i - begin], gn[i - begin], params_);
          if constexpr (!in_place)
            for (int j = 0; j < dim_; ++j) r.x[out * std::size_t(dim_) + std::size_t(j)] = double(row(i)[j]);
          r.f[out] = canonical_nan(double(fx[i - begin]));
          r.grad_norm[out] = canonical_nan(double(gn[i - begin]));
        }
      });
    failure.rethrow();
    release_lanes_beyond_need();
  }

 private:
  /// Blocks a thread takes at a time: up to 16, fewer where that would leave threads idle (a run of a
  /// few hundred starts at a large d is all in a few blocks).
  std::int64_t blocks_a_grab(std::int64_t blocks) const {
    return std::clamp<std::int64_t>(blocks / (4 * std::int64_t(threads_)), 1, 16);
  }

  /// Advances the block of lockstep_groups * W trajectories from `first` (the first `count` of them;
  /// the other lanes compute a copy of one of those) by k steps (or until each stops), one per SIMD
  /// lane. At a step on which some lane would converge, go non-finite or stall, the lanes are settled
  /// one by one (store_lanes): those that stop there are left to the scalar fdgd::descend, which
  /// recomputes that step with the same bits and decides; the others take it; then the lanes go on. A
  /// lane whose trajectory has stopped computes a copy of a running one's and is not written back;
  /// lanes never mix, so the others keep their bits. The lanes only speed up what descend itself
  /// computes. Several independent groups per loop give the out-of-order core more than one
  /// dependency chain. A compile-time D holds the points in registers; a run-time d in a buffer of
  /// d lanes each.
  void advance_lockstep(std::int64_t first, std::int64_t count, std::int64_t k) {
    constexpr int W = lockstep_width<T, Objective>, G = lockstep_group_count<Objective>;
    using L = lanes<T, W>;
    const auto runs = [&](int w) { return w < count && status_[first + w] == trajectory_status::running; };
    for (std::int64_t done = 0; done < k;) {
      std::int64_t source[G * W];  // the row each lane computes: its own, or a running one's
      int running = -1;
      for (int w = 0; w < G * W; ++w)
        if (runs(w)) running = w;
      if (running < 0) return;
      for (int w = 0; w < G * W; ++w) source[w] = first + (runs(w) ? w : running);
      bool stops[G * W];
      L squares[G] = {};  // read by store_lanes only where gtol is on, but passed along in every lane
      const auto run = [&](auto& x, auto& g) {
        const std::int64_t steps = lockstep_steps(source, k - done, x, g, squares);
        store_lanes(first, source, steps, done + steps < k, x, g, squares, stops);
        done += steps;
      };
      if constexpr (D != dynamic_dim) {
        fixed_point<L, D> x[G], g[G];
        run(x, g);
      } else {
        L* buffer = lanes_of_thread();
        strided_point<L> x[G], g[G];
        for (int q = 0; q < G; ++q) {
          x[q] = {buffer + std::size_t(2 * q) * std::size_t(dim_), 1, dim_};
          g[q] = {buffer + std::size_t(2 * q + 1) * std::size_t(dim_), 1, dim_};
        }
        run(x, g);
      }
      if (done == k) break;
      for (int w = 0; w < G * W; ++w)  // the step on which they stop
        if (stops[w])
          with_point(first + w, [&](auto& x, auto& g) { status_[first + w] = descend(f_, x, g, params_, 1, steps_[first + w]); });
      ++done;
    }
  }

  // The gtol test's part in stopping the lanes (a group's or one lane's squares): on, and some lane's
  // squares reach gtol, or cannot decide it (descend then decides by the norm).
  template <class Squares>
  static bool gtol_stops(const Squares& squares, const step_params<T>& p) {
    return p.gtol > T(0) && (squares_reach_gtol(squares, p) || !squares_decide(squares));
  }

  // Rows source[0 .. G W - 1] into the lanes, then up to k steps while no lane would stop; returns the
  // steps taken. Where some lane would stop, x holds the point before that step, g its candidate
  // point (x - lr * gradient) and `squares` its gradient's squared norm (where gtol is on). (Not
  // inlined: inlined into advance_lockstep, GCC kept ackley d = 32's running sums in memory, 1.6x
  // slower in bench_sweep.)
  template <class Point, int G>
  __attribute__((noinline)) std::int64_t lockstep_steps(const std::int64_t* source, std::int64_t k, Point (&x)[G], Point (&g)[G],
                                                        typename Point::value_type (&squares)[G]) {
    using L = typename Point::value_type;
    constexpr int W = sizeof(typename L::vec) / sizeof(T);
    for (int q = 0; q < G; ++q)
      for (int j = 0; j < x[q].size(); ++j) x[q][j] = gather<L>(source + q * W, j);
    const step_params<T> p = params_;  // a local: the stores to x and g cannot change it
    const L h(p.h), lr(p.lr);
    std::int64_t done = 0;
    for (; done < k; ++done) {
      bool stop = false;
      for (int q = 0; q < G; ++q) {
        gradient(central_difference{}, f_, x[q], g[q], h);
        if (p.gtol > T(0)) {  // reaches_gtol, its sum kept for store_lanes; a lane the sum cannot decide is descend's
          squares[q] = squared_norm(g[q], x[q].size());
          stop |= gtol_stops(squares[q], p);
        }
        stop |= !candidate_step(x[q], g[q], lr);
        if (p.gtol > T(0)) stop |= some_lane_unmoved(x[q], g[q]);  // descend stalls it
      }
      if (stop) break;
      for (int q = 0; q < G; ++q)
        for (int j = 0; j < x[q].size(); ++j) x[q][j] = g[q][j];
    }
    return done;
  }

  // After lockstep_steps took `done` steps: the lanes that are their own go back to their rows. Where it
  // stopped short (`stopped`), each lane that would not stop at that step (lockstep_steps' tests, lane
  // by lane) takes it; the others keep x and are marked in `stops` for descend.
  template <class Point, int G>
  void store_lanes(std::int64_t first, const std::int64_t* source, std::int64_t done, bool stopped, Point (&x)[G], Point (&g)[G],
                   const typename Point::value_type (&squares)[G], bool* stops) {
    using L = typename Point::value_type;
    constexpr int W = sizeof(typename L::vec) / sizeof(T);
    const step_params<T> p = params_;
    const int n = x[0].size();
    for (int q = 0; q < G; ++q) {
      for (int w = 0; w < W; ++w) {
        const std::int64_t i = first + q * W + w;
        stops[q * W + w] = false;
        if (source[q * W + w] != i) continue;
        bool stop = false;
        if (stopped) {
          bool finite = true, moved = false;
          for (int j = 0; j < n; ++j) {
            finite &= is_finite(g[q][j][w]);
            moved |= !same_bits(x[q][j][w], g[q][j][w]);
          }
          stop = gtol_stops(squares[q][w], p) || !finite || (p.gtol > T(0) && !moved);
        }
        stops[q * W + w] = stop;
        const bool takes_step = stopped && !stop;
        for (int j = 0; j < n; ++j) row(i)[j] = takes_step ? g[q][j][w] : x[q][j][w];
        steps_[i] += done + takes_step;
      }
    }
  }

  /// Coordinate j of trajectories first .. first + W - 1, one per lane.
  template <class L>
  L gather(std::int64_t first, int j) {
    std::int64_t rows[sizeof(typename L::vec) / sizeof(T)];
    for (std::size_t w = 0; w < std::size(rows); ++w) rows[w] = first + std::int64_t(w);
    return gather<L>(rows, j);
  }

  /// Coordinate j of trajectories rows[0 .. W - 1], one per lane.
  template <class L>
  L gather(const std::int64_t* rows, int j) {
    constexpr int W = sizeof(typename L::vec) / sizeof(T);
    T values[W];
    for (int w = 0; w < W; ++w) values[w] = row(rows[w])[j];
    L out;
    std::memcpy(&out.v, values, sizeof values);
    return out;
  }

  T* row(std::int64_t i) { return rows_ + std::size_t(i) * std::size_t(dim_); }

  /// Where the batch has fewer whole lane groups than threads, drops the threads' lockstep buffers
  /// after each loop: its few blocks go to other threads from one loop to the next (dynamic schedule,
  /// a launch at a time), which would each keep one, up to every thread's (host_bytes_needed counts
  /// one a lane group, at most one a thread).
  void release_lanes_beyond_need() {
    if (std::int64_t(threads_) <= n_ / lockstep_width<T, Objective>) return;
    for (auto& mine : lane_scratch_) std::vector<lanes<T, lockstep_width<T, Objective>>>().swap(mine);
  }

  /// The calling thread's lockstep points on the run-time-dimension path: x and g of each group,
  /// made on the thread's first use (a thread that runs no whole block needs none).
  lanes<T, lockstep_width<T, Objective>>* lanes_of_thread() {
    auto& mine = lane_scratch_[std::size_t(cpu_thread_index())];
    if (mine.empty()) mine.resize(std::size_t(2 * lockstep_group_count<Objective>) * std::size_t(dim_));
    return mine.data();
  }

  /// Runs fn(x, g) on trajectory i: in local arrays for a compile-time D, in place otherwise.
  template <class Fn>
  void with_point(std::int64_t i, Fn&& fn) {
    T* p = row(i);
    if constexpr (D != dynamic_dim) {
      fixed_point<T, D> x, g{};  // g zeroed: the rolled gradient (D > full_unroll_dim) reads it before writing all of it
      for (int j = 0; j < D; ++j) x[j] = p[j];
      fn(x, g);
      for (int j = 0; j < D; ++j) p[j] = x[j];
    } else {
      strided_point<T> x{p, 1, dim_};
      strided_point<T> g{scratch_.data() + std::size_t(cpu_thread_index()) * std::size_t(dim_), 1, dim_};
      fn(x, g);
    }
  }

  const Objective& f_;  // the caller's (a copy of a large one would take the stack)
  const starts& starts_;
  step_params<T> params_;
  trajectory_status initial_;
  int dim_;
  int threads_;
  result& r_;
  std::int64_t n_ = 0;
  T* rows_ = nullptr;                    // the chunk's rows: in r_.x (double) or buffer_ (float)
  std::int64_t* steps_ = nullptr;        // the chunk's slice of r_.steps
  trajectory_status* status_ = nullptr;  // the chunk's slice of r_.status
  std::vector<T> buffer_;
  std::vector<T> scratch_;
  std::vector<std::vector<lanes<T, lockstep_width<T, Objective>>>> lane_scratch_;  // a thread's each: lanes_of_thread()
};

/// Frees, on each thread of a team of `threads`, what the run kept on it (thread_scratch), when the run
/// ends or throws: the team is the pool's threads that ran it, which live on after it.
struct scratch_release {
  int threads;
  ~scratch_release() {
#if defined(_OPENMP)
#pragma omp parallel num_threads(threads)
#endif
    release_thread_scratch();
  }
};

}  // namespace FDGD_COMPILED_BY
}  // namespace detail

inline namespace FDGD_COMPILED_BY {

/// Runs the descent for every start on the CPU in working precision T; D = dynamic_dim for a run-time d
/// (and above max_compiled_dim, once the starts are found to be D-dimensional).
/// Throws std::invalid_argument for invalid options or starts of the wrong dimension.
template <class T, int D, class Objective>
result solve_cpu(const Objective& f, const starts& s, const options& o) {
  detail::check_inputs<T, D, Objective>(s, o);
  if constexpr (!is_usable_objective<Objective, point_for<T, run_dim<D>>>()) {
    return result{};  // never compiled: check_inputs's message says why, and no further errors follow it
  } else {
    const auto t0 = std::chrono::steady_clock::now();
    const std::int64_t chunk = detail::cpu_chunk(o, s.count(), s.dim());
    result r;
    r.resize(s.count(), s.dim(), o.threads);
    detail::cpu_batch<T, run_dim<D>, Objective> batch(f, s, o, chunk, r);
    const detail::scratch_release release{batch.threads()};
    detail::run_chunks(batch, o, s.count(), chunk, r);
    const int threads = batch.threads();
    detail::finish(r, "cpu", detail::cpu_device_text(threads), t0, o.threads);
    return r;
  }
}

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd
