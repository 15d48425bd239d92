#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include "fdgd/error.hpp"
#include "fdgd/io.hpp"

namespace fdgd {
namespace {

/// Shortest text that reads back to the same double.
void put_double(std::string& line, double v) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  line.append(buf, res.ptr);
}

[[noreturn]] void fail_at(const std::string& path, std::int64_t line, std::size_t column, const std::string& what) {
  throw error("fdgd: " + path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + what);
}

}  // namespace

void write_csv(const std::string& path, const result& r) {
  detail::atomic_file out(path);
  std::string line;
  for (int j = 0; j < r.dim; ++j) line += "x" + std::to_string(j) + ",";
  line += "f,grad_norm,steps,status\n";
  for (std::int64_t i = 0; i < r.count; ++i) {
    const auto row = std::size_t(i);
    for (int j = 0; j < r.dim; ++j) {
      put_double(line, r.x[row * std::size_t(r.dim) + std::size_t(j)]);
      line += ',';
    }
    put_double(line, r.f[row]);
    line += ',';
    put_double(line, r.grad_norm[row]);
    line += ',' + std::to_string(r.steps[row]) + ',' + to_string(r.status[row]) + '\n';
    if (line.size() > (1u << 16)) {
      std::fwrite(line.data(), 1, line.size(), out.get());
      line.clear();
    }
  }
  std::fwrite(line.data(), 1, line.size(), out.get());
  out.commit();
}

void write_csv(const std::string& path, const std::vector<std::string>& header, const table& t) {
  detail::atomic_file out(path);
  std::string line;
  for (std::size_t j = 0; j < header.size(); ++j) line += (j ? "," : "") + header[j];
  line += '\n';
  for (std::int64_t i = 0; i < t.rows; ++i) {
    for (int j = 0; j < t.cols; ++j) {
      if (j) line += ',';
      put_double(line, t.values[std::size_t(i) * std::size_t(t.cols) + std::size_t(j)]);
    }
    line += '\n';
    if (line.size() > (1u << 16)) {
      std::fwrite(line.data(), 1, line.size(), out.get());
      line.clear();
    }
  }
  std::fwrite(line.data(), 1, line.size(), out.get());
  out.commit();
}

table read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error("fdgd: cannot read " + path + ": no such file or not readable");
  table t;
  std::string line;
  std::int64_t line_no = 0;
  bool header_allowed = true;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines carry nothing
    std::vector<double> row;
    std::size_t start = 0;
    bool numeric = true;
    std::size_t bad_column = 0;
    std::string bad_cell;
    while (true) {
      const std::size_t end = std::min(line.find(',', start), line.size());
      std::size_t a = start, b = end;
      while (a < b && (line[a] == ' ' || line[a] == '\t')) ++a;
      while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t')) --b;
      double v = 0;
      const auto res = std::from_chars(line.data() + a, line.data() + b, v);
      if (a == b || res.ec != std::errc() || res.ptr != line.data() + b) {
        if (numeric) bad_column = a + 1, bad_cell = line.substr(a, b - a);
        numeric = false;
      } else if (!std::isfinite(v)) {
        fail_at(path, line_no, a + 1, "'" + line.substr(a, b - a) + "' is not a finite number");
      }
      row.push_back(v);
      if (end == line.size()) break;
      start = end + 1;
    }
    if (!numeric) {
      if (header_allowed) {  // a first row that is not all numbers is the header
        header_allowed = false;
        continue;
      }
      fail_at(path, line_no, bad_column, bad_cell.empty() ? "empty cell" : "'" + bad_cell + "' is not a number");
    }
    header_allowed = false;
    if (t.rows == 0) t.cols = int(row.size());
    if (int(row.size()) != t.cols)
      fail_at(path, line_no, 1,
              "row has " + std::to_string(row.size()) + " values, the first row had " + std::to_string(t.cols));
    t.values.insert(t.values.end(), row.begin(), row.end());
    ++t.rows;
  }
  if (t.rows == 0) throw error("fdgd: " + path + ": no starts (the file has no rows of numbers)");
  return t;
}

}  // namespace fdgd
