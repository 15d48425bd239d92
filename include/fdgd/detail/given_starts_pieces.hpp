// Given starts laid out for a device (structure of arrays) a piece at a time, so that the host holds
// a bounded staging buffer rather than a second copy of a chunk.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fdgd/config.hpp"

namespace fdgd::detail {
inline namespace FDGD_COMPILED_BY {  // OpenMP inside: config.hpp

/// Writes starts [first, first + n) of `points` (row-major, `dim` a row) as x[j n + i] in T: each piece,
/// coordinates j0..j1 of starts i0..i0 + m, is converted into `stage` (at most `piece_values` values,
/// reading min(dim, 8) coordinates of a start or more at once, on `threads` OpenMP threads), then handed to
/// copy(offset into x, values, count) one coordinate at a time, or at once where m = n (the
/// coordinates' parts then lie together in x). Each copy must have read `stage` when it returns.
template <class T, class Stage, class Copy>
void put_given_starts(const double* points, std::int64_t first, std::int64_t n, int dim, std::int64_t piece_values, Stage& stage,
                      int threads, Copy&& copy) {
  const std::int64_t span = std::min<std::int64_t>(n, std::max<std::int64_t>(1, piece_values / std::min(dim, 8)));
  const int rows = int(std::clamp<std::int64_t>(piece_values / span, 1, dim));
  stage.resize(std::size_t(span) * std::size_t(rows));
  T* staged = stage.data();
  (void)threads;
  for (std::int64_t i0 = 0; i0 < n; i0 += span) {
    const std::int64_t m = std::min(span, n - i0);
    for (int j0 = 0; j0 < dim; j0 += rows) {
      const int j1 = std::min(dim, j0 + rows);
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
      for (std::int64_t i = 0; i < m; ++i)
        for (int j = j0; j < j1; ++j)
          staged[std::size_t(j - j0) * std::size_t(m) + std::size_t(i)] =
              T(points[std::size_t(first + i0 + i) * std::size_t(dim) + std::size_t(j)]);
      const int together = m == n ? j1 - j0 : 1;
      for (int j = j0; j < j1; j += together)
        copy(std::size_t(j) * std::size_t(n) + std::size_t(i0),
             static_cast<const T*>(staged + std::size_t(j - j0) * std::size_t(m)), std::size_t(together) * std::size_t(m));
    }
  }
}

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd::detail
