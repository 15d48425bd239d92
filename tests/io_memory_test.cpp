// The bytes read_csv holds at its peak on a line of millions of cells (counted_new.hpp): about its
// values and the line, not an object a cell; and write_csv's on a wide result's header.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "counted_new.hpp"
#include "fdgd/error.hpp"
#include "fdgd/io.hpp"
#include "fdgd/result.hpp"

namespace fdgd::test {
namespace {

constexpr std::size_t cells = 2'000'000;

std::string write_file(const std::string& name, const std::string& text) {
  const auto path =
      (std::filesystem::temp_directory_path() / ("fdgd_read_memory_" + std::to_string(::getpid()) + "_" + name)).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ReadMemory, ALineOfMillionsOfNumbersTakesAboutItsValues) {
  std::string line;
  for (std::size_t j = 0; j < cells; ++j) line += j ? ",1" : "1";
  const std::string path = write_file("numbers.csv", line + "\n");
  const std::size_t before = reset_peak();
  const table t = read_csv(path);
  const double per_cell = double(peak_bytes.load() - before) / double(cells);
  std::filesystem::remove(path);
  ASSERT_EQ(t.cols, int(cells));
  // The values (8 bytes, twice while their vector grows) and the line (2 bytes a cell, twice as it
  // grows): 20 bytes a cell; an object a cell took over 100.
  EXPECT_LE(per_cell, 24.0);
  std::printf("%.1f bytes a cell at the peak\n", per_cell);
}

/// The bytes read_csv holds at its peak for each of `cells` bytes of a file of `text`, which it must
/// refuse with `message` in its error.
double peak_refusing(const std::string& name, const std::string& text, const std::string& message) {
  const std::string path = write_file(name, text);
  const std::size_t before = reset_peak();
  try {
    read_csv(path);
    ADD_FAILURE() << "read";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
  const double per_byte = double(peak_bytes.load() - before) / double(cells);
  std::filesystem::remove(path);
  return per_byte;
}

TEST(ReadMemory, ALineOfCommasIsRefusedAtItsFirstCellHoldingTheLineAlone) {
  EXPECT_LE(peak_refusing("commas.csv", "1," + std::string(cells, ',') + "\n", ":1:3: empty cell"), 4.0)
      << "the line, twice as it grows";
}

TEST(ReadMemory, AHeaderOfMillionsOfEmptyNamesIsRefusedHoldingTheLineAlone) {
  // A first line of commas is a header (no cell of it a number) whose names are all empty: each was
  // kept, a string and a column, 40 bytes a cell, before the first was refused.
  EXPECT_LE(peak_refusing("empty_names.csv", std::string(cells, ',') + "\n1\n", ":1:1: header column 1 has no name"), 4.0)
      << "the line, twice as it grows";
}

TEST(WriteMemory, AWideResultsHeaderIsWrittenAsItGoes) {
  result r;
  r.resize(0, 10'000'000);  // no rows: the header alone, 89 MB of x0,x1,...
  const std::string path =
      (std::filesystem::temp_directory_path() / ("fdgd_write_memory_" + std::to_string(::getpid()) + "_wide.csv")).string();
  const std::size_t before = reset_peak();
  write_csv(path, r);
  const std::size_t peak = peak_bytes.load() - before;
  const auto bytes = std::filesystem::file_size(path);
  std::filesystem::remove(path);
  EXPECT_GT(bytes, 88'000'000u);
  EXPECT_LT(peak, std::size_t(1) << 20) << "the header was built whole";
}

}  // namespace
}  // namespace fdgd::test
