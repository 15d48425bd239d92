// The CUDA backend: the shared host loop over thin kernels, one thread per trajectory, that call
// fdgd::descend. Device data is structure-of-arrays (coordinate j of trajectory i at j * n + i), so
// neighbouring threads touch neighbouring addresses. Include only from nvcc translation units.
#pragma once
#include <cuda_runtime_api.h>
#include <thrust/iterator/transform_iterator.h>

#include <cub/device/device_reduce.cuh>

#include <algorithm>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "fdgd/config.hpp"  // FDGD_COMPILED_BY
#include "fdgd/cuda/device_array.cuh"
#include "fdgd/cuda/host_landing.cuh"
#include "fdgd/cuda/kernels.cuh"
#include "fdgd/cuda/result_rows.cuh"
#include "fdgd/cuda/scoped_device.cuh"
#include "fdgd/cuda_check.cuh"
#include "fdgd/cuda_device.hpp"
#include "fdgd/detail/background_fill.hpp"
#include "fdgd/detail/block_size.hpp"
#include "fdgd/detail/given_starts_pieces.hpp"
#include "fdgd/detail/host_loop.hpp"
#include "fdgd/finite.hpp"
#include "fdgd/objective.hpp"
#include "fdgd/point.hpp"
#include "fdgd/starts.hpp"
#include "fdgd/step.hpp"

namespace fdgd {
namespace detail {
inline namespace FDGD_COMPILED_BY {

/// Launch shape, in one place: one thread per trajectory (grid-stride beyond), `threads` a block
/// (256 unless the kernel's occupancy says otherwise: block_threads_for).
struct launch_shape {
  unsigned blocks, threads;
};
inline launch_shape shape_for(std::int64_t n, unsigned threads = 256) {
  return {unsigned(std::min<std::int64_t>((n + threads - 1) / threads, std::int64_t(1) << 30)), threads};
}

/// Threads a block for `kernel` on the current device (block_threads_for over its occupancy).
template <class Kernel>
unsigned block_threads_of(Kernel kernel) {
  return block_threads_for([&](unsigned threads) {
    int blocks = 0;
    FDGD_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, kernel, int(threads), 0));
    return blocks;
  });
}

struct is_running {
  __host__ __device__ std::int64_t operator()(trajectory_status s) const { return s == trajectory_status::running; }
};

/// The running trajectories among status[0 .. n-1] as CUB sums them, for cub::DeviceReduce::Sum.
inline auto running_flags(const trajectory_status* status) { return thrust::make_transform_iterator(status, is_running{}); }

/// Scratch bytes cub::DeviceReduce::Sum needs to count the running trajectories among n.
inline std::size_t count_running_scratch_bytes(std::int64_t n) {
  std::size_t bytes = 0;
  FDGD_CUDA_TRY(cub::DeviceReduce::Sum(nullptr, bytes, running_flags(nullptr), static_cast<std::int64_t*>(nullptr), n));
  return bytes;
}

/// Values (doubles) of the device buffer through which a chunk's rows go to the result: 32 MiB.
inline constexpr std::int64_t result_piece_values = std::int64_t(1) << 22;
/// Bytes of each of the two page-locked buffers the copies to the host go through (host_landing).
inline constexpr std::size_t landing_piece_bytes = std::size_t(8) << 20;

/// Device bytes one resident trajectory needs.
template <class T, int D>
std::size_t device_bytes_per_trajectory(int dim) {
  return sizeof(T) * (std::size_t(dim) * (D == dynamic_dim ? 2 : 1) + 2) + sizeof(std::int64_t) + 1;
}

/// Trajectories per chunk: options::chunk_size, or what fits in 3/4 of the free device memory.
template <class T, int D>
std::int64_t cuda_chunk(const starts& s, const options& o) {
  if (o.chunk_size > 0) return std::min(o.chunk_size, s.count());
  std::size_t free_bytes = 0, total_bytes = 0;
  FDGD_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
  const auto fits = std::int64_t(free_bytes / 4 * 3 / device_bytes_per_trajectory<T, D>(s.dim()));
  return std::max<std::int64_t>(1, std::min(fits, s.count()));
}

/// The CUDA backend's kernels for an objective compiled by nvcc, launched with <<<>>>.
template <class T, int D, class Objective>
struct compiled_kernels {
  Objective f;
  void generate(launch_shape s, device_batch_view<T> v, const double* lo, const double* hi, std::uint64_t seed, std::int64_t first,
                trajectory_status initial) const {
    FDGD_CUDA_LAUNCH("generate_starts_kernel", generate_starts_kernel<T><<<s.blocks, s.threads>>>(v, lo, hi, seed, first, initial));
  }
  void reset(launch_shape s, device_batch_view<T> v, trajectory_status initial) const {
    FDGD_CUDA_LAUNCH("reset_kernel", reset_kernel<T><<<s.blocks, s.threads>>>(v, initial));
  }
  void advance(launch_shape s, device_batch_view<T> v, step_params<T> p, std::int64_t k) const {
    FDGD_CUDA_LAUNCH("advance_kernel", advance_kernel<T, D><<<s.blocks, s.threads>>>(f, v, p, k));
  }
  void evaluate(launch_shape s, device_batch_view<T> v, step_params<T> p) const {
    FDGD_CUDA_LAUNCH("evaluate_kernel", evaluate_kernel<T, D><<<s.blocks, s.threads>>>(f, v, p));
  }
  unsigned advance_threads() const { return block_threads_of(advance_kernel<T, D, Objective>); }
  unsigned evaluate_threads() const { return block_threads_of(evaluate_kernel<T, D, Objective>); }
};

/// One chunk resident in device memory. Kernels launches the four kernels (compiled_kernels, or
/// those of an expression compiled at run time) and says how many threads a block advance and
/// evaluate take.
template <class T, int D, class Kernels>
class cuda_batch {
 public:
  cuda_batch(const Kernels& kernels, const starts& s, const options& o, std::int64_t chunk)
      : kernels_(kernels),
        starts_(s),
        params_(make_step_params<T>(o)),
        initial_(initial_status(o)),
        dim_(s.dim()),
        x_(std::size_t(chunk) * std::size_t(dim_)),
        g_(D == dynamic_dim ? std::size_t(chunk) * std::size_t(dim_) : 0),
        f_values_(std::size_t(chunk)),
        grad_norm_(std::size_t(chunk)),
        steps_(std::size_t(chunk)),
        status_(std::size_t(chunk)),
        lo_(s.lo()),
        hi_(s.hi()),
        count_scratch_(count_running_scratch_bytes(chunk)),
        live_(1),
        threads_(cpu_threads(o)),
        piece_rows_(std::clamp<std::int64_t>(result_piece_values / (dim_ + 2), 1, chunk)),
        rows_(std::size_t(piece_rows_) * std::size_t(dim_ + 2)),
        advance_threads_(kernels.advance_threads()),
        evaluate_threads_(kernels.evaluate_threads()),
        landing_(landing_piece_bytes, threads_) {}

  void load(std::int64_t first, std::int64_t n) {
    n_ = n;
    const auto v = view();
    const auto shape = shape_for(n);
    if (starts_.is_generated()) {
      kernels_.generate(shape, v, lo_.data(), hi_.data(), starts_.seed(), first, initial_);
    } else {
      // From pageable memory, each copy returns once the stage is read: the next piece may overwrite it.
      put_given_starts<T>(starts_.points().data(), first, n, dim_, result_piece_values, stage_, threads_,
                          [&](std::size_t offset, const T* values, std::size_t count) {
                            FDGD_CUDA_TRY(cudaMemcpy(v.x + offset, values, count * sizeof(T), cudaMemcpyHostToDevice));
                          });
      kernels_.reset(shape, v, initial_);
    }
  }

  std::int64_t advance(std::int64_t k) {
    std::int64_t live = 0;
    try {  // the launch too: a fault a kernel before it left is met at the launch
      kernels_.advance(shape_for(n_, advance_threads_), view(), params_, k);
      std::size_t bytes = count_scratch_.size();
      FDGD_CUDA_TRY(cub::DeviceReduce::Sum(count_scratch_.data(), bytes, running_flags(status_.data()), live_.data(), n_));
      FDGD_CUDA_TRY(cudaMemcpy(&live, live_.data(), sizeof live, cudaMemcpyDeviceToHost));  // waits for the launches
    } catch (const cuda_error& e) {
      throw cuda_error(std::string(e.what()) + after_kernels("the chunk's starts and the descent"));
    }
    return live;
  }

  /// f and |grad| at the final points, then every field of rows [first, first + n) copied straight
  /// into the result: the device lays the rows out as the result holds them, a piece at a time, and
  /// they come over through page-locked buffers (host_landing). A rows kernel overwrites rows_ only
  /// after the copies queued before it (one stream).
  void store(std::int64_t first, std::int64_t n, result& r) {
    try {
      store_rows(first, n, r);
    } catch (const cuda_error& e) {
      throw cuda_error(std::string(e.what()) +
                       after_kernels("the chunk's starts, the descent, f and |grad| at the final points, and the result's rows"));
    }
  }

  /// The resident chunk, for launching kernels on it directly (the benchmarks do).
  device_batch_view<T> view() {
    return {
        x_.data(), D == dynamic_dim ? g_.data() : nullptr, f_values_.data(), grad_norm_.data(), steps_.data(), status_.data(), n_,
        dim_};
  }

 private:
  /// What a failing call after kernel launches adds: the error may be one of theirs (where each launch
  /// is waited for, FDGD_DEBUG_SYNC, it was named there).
  static std::string after_kernels(const char* kernels) {
    if constexpr (debug_sync) return "";
    return std::string(" (after the kernels queued before it: ") + kernels +
           "; an error one of them met, such as an objective reading beyond its point, shows at the next call; a "
           "build with FDGD_DEBUG_SYNC names the kernel)";
  }

  void store_rows(std::int64_t first, std::int64_t n, result& r) {
    const auto v = view();
    kernels_.evaluate(shape_for(n, evaluate_threads_), v, params_);
    const auto out = std::size_t(first), un = std::size_t(n), ud = std::size_t(dim_);
    landing_.begin(un * (sizeof(std::int64_t) + sizeof(trajectory_status) + (ud + 2) * sizeof(double)));
    landing_.copy(r.steps.data() + out, v.steps, un * sizeof(std::int64_t));
    landing_.copy(r.status.data() + out, v.status, un * sizeof(trajectory_status));
    for (std::int64_t a = 0; a < n; a += piece_rows_) {
      const std::int64_t rows = std::min(piece_rows_, n - a);
      const auto ua = out + std::size_t(a), ur = std::size_t(rows);
      const auto shape = shape_for(rows * (dim_ + 2));
      FDGD_CUDA_LAUNCH("result_rows_kernel", result_rows_kernel<T><<<shape.blocks, shape.threads>>>(v, a, rows, rows_.data()));
      landing_.copy(r.x.data() + ua * ud, rows_.data(), ur * ud * sizeof(double));
      landing_.copy(r.f.data() + ua, rows_.data() + ur * ud, ur * sizeof(double));
      landing_.copy(r.grad_norm.data() + ua, rows_.data() + ur * (ud + 1), ur * sizeof(double));
    }
    landing_.finish();
  }

  Kernels kernels_;
  const starts& starts_;
  step_params<T> params_;
  trajectory_status initial_;
  int dim_;
  std::int64_t n_ = 0;
  device_array<T> x_, g_, f_values_, grad_norm_;
  device_array<std::int64_t> steps_;
  device_array<trajectory_status> status_;
  device_array<double> lo_, hi_;
  device_array<unsigned char> count_scratch_;
  device_array<std::int64_t> live_;
  int threads_;                                  // CPU threads that stage given starts (options::threads)
  std::int64_t piece_rows_;                      // rows laid out for the result at a time
  device_array<double> rows_;                    // those rows: x row-major, f, grad_norm
  unsigned advance_threads_, evaluate_threads_;  // threads a block
  host_landing landing_;                         // page-locked buffers the copies to the host go through
  per_trajectory<T> stage_;                      // a piece of the given starts on its way to the device (put_given_starts)
};

/// The CUDA host loop with the given kernels; inputs already checked.
template <class T, int D, class Kernels>
result run_cuda(const Kernels& kernels, const starts& s, const options& o) {
  require_cuda_device(o.cuda_device);
  const scoped_cuda_device on_device(o.cuda_device);  // before the device memory, freed on it first
  const auto t0 = std::chrono::steady_clock::now();
  result r;
  background_fill fill(r, s.count(), s.dim(), o.threads);  // while the device descends
  std::int64_t chunk = cuda_chunk<T, D>(s, o);
  try {
    std::optional<cuda_batch<T, D, Kernels>> batch;
    while (!batch) {
      try {
        batch.emplace(kernels, s, o, chunk);
      } catch (const device_bad_alloc&) {
        // Another run on the device took memory between the free memory asked and these allocations:
        // a chunk half as large, where the chunk was sized here.
        if (o.chunk_size > 0 || chunk == 1) throw;
        chunk = (chunk + 1) / 2;
      }
    }
    storing_after_fill<cuda_batch<T, D, Kernels>> waiting{*batch, fill};
    run_chunks(waiting, o, s.count(), chunk, r);
  } catch (const device_bad_alloc&) {  // the host's (staging given starts) reach the caller as they are
    if (chunk == 1)
      throw cuda_error("fdgd: out of device memory for even one trajectory of dimension " + std::to_string(s.dim()) +
                       " with the run's buffers (32 MiB of result rows besides)");
    throw cuda_error("fdgd: out of device memory for a chunk of " + std::to_string(chunk) +
                     " trajectories; set options::chunk_size lower");
  }
  FDGD_CUDA_TRY(cudaDeviceSynchronize());
  fill.wait();  // before anything reads r or moves it out, also where no chunk was stored
  finish(r, "cuda", cuda_device_name(o.cuda_device), t0, o.threads);
  r.cuda_device = o.cuda_device;
  return r;
}

}  // namespace FDGD_COMPILED_BY
}  // namespace detail
inline namespace FDGD_COMPILED_BY {

/// Runs the descent for every start on CUDA device options::cuda_device in working precision T;
/// D = dynamic_dim for a run-time d (and above max_compiled_dim, as solve_cpu). Throws
/// std::invalid_argument for invalid options or starts, fdgd::error when no device is usable,
/// fdgd::cuda_error when a CUDA call fails.
template <class T, int D, class Objective>
result solve_cuda(const Objective& f, const starts& s, const options& o) {
  detail::check_inputs<T, D, Objective>(s, o);
  if constexpr (!is_usable_objective<Objective, point_for<T, run_dim<D>>>())
    return result{};  // never compiled: check_inputs's message says why, and no further errors follow it
  else
    return detail::run_cuda<T, run_dim<D>>(detail::compiled_kernels<T, run_dim<D>, Objective>{f}, s, o);
}

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd
