// The CUDA backend's block size, chosen from a kernel's occupancy (fdgd/detail/block_size.hpp), here
// against a model of an sm_90 SM's register file, without a GPU.
#include <gtest/gtest.h>

#include <algorithm>

#include "fdgd/detail/block_size.hpp"

namespace {

/// Blocks of `threads` an sm_90 SM holds at `registers` a thread: 64 K registers allocated 256 to a
/// warp, at most 64 warps and 32 blocks, whole blocks only.
int resident_blocks(int registers, unsigned threads) {
  const int per_warp = (registers * 32 + 255) / 256 * 256;
  const int warps_by_registers = 65536 / per_warp;
  const int warps = int(threads / 32);
  return std::min({warps_by_registers / warps, 64 / warps, 32});
}

unsigned chosen(int registers) {
  return fdgd::detail::block_threads_for([&](unsigned threads) { return resident_blocks(registers, threads); });
}

TEST(BlockSize, SmallerBlocksWhereTheyHoldMoreWarps) {
  // rosenbrock d = 16's advance kernel (158 registers): one block of 256 (8 warps), three of 128 (12).
  EXPECT_EQ(resident_blocks(158, 256) * 8, 8);
  EXPECT_EQ(chosen(158), 128u);
  // 140 registers: 8 warps in blocks of 256, 12 in blocks of 128, 14 in blocks of 64.
  EXPECT_EQ(chosen(140), 64u);
}

TEST(BlockSize, TheLargestBlockOnATie) {
  EXPECT_EQ(chosen(32), 256u);   // 64 warps whatever the size
  EXPECT_EQ(chosen(255), 256u);  // 8 warps whatever the size
  EXPECT_EQ(chosen(64), 256u);   // 32 warps whatever the size
}

TEST(BlockSize, NoneResidentStillGivesACandidate) {
  EXPECT_EQ(fdgd::detail::block_threads_for([](unsigned) { return 0; }), 256u);
}

}  // namespace
