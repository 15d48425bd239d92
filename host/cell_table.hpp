// distinct_minima's grid cells on the host: items (final points, or cells' best points) split into
// partitions by the hash of their cell, then one small open-addressing table a partition. A partition's
// table stays in cache, where one table of 10^7 cells would miss on every probe, and partitions fill
// on threads of their own; which cell an item lands in never depends on the threads.
#pragma once
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "fdgd/detail/cell_grid.hpp"

namespace fdgd::detail {

/// Items sorted by partition (the low `bits` of their mixed hash), ascending within each.
struct cell_partitions {
  static constexpr int max_bits = 12;
  int bits = 0;
  std::vector<std::size_t> begin;    ///< partition p: entries begin[p] .. begin[p + 1] - 1
  std::vector<std::uint64_t> item;   ///< by partition
  std::vector<std::uint64_t> mixed;  ///< the item's cell_hash::mixed, beside it
};

/// Partitions of 2^bits for n items: a few thousand items each, so that a partition's table fits in
/// cache (more partitions would be as fast, but cost the threads' counts).
inline int partition_bits(std::size_t n) {
  int bits = 0;
  while (bits < cell_partitions::max_bits && (n >> bits) > 4096) ++bits;
  return bits;
}

/// The items i < n whose mixed_of(i) is not cell_hash::none, partitioned: a stable counting sort,
/// ranges of items each counted, then placed, on `threads` OpenMP threads.
template <class MixedOf>
cell_partitions partition_cells(std::size_t n, int threads, MixedOf&& mixed_of) {
  cell_partitions p;
  p.bits = partition_bits(n);
  // A range for each thread, but of 32768 items at least: each range counts its items in every partition.
  const std::size_t parts = std::size_t(1) << p.bits, row = parts + 1;
  const std::size_t ranges = std::max<std::size_t>(1, std::min<std::size_t>(std::size_t(std::max(threads, 1)), n / 65536 + 1));
  std::vector<std::uint64_t> mixed(n);
  std::vector<std::size_t> counts(ranges * row, 0);  // range t's items in partition q at t * row + q; q = parts: left out
  auto part = [&](std::uint64_t m) { return m == cell_hash::none ? parts : std::size_t(m & (parts - 1)); };
#pragma omp parallel for schedule(static, 1) num_threads(threads)
  for (std::ptrdiff_t t = 0; t < std::ptrdiff_t(ranges); ++t)
    for (std::size_t i = n * std::size_t(t) / ranges; i < n * std::size_t(t + 1) / ranges; ++i)
      ++counts[std::size_t(t) * row + part(mixed[i] = mixed_of(i))];
  p.begin.assign(row, 0);
  std::size_t at = 0;
  for (std::size_t q = 0; q < parts; ++q) {
    p.begin[q] = at;
    for (std::size_t t = 0; t < ranges; ++t) at += std::exchange(counts[t * row + q], at);
  }
  p.begin[parts] = at;
  p.item.resize(at);
  p.mixed.resize(at);
#pragma omp parallel for schedule(static, 1) num_threads(threads)
  for (std::ptrdiff_t t = 0; t < std::ptrdiff_t(ranges); ++t)
    for (std::size_t i = n * std::size_t(t) / ranges; i < n * std::size_t(t + 1) / ranges; ++i)
      if (const std::size_t q = part(mixed[i]); q < parts) {
        const std::size_t k = counts[std::size_t(t) * row + q]++;
        p.item[k] = i;
        p.mixed[k] = mixed[i];
      }
  return p;
}

/// One partition's cells: open addressing on the mixed hash, a slot holding the cell's number (low 40
/// bits) under 24 bits of its hash (the tag), so a probe compares keys only when the tags agree, which
/// for another cell they rarely do. A cell is known by its first item; `same(c)` says whether the key
/// probed for is cell c's.
class cell_slots {
 public:
  std::size_t size() const { return first_.size(); }
  std::uint64_t first(std::size_t c) const { return first_[c]; }
  /// No cells; the slots stay, for the next partition's cells.
  void clear() {
    std::fill(slots_.begin(), slots_.end(), empty);
    first_.clear();
    mixed_.clear();
  }
  /// The cell of the key `same` knows, whose mixed hash is m: found, or added as cell size() with
  /// `item` its first (`fresh`).
  template <class Same>
  std::size_t insert(std::uint64_t m, std::uint64_t item, Same&& same, bool& fresh) {
    if ((size() + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(64, slots_.size() * 2));
    if (size() >= index_mask) throw std::length_error("fdgd: distinct_minima: more than 2^40 cells");
    const std::size_t s = slot_of(m, same);
    fresh = slots_[s] == empty;
    if (fresh) {
      slots_[s] = tag_of(m) | size();
      first_.push_back(item);
      mixed_.push_back(m);
    }
    return std::size_t(slots_[s] & index_mask);
  }

 private:
  static constexpr std::uint64_t index_mask = (std::uint64_t(1) << 40) - 1, empty = ~std::uint64_t(0);
  static std::uint64_t tag_of(std::uint64_t m) { return m & ~index_mask; }
  /// The slot a probe for m starts at: bits above the partition's.
  static std::size_t home(std::uint64_t m, std::size_t mask) { return std::size_t(m >> cell_partitions::max_bits) & mask; }

  template <class Same>
  std::size_t slot_of(std::uint64_t m, Same&& same) const {
    const std::size_t mask = slots_.size() - 1;
    const std::uint64_t tag = tag_of(m);
    std::size_t s = home(m, mask);
    for (std::uint64_t slot; (slot = slots_[s]) != empty; s = (s + 1) & mask)
      if ((slot & ~index_mask) == tag && same(std::size_t(slot & index_mask))) break;
    return s;
  }

  void rehash(std::size_t n) {
    slots_.assign(n, empty);
    const std::size_t mask = n - 1;
    for (std::size_t c = 0; c < size(); ++c) {
      std::size_t s = home(mixed_[c], mask);
      while (slots_[s] != empty) s = (s + 1) & mask;
      slots_[s] = tag_of(mixed_[c]) | c;
    }
  }

  std::vector<std::uint64_t> slots_;  // a power of two, at most half full
  std::vector<std::uint64_t> first_, mixed_;
};

}  // namespace fdgd::detail
