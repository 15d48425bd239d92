// Threads a block for the CUDA backend's per-trajectory kernels. Plain C++, so that the choice is
// tested without a GPU.
#pragma once

namespace fdgd::detail {

/// The block sizes the backend chooses among, largest first.
inline constexpr unsigned block_size_candidates[] = {256, 128, 64};

/// The candidate block size with the most warps resident on an SM, the largest on a tie, where
/// `resident_blocks(threads)` is how many blocks of that size an SM holds at once (the CUDA
/// occupancy calculator's answer for the kernel). Why not always 256: blocks are resident whole, so a
/// kernel of 129 to 170 registers a thread (rosenbrock d = 16, 158) fits one block of 256, 8 warps,
/// where blocks of 128 fit 12 warps; with one block an SM, its loads, arithmetic and stores take
/// turns instead of overlapping with another block's.
template <class ResidentBlocks>
unsigned block_threads_for(ResidentBlocks resident_blocks) {
  unsigned best = block_size_candidates[0];
  long best_warps = -1;
  for (const unsigned threads : block_size_candidates) {
    const long warps = long(resident_blocks(threads)) * long(threads / 32);
    if (warps > best_warps) best = threads, best_warps = warps;
  }
  return best;
}

}  // namespace fdgd::detail
