#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "../c_numbers.hpp"
#include "atomic_file.hpp"
#include "fdgd/detail/number_text.hpp"
#include "fdgd/error.hpp"
#include "fdgd/io.hpp"
#include "file_checks.hpp"
#include "result_header.hpp"

namespace fdgd {
namespace {

using detail::check_readable_file;
using detail::quoted;

/// Shortest text that reads back to the same double; a whole number below 2^53 in its digits, where
/// the shortest would be 1e+05 (a trace's start and step, a coordinate 100000).
void put_double(std::string& line, double v) {
  char buf[32];
  const bool whole = v != 0 && std::fabs(v) < 0x1p53 && std::trunc(v) == v;  // 0 and -0 keep their sign as they are
  const auto res = whole ? std::to_chars(buf, buf + sizeof buf, std::int64_t(v)) : std::to_chars(buf, buf + sizeof buf, v);
  line.append(buf, res.ptr);
}

[[noreturn]] void fail_at(const std::string& path, std::int64_t line, std::size_t column, const std::string& what) {
  throw error("fdgd: " + path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + what);
}

constexpr char utf8_bom[] = "\xEF\xBB\xBF";

/// One CSV cell: its value, whether it has a number's form, and its text (a view into the line, or into
/// the unquoted copy for_each_cell holds while the cell is taken). Nothing of a row is kept past its
/// cell: a line of millions of cells costs its values alone.
struct cell {
  double value = 0;
  bool numeric = false;
  bool empty = false;
  bool out_of_range = false;
  std::string_view text;   // without quotes
  std::size_t column = 0;  // where it starts in its line, from 1
};

/// `text` without the blanks (spaces, tabs) at either end.
std::string_view without_blanks(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") + 1 - first);
}

/// Calls take(text, column) for each of the line's cells, split at its commas: the text without the
/// blanks around it, the column where it starts (from 1). A cell in double quotes (RFC 4180, as
/// spreadsheets and pandas' QUOTE_ALL write) may hold commas and "" for a quote, and is its text
/// without them, nor blanks at its ends inside them: "1.5" and " 1.5 " read as 1.5.
template <class Take>
void for_each_cell(const std::string& path, std::int64_t line_no, const std::string& line, Take&& take) {
  const auto blank = [&](std::size_t k) { return k < line.size() && (line[k] == ' ' || line[k] == '\t'); };
  std::string unquoted;
  for (std::size_t k = 0;;) {
    while (blank(k)) ++k;
    const std::size_t column = k + 1;
    if (k < line.size() && line[k] == '"') {
      unquoted.clear();
      for (++k;; ++k) {
        if (k == line.size()) fail_at(path, line_no, column, "quoted cell with no closing quote (a cell cannot run across lines)");
        if (line[k] != '"') {
          unquoted += line[k];
        } else if (k + 1 < line.size() && line[k + 1] == '"') {
          unquoted += '"';
          ++k;
        } else {
          break;
        }
      }
      ++k;
      while (blank(k)) ++k;
      if (k < line.size() && line[k] != ',')
        fail_at(path, line_no, k + 1, "text after a quoted cell's closing quote (write a quote inside it as \"\")");
      take(without_blanks(unquoted), column);
    } else {
      const std::size_t end = std::min(line.find(',', k), line.size());
      take(without_blanks(std::string_view(line).substr(k, end - k)), column);
      k = end;
    }
    if (k >= line.size()) return;
    ++k;  // past the comma
  }
}

/// "1 value", "2 values".
std::string count_of(std::size_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

cell read_cell(std::string_view text, std::size_t column) {
  const char *a = text.data(), *b = a + text.size();
  cell c;
  c.column = column;
  c.text = text;
  const auto res = detail::read_coordinate(a, b, c.value);
  c.numeric = a != b && res.ptr == b && res.ec != std::errc::invalid_argument;
  c.empty = a == b;
  c.out_of_range = res.ec == std::errc::result_out_of_range;
  return c;
}

/// What is wrong with a cell as a start's coordinate; empty if nothing.
std::string problem_of(const cell& c) {
  const char *a = c.text.data(), *b = a + c.text.size();
  if (c.empty) return "empty cell";
  if (!c.numeric) return quoted(a, b) + " is not a number";
  if (c.out_of_range) return quoted(a, b) + " is out of double's range (magnitude above 1.8e308)";
  if (!std::isfinite(c.value)) return quoted(a, b) + " is not a finite number";
  return "";
}

/// Whether a first row's cell makes it a row of starts rather than a header: a number, or a cell that
/// begins as one ("5x", "-.5y": a mistyped start; "1;2", "1\t2": starts in other separators).
bool number_like(const cell& c) {
  const std::string_view name = c.numeric ? std::string_view() : c.text;
  std::size_t k = name.size() > 1 && (name[0] == '+' || name[0] == '-') ? 1 : 0;
  if (k + 1 < name.size() && name[k] == '.') ++k;
  return c.numeric || (k < name.size() && name[k] >= '0' && name[k] <= '9');
}

}  // namespace

void write_csv(const std::string& path, const result& r) {
  r.check_shape();                   // before the file is made
  detail::atomic_file out(path);     // which gathers what it is given into writes of 64 KB
  std::string line;                  // a header name, then a row
  for (int j = 0; j < r.dim; ++j) {  // a name at a time: a wide result's header is as long as a row
    line = "x" + std::to_string(j) + ",";
    out.write(line.data(), line.size());
  }
  line = "f,grad_norm,steps,status\n";
  out.write(line.data(), line.size());
  for (std::int64_t i = 0; i < r.count; ++i) {
    const auto row = std::size_t(i);
    line.clear();
    for (int j = 0; j < r.dim; ++j) {
      put_double(line, r.x[row * std::size_t(r.dim) + std::size_t(j)]);
      line += ',';
    }
    put_double(line, r.f[row]);
    line += ',';
    put_double(line, r.grad_norm[row]);
    line += ',' + std::to_string(r.steps[row]) + ',' + to_string(r.status[row]) + '\n';
    out.write(line.data(), line.size());
  }
  out.commit();
}

csv_writer::csv_writer(const std::string& path, const std::vector<std::string>& header) : columns_(int(header.size())) {
  for (const auto& name : header) {
    // As the reader sees it: blanks around a cell are not part of it, nor a byte-order mark the file begins with.
    const std::string cell_text(without_blanks(name));
    if (cell_text.empty() || cell_text != name || number_like(read_cell(cell_text, 0)) ||
        name.find_first_of(",\"\r\n") != std::string::npos || (&name == &header.front() && name.rfind(utf8_bom, 0) == 0))
      throw std::invalid_argument("fdgd: CSV header name " + detail::quoted(name) +
                                  " would not read back as a name (empty, a number or beginning as one, blanks at an end, "
                                  "a byte-order mark first, or a comma, quote or line break in it)");
  }
  if (header.empty()) throw std::invalid_argument("fdgd: a CSV header of no names (a file of no columns)");
  file_ = std::make_unique<detail::atomic_file>(path);
  for (std::size_t j = 0; j < header.size(); ++j) row_text_ += (j ? "," : "") + header[j];
  row_text_ += '\n';
  file_->write(row_text_.data(), row_text_.size());
}

csv_writer::~csv_writer() = default;

void csv_writer::row(const double* values, int n) {
  file_->check_open();
  if (!values) throw std::invalid_argument("fdgd: CSV row of no values (a null pointer)");
  if (n != columns_)
    throw std::invalid_argument("fdgd: CSV row of " + std::to_string(n) + " values under a header of " + std::to_string(columns_));
  row_text_.clear();
  for (int j = 0; j < n; ++j) {
    if (j) row_text_ += ',';
    put_double(row_text_, values[j]);
  }
  row_text_ += '\n';
  file_->write(row_text_.data(), row_text_.size());
}

void csv_writer::commit() { file_->commit(); }

void write_csv(const std::string& path, const std::vector<std::string>& header, const table& t) {
  // rows x cols compared without the product, which a wrong rows could wrap round to values' size
  const bool holds =
      t.rows >= 0 && t.cols >= 0 &&
      (t.cols == 0 ? t.values.empty()
                   : t.values.size() % std::size_t(t.cols) == 0 && t.values.size() / std::size_t(t.cols) == std::uint64_t(t.rows));
  if (!holds)
    throw std::invalid_argument("fdgd: table of " + std::to_string(t.rows) + " x " + std::to_string(t.cols) + " holds " +
                                std::to_string(t.values.size()) + " values");
  if (header.size() != std::size_t(t.cols))  // checked for every row below, but an empty table has none
    throw std::invalid_argument("fdgd: a header of " + std::to_string(header.size()) + " names for a table of " +
                                std::to_string(t.cols) + " columns");
  csv_writer out(path, header);
  for (std::int64_t i = 0; i < t.rows; ++i) out.row(t.values.data() + std::size_t(i) * std::size_t(t.cols), t.cols);
  out.commit();
}

table read_csv(const std::string& path) {
  check_readable_file(path);
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error("fdgd: cannot read " + path + ": " + detail::open_failure());
  table t;
  std::string line;
  std::int64_t line_no = 0;
  bool first_row = true;
  std::size_t header_names = 0;  // 0: no header
  std::string header_line;       // the header as written, for a file with nothing else
  std::size_t kept = 0;          // of a result file of fdgd's, its x columns; else 0: every column
  std::vector<std::string> names;
  // A header of one name may be a row of other separators, or a comment: a later row's error says so.
  const auto other_separators = [&]() -> std::string {
    if (header_names != 1) return "";
    const std::string first = detail::quoted(header_line);
    if (names[0].find_first_of(";\t") != std::string::npos)
      return " (cells are separated by commas; the first row, " + first + ", was read as a header)";
    if (names[0][0] == '#') return " (no line is a comment; the first row, " + first + ", was read as a header)";
    return "";
  };
  const auto against_header = [&](std::size_t values) {
    return "row has " + count_of(values, "value") + ", the header has " + count_of(header_names, "name") + other_separators();
  };
  // getline then passes on what stopped it (std::bad_alloc for a line beyond memory), where it would
  // stop as at the end of the file.
  in.exceptions(std::ios::badbit);
  const auto next_line = [&] {
    try {
      return bool(std::getline(in, line));
    } catch (const std::ios_base::failure&) {
      throw error("fdgd: " + path + ": could not read line " + std::to_string(line_no + 1) +
                  " (a read error); the rows before it are not used");
    }
  };
  while (next_line()) {
    ++line_no;
    if (line_no == 1 && line.rfind("\x93NUMPY", 0) == 0)
      throw error("fdgd: " + path + ": a NumPy .npy file (its first bytes say so), not a CSV");
    if (line_no == 1 && line.rfind("PK\x03\x04", 0) == 0)
      throw error("fdgd: " + path +
                  ": a zip archive (its first bytes say so: numpy.savez writes one), not a CSV or .npy; "
                  "save the one array with numpy.save");
    if (line_no == 1 && (line.rfind("\xFF\xFE", 0) == 0 || line.rfind("\xFE\xFF", 0) == 0))
      throw error("fdgd: " + path + ": UTF-16 text (its first bytes say so); save it as UTF-8 or ASCII");
    if (line_no == 1 && line.rfind(utf8_bom, 0) == 0) line.erase(0, 3);  // columns still count from the first cell
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines carry nothing
    // A first pass counts the cells (and finds a quoted cell's mistakes); a first row is the header
    // only when no cell of it is a number, nor begins as one: "5x,2", "5x,2y" and "1;2" are starts
    // mistyped, not a header that would drop them.
    std::size_t width = 0;
    bool has_number = false;
    for_each_cell(path, line_no, line, [&](std::string_view text, std::size_t column) {
      ++width;
      if (first_row && !has_number) has_number = number_like(read_cell(text, column));
    });
    const bool header = first_row && !has_number;
    first_row = false;
    if (header) {  // its names, a trailing comma's empty ones aside ("x0,x1," over rows of 2)
      const auto no_name = [&](std::size_t j, std::size_t column) {
        fail_at(path, line_no, column,
                "header column " + std::to_string(j + 1) +
                    " has no name (an index column, as pandas' to_csv writes? write it with index=False)");
      };
      std::size_t j = 0, unnamed = 0, unnamed_column = 0;  // the empty names since the last name, the first's column
      for_each_cell(path, line_no, line, [&](std::string_view text, std::size_t column) {
        if (text.empty()) {
          if (unnamed++ == 0) unnamed_column = column;
        } else if (unnamed > 0) {  // an empty name before a name: no trailing comma's
          no_name(j - unnamed, unnamed_column);
        } else {
          names.emplace_back(text);
        }
        ++j;
      });
      if (names.empty()) no_name(0, unnamed_column);
      header_names = names.size();
      header_line = line;
      if (const auto m = detail::match_result_header(names); m.after == 4) kept = m.x;  // a whole result header
      continue;
    }
    // A result's final points: x alone.
    if (kept != 0 && width != header_names) fail_at(path, line_no, 1, against_header(width));
    const std::size_t used = kept != 0 ? kept : width;
    std::size_t j = 0;
    for_each_cell(path, line_no, line, [&](std::string_view text, std::size_t column) {
      if (j++ >= used) return;
      const cell c = read_cell(text, column);
      if (const std::string problem = problem_of(c); !problem.empty()) {
        const bool ends_in_comma = j == used && c.empty && line.find_last_not_of(" \t") == line.rfind(',');
        // np.savetxt's default separator is a blank; Excel's in some locales a semicolon.
        const bool blanks_inside = !c.numeric && c.text.find_first_of(" \t") != std::string_view::npos;
        const bool semicolons_inside = !c.numeric && c.text.find(';') != std::string_view::npos;
        const std::string other = other_separators();
        // A CR inside a line: the file's lines end in CR alone, all read as one.
        const bool lone_cr = line.find('\r') != std::string::npos;
        const bool comment = j == 1 && !c.numeric && !c.text.empty() && c.text[0] == '#';  // a line's first cell
        fail_at(path, line_no, c.column,
                problem + (ends_in_comma ? " (the row ends in a comma)" : "") +
                    (lone_cr             ? " (the file's lines end in a lone CR, as old Mac files' do: end them in \\n)"
                     : !other.empty()    ? other
                     : comment           ? " (no line is a comment)"
                     : semicolons_inside ? " (cells are separated by commas, not semicolons)"
                     : blanks_inside     ? " (cells are separated by commas, not blanks)"
                                         : ""));
      }
      t.values.push_back(c.value);
    });
    if (t.rows == 0 && header_names != 0 && kept == 0 && width != header_names) fail_at(path, line_no, 1, against_header(width));
    if (t.rows == 0) t.cols = int(used);
    if (used != std::size_t(t.cols))
      fail_at(path, line_no, 1, "row has " + count_of(used, "value") + ", the first row had " + std::to_string(t.cols));
    ++t.rows;
  }
  if (t.rows == 0 && header_names == 1)  // "a\tb" or "a;b": a row of other separators, or a header alone
    throw error("fdgd: " + path + ": no starts: its only row, " + detail::quoted(header_line) +
                ", has no comma and is no number, so it was read as a header (cells are separated by commas)");
  if (t.rows == 0) throw error("fdgd: " + path + ": no starts (the file has no rows of numbers)");
  if (header_names != 0) {
    names.resize(std::size_t(t.cols));
    t.names = std::move(names);
  }
  return t;
}

}  // namespace fdgd
