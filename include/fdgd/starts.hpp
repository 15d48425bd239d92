// The batch of starting points: drawn uniformly from a box by a counter-based generator, or given.
#pragma once
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fdgd/detail/number_text.hpp"
#include "fdgd/finite.hpp"
#include "fdgd/philox.hpp"

namespace fdgd {

/// A batch of starting points, which minimize and solve descend from: `count()` points of `dim()`
/// coordinates, either generated (uniform in a box, each a pure function of the seed and its index,
/// computed where it is used, so cheap to copy) or given (held here).
class starts {
 public:
  /// `count` starts uniform in the box [lo[j], hi[j]] per coordinate; the dimension is lo.size().
  /// Start i is a pure function of (seed, i): any sub-range regenerates on its own, on any backend.
  /// Throws std::invalid_argument for an empty or inverted box, a non-finite bound or count < 1.
  static starts uniform(std::vector<double> lo, std::vector<double> hi, std::int64_t count, std::uint64_t seed = 0) {
    starts s;
    s.dim_ = int(lo.size());
    s.count_ = count;
    s.seed_ = seed;
    s.lo_ = std::move(lo);
    s.hi_ = std::move(hi);
    s.validate_box();
    if (count < 1) throw std::invalid_argument("fdgd: invalid starts: count = " + std::to_string(count) + " (must be >= 1)");
    return s;
  }

  /// The same box [lo, hi] for each of `dim` coordinates.
  static starts uniform(int dim, double lo, double hi, std::int64_t count, std::uint64_t seed = 0) {
    if (dim < 1) throw std::invalid_argument("fdgd: invalid starts: dim = " + std::to_string(dim) + " (must be >= 1)");
    return uniform(std::vector<double>(std::size_t(dim), lo), std::vector<double>(std::size_t(dim), hi), count, seed);
  }

  /// Given starts, row-major: start i is points[i * dim .. i * dim + dim - 1].
  /// Throws std::invalid_argument for dim < 1, no points, a size not a multiple of dim, or a NaN/Inf.
  static starts given(std::vector<double> points, int dim) {
    if (dim < 1) throw std::invalid_argument("fdgd: invalid starts: dim = " + std::to_string(dim) + " (must be >= 1)");
    if (points.empty()) throw std::invalid_argument("fdgd: invalid starts: no points given");
    if (points.size() % std::size_t(dim) != 0)
      throw std::invalid_argument("fdgd: invalid starts: " + std::to_string(points.size()) +
                                  " values is not a whole number of points of dimension " + std::to_string(dim));
    for (std::size_t k = 0; k < points.size(); ++k)
      if (!is_finite(points[k]))
        throw std::invalid_argument("fdgd: invalid starts: start " + std::to_string(k / std::size_t(dim)) + " coordinate " +
                                    std::to_string(k % std::size_t(dim)) + " is not finite");
    starts s;
    s.dim_ = dim;
    s.count_ = std::int64_t(points.size() / std::size_t(dim));
    s.points_ = std::move(points);
    return s;
  }

  starts(const starts&) = default;
  starts& operator=(const starts&) = default;
  /// A starts moved from is an empty batch (dim 0, count 0), which the entry points refuse by name.
  starts(starts&& o) noexcept { *this = std::move(o); }
  starts& operator=(starts&& o) noexcept {
    if (this == &o) return *this;
    dim_ = std::exchange(o.dim_, 0);
    count_ = std::exchange(o.count_, 0);
    seed_ = std::exchange(o.seed_, 0);
    lo_ = std::move(o.lo_), hi_ = std::move(o.hi_), points_ = std::move(o.points_);
    o.lo_.clear(), o.hi_.clear(), o.points_.clear();
    return *this;
  }

  int dim() const { return dim_; }                       ///< coordinates a start
  std::int64_t count() const { return count_; }          ///< number of starts
  bool is_generated() const { return points_.empty(); }  ///< drawn in a box (uniform), not given (given)
  /// The generator's seed, and the box's bounds (dim each): for generated starts only (0 and empty
  /// for given ones).
  std::uint64_t seed() const { return seed_; }
  const std::vector<double>& lo() const { return lo_; }
  const std::vector<double>& hi() const { return hi_; }
  /// Given starts, row-major (count * dim); empty for generated ones (write_start draws those).
  const std::vector<double>& points() const { return points_; }

  /// Writes the dim coordinates of start i (0 <= i < count, unchecked: the backends' loop) to out[0],
  /// out[stride], ..., converted to T.
  template <class T>
  void write_start(std::int64_t i, T* out, std::int64_t stride = 1) const {
    if (!is_generated()) {
      for (int j = 0; j < dim_; ++j) out[j * stride] = T(points_[std::size_t(i) * std::size_t(dim_) + std::size_t(j)]);
      return;
    }
    uniform_start(seed_, i, dim_, lo_.data(), hi_.data(), out, stride);
  }

  /// Coordinate j of start i, generated or given; std::out_of_range outside count x dim.
  double coordinate(std::int64_t i, int j) const {
    if (i < 0 || i >= count_ || j < 0 || j >= dim_)
      throw std::out_of_range("fdgd: starts::coordinate(" + std::to_string(i) + ", " + std::to_string(j) + ") of " +
                              std::to_string(count_) + " starts of dimension " + std::to_string(dim_));
    return is_generated() ? uniform_coordinate(seed_, i, j, lo_[std::size_t(j)], hi_[std::size_t(j)])
                          : points_[std::size_t(i) * std::size_t(dim_) + std::size_t(j)];
  }

 private:
  starts() = default;
  void validate_box() const {
    if (lo_.empty()) throw std::invalid_argument("fdgd: invalid starts: the box is empty (no coordinates)");
    if (lo_.size() != hi_.size())
      throw std::invalid_argument("fdgd: invalid starts: box has " + std::to_string(lo_.size()) + " lower and " +
                                  std::to_string(hi_.size()) + " upper bounds");
    for (std::size_t j = 0; j < lo_.size(); ++j)
      if (!is_finite(lo_[j]) || !is_finite(hi_[j]) || !(lo_[j] < hi_[j]) || !is_finite(hi_[j] - lo_[j]))
        throw std::invalid_argument("fdgd: invalid starts: box coordinate " + std::to_string(j) + " is [" +
                                    detail::number_text(lo_[j]) + ", " + detail::number_text(hi_[j]) +
                                    "] (bounds must be finite with lo < hi, and hi - lo finite)");
  }

  int dim_ = 0;
  std::int64_t count_ = 0;
  std::uint64_t seed_ = 0;
  std::vector<double> lo_, hi_, points_;
};

namespace detail {
/// Throws std::invalid_argument for a batch of no starts (a starts moved from), which every entry
/// point refuses first.
inline void check_not_empty(const starts& s) {
  if (s.count() < 1) throw std::invalid_argument("fdgd: invalid starts: none (an empty batch: one moved from)");
}
}  // namespace detail

}  // namespace fdgd
