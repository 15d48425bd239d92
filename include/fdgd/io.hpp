// Reading starts from, and writing results to, CSV and NumPy .npy files.
// Writers never leave a partial file: they write a temporary file beside the target and rename it
// into place once complete. Every failure throws fdgd::error naming the file (and, for a CSV, the
// line and column); nothing is left behind.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "fdgd/result.hpp"

namespace fdgd {

/// A row-major table of doubles: rows x cols.
struct table {
  std::int64_t rows = 0;
  int cols = 0;
  std::vector<double> values;
};

/// Every trajectory in start order, with the header `x0,...,x{d-1},f,grad_norm,steps,status`.
/// Doubles are written with 17 significant digits, so they read back exactly.
void write_csv(const std::string& path, const result& r);

/// Any table, under a header row of column names, doubles written to read back exactly.
void write_csv(const std::string& path, const std::vector<std::string>& header, const table& t);

/// A float64 array of shape (N, d + 1), the final x then f, in NumPy's .npy format (version 1.0).
void write_npy(const std::string& path, const result& r);

/// Starts from a CSV: one start a row, comma-separated, an optional header row (a first row none of
/// whose cells is a number; a UTF-8 byte-order mark is skipped). Rejects an empty file, ragged rows,
/// non-numeric, NaN, Inf or out-of-range cells (an underflow reads as the nearest double).
table read_csv(const std::string& path);

/// Starts from a .npy: a 2-D, C-order array of little-endian float64 or float32.
table read_npy(const std::string& path);

}  // namespace fdgd
