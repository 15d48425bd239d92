// Reading starts from, and writing results to, CSV and NumPy .npy files.
// Writers never leave a partial file: they write a temporary file beside the target and rename it
// into place once complete. A failure to read or write throws fdgd::error naming the file (and, for a
// CSV, the line and column); arguments refused before any file is touched (a header or a table of the
// wrong shape) throw std::invalid_argument, as each function says. Nothing is left behind.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fdgd/error.hpp"
#include "fdgd/result.hpp"

namespace fdgd {

namespace detail {
class atomic_file;
}

/// A row-major table of doubles: rows x cols.
struct table {
  std::int64_t rows = 0;
  int cols = 0;
  std::vector<double> values;
  /// read_csv: the header's names of the columns read (of a result file, x0,...,x{d-1}); none without a
  /// header, and none from read_npy
  std::vector<std::string> names = {};
};

/// Every trajectory in start order, with the header `x0,...,x{d-1},f,grad_norm,steps,status`.
/// Doubles are written in the shortest form that reads back to the same bits (a whole number below
/// 2^53 in its digits: 100000, not 1e+05). Like every writer here,
/// it renames a finished temporary file onto `path`; through a symbolic link, onto the file the link
/// leads to (the link stays), keeping that file's permissions. NaN and Inf are written as nan and inf.
/// Both result writers first check the result (result::check_shape: std::invalid_argument, no file).
void write_csv(const std::string& path, const result& r);

/// Any table, under a header row of column names, doubles written to read back exactly (by read_csv,
/// unless the header is a result's, x0,...,f,grad_norm,steps,status, of which it reads x alone; NaN
/// and Inf are written as nan and inf, which read_csv refuses as starts). Throws
/// std::invalid_argument as csv_writer does, when t.values does not hold t.rows x t.cols values, or
/// when the header does not name t.cols columns.
void write_csv(const std::string& path, const std::vector<std::string>& header, const table& t);

/// A CSV written row by row as the rows are made (the file never holds them all in memory), under a
/// temporary name until commit() renames it into place; destroyed uncommitted, it leaves nothing.
/// Throws fdgd::error naming the file as soon as a write fails, or on a write after commit();
/// std::invalid_argument for a header of no names, a name that would not read back as one (empty, a
/// number or beginning as one, "5x", with blanks at an end or a UTF-8 byte-order mark first, or holding
/// a comma, quote or line break) and for a row that is not as long as the header.
class csv_writer {
 public:
  csv_writer(const std::string& path, const std::vector<std::string>& header);
  ~csv_writer();
  csv_writer(const csv_writer&) = delete;
  csv_writer& operator=(const csv_writer&) = delete;

  /// One row of n doubles, written to read back exactly (NaN and Inf as nan and inf).
  /// std::invalid_argument where values is null.
  void row(const double* values, int n);
  /// Writes what is buffered and moves the finished file to its path. Throws fdgd::error (naming the
  /// path and the cause) when it cannot, and then leaves no file; a row or commit after it throws.
  void commit();

 private:
  std::unique_ptr<detail::atomic_file> file_;  // which gathers the rows into writes of 64 KB
  std::string row_text_;                       // the row being written, kept for its capacity
  int columns_;
};

/// Makes SIGINT, SIGTERM, SIGHUP and SIGQUIT, SIGXCPU and SIGXFSZ (`ulimit -t` and `-f`), and SIGPIPE,
/// SIGALRM, SIGVTALRM, SIGUSR1 and SIGUSR2 (each ends a process by default), remove the temporary
/// file of a write in progress before they end the process as they otherwise would (a signal the
/// process ignores or handles itself stays so: with SIGXFSZ ignored, a write past the limit fails
/// with EFBIG instead, and the writer removes its file). For programs: a library leaves signal
/// handling to its caller.
void remove_unfinished_files_on_signals();

/// A float64 array of shape (N, d + 1), the final x then f, in NumPy's .npy format (version 1.0).
void write_npy(const std::string& path, const result& r);

/// Starts from a CSV: one start a row, comma-separated, an optional header row (a first row none of
/// whose cells is a number or begins as one: "a,5x" is a mistyped row; a UTF-8 byte-order mark is
/// skipped). A cell in double quotes (RFC 4180: "" for a quote, commas inside) reads as its text, so "1.5" is a number. Rejects an
/// empty file, ragged rows, non-numeric, NaN, Inf or out-of-range cells (an underflow reads as the nearest double), and a header
/// with a column of no name (as pandas' index column), and a .npy file or a zip archive (.npz) (by its first bytes). Of a result
/// file write_csv wrote (the header x0,...,x{d-1},f,grad_norm,steps,status) it reads the final points, x alone: a run can go on
/// from where another ended. The header's names of the columns read are the table's `names`. A line or rows beyond memory throw
/// std::bad_alloc.
table read_csv(const std::string& path);

/// Starts from a .npy: a 2-D, C-order array of little-endian float64 or float32, holding exactly the
/// values its shape promises. Values are returned as stored, NaN and Inf too (starts::given refuses
/// those, naming the start and coordinate); read_csv refuses them as it reads, where it can name the
/// line and column; a header longer than 1 MiB (a 2-D array's takes about 100 bytes) is refused unread.
/// `before_values`, where given, is called with the header's shape once the header is checked and
/// before any value is read (for a pipe, before the data arrive): it may throw to refuse an array, as
/// one larger than memory holds, unread; what it throws leaves read_npy as it is.
table read_npy(const std::string& path, const std::function<void(std::int64_t rows, int cols)>& before_values = {});

}  // namespace fdgd
