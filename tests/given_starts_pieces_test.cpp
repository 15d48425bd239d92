// Given starts staged for the device a piece at a time (fdgd/detail/given_starts_pieces.hpp): checked
// here with plain copies, as the CUDA backend's cudaMemcpy would place them.
#include "fdgd/detail/given_starts_pieces.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace fdgd::test {
namespace {

struct layout_case {
  std::int64_t n;
  int dim;
  std::int64_t piece;
};

template <class T>
void check(const layout_case& c, std::int64_t first, int* copies_made = nullptr) {
  SCOPED_TRACE("n " + std::to_string(c.n) + ", dim " + std::to_string(c.dim) + ", piece " + std::to_string(c.piece) + ", first " +
               std::to_string(first));
  std::vector<double> points(std::size_t((first + c.n) * c.dim));
  for (std::size_t k = 0; k < points.size(); ++k) points[k] = double(k) + 0.25;
  std::vector<T> x(std::size_t(c.n * c.dim), T(NAN)), stage;
  int copies = 0;
  detail::put_given_starts<T>(points.data(), first, c.n, c.dim, c.piece, stage, 2,
                              [&](std::size_t offset, const T* values, std::size_t count) {
                                ASSERT_LE(offset + count, x.size());
                                ASSERT_LE(count, std::size_t(c.piece));
                                std::copy(values, values + count, x.begin() + std::ptrdiff_t(offset));
                                ++copies;
                              });
  EXPECT_LE(stage.size(), std::size_t(c.piece));
  for (std::int64_t i = 0; i < c.n; ++i)
    for (int j = 0; j < c.dim; ++j)
      ASSERT_EQ(x[std::size_t(j * c.n + i)], T(points[std::size_t((first + i) * c.dim + j)]))
          << "start " << i << ", coordinate " << j;
  if (copies_made) *copies_made = copies;
}

TEST(GivenStartsPieces, EveryCoordinateLandsWhereTheDeviceReadsIt) {
  // Pieces of every shape: all at once, several coordinates of all the starts, a few coordinates of a
  // range of starts, one value at a time.
  const layout_case cases[] = {{5, 3, 1000}, {5, 3, 4},  {37, 9, 40},  {37, 9, 16},
                               {1000, 1, 7}, {3, 20, 8}, {100, 8, 64}, {7, 5, 1}};
  for (const auto& c : cases)
    for (const std::int64_t first : {0, 2}) {
      check<double>(c, first);
      check<float>(c, first);
    }
  int copies = 0;
  check<double>({5, 3, 1000}, 0, &copies);
  EXPECT_EQ(copies, 1) << "a chunk that fits one piece goes in one copy";
  check<double>({4, 20, 32}, 0, &copies);
  EXPECT_EQ(copies, 3) << "8, 8 and 4 coordinates of all 4 starts, each lying together: a copy each";
  check<double>({4, 20, 16}, 0, &copies);
  EXPECT_EQ(copies, 2 * 20) << "8 coordinates of 2 starts a piece: each coordinate apart";
}

}  // namespace
}  // namespace fdgd::test
