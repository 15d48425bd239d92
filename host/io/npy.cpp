#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>

#include "atomic_file.hpp"
#include "fdgd/error.hpp"
#include "fdgd/io.hpp"
#include "file_checks.hpp"

namespace fdgd {
namespace {

constexpr char magic[] = "\x93NUMPY";

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw error("fdgd: " + path + ": " + what); }

/// The inside of a shape tuple, "2, 3" or "5," or "": non-negative integers only, each below 2^63.
std::vector<std::int64_t> parse_shape(const std::string& path, const std::string& text) {
  std::vector<std::int64_t> shape;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    std::size_t a = text.find_first_not_of(" ", start), b = end;
    if (a == std::string::npos || a > end) a = end;
    while (b > a && text[b - 1] == ' ') --b;
    if (a == b && end == text.size() && !shape.empty()) break;  // "(5,)": the trailing comma of a 1-tuple
    std::int64_t v = -1;
    const auto res = std::from_chars(text.data() + a, text.data() + b, v);
    if (a == b || text[a] == '-' || res.ptr != text.data() + b || res.ec != std::errc())
      fail(path, "bad shape " + detail::quoted(text) + ": sizes must be whole numbers from 0 to 2^63-1");
    shape.push_back(v);
    start = end + 1;
  }
  return shape;
}

/// The header's dictionary, {'descr': ..., 'fortran_order': ..., 'shape': (...)}, as numpy writes it:
/// each of the three keys once and no other, values as written ('<f8', False, (3, 2)), nothing but
/// spaces and the newline after the closing brace. numpy reads the header as a Python literal; a
/// looser reading here could take a different array from the same bytes (a repeated key).
std::map<std::string, std::string> parse_header(const std::string& path, const std::string& header) {
  std::map<std::string, std::string> entries;
  std::size_t i = 0;
  const auto skip = [&] { i = std::min(header.find_first_not_of(" \t\n", i), header.size()); };
  const auto bad = [&](const std::string& what) { fail(path, "header " + detail::quoted(header) + ": " + what); };
  skip();
  if (i == header.size() || header[i] != '{') bad("not a dictionary");
  ++i;
  for (skip(); i < header.size() && header[i] != '}'; skip()) {
    if (header[i] != '\'') bad("a key is not a quoted name");
    const std::size_t key_end = header.find('\'', i + 1);
    if (key_end == std::string::npos) bad("unterminated key");
    const std::string key = header.substr(i + 1, key_end - i - 1);
    if (key != "descr" && key != "fortran_order" && key != "shape") bad("unknown key " + detail::quoted(key));
    if (entries.count(key)) bad("key " + detail::quoted(key) + " given twice");
    i = key_end + 1;
    skip();
    if (i == header.size() || header[i] != ':') bad("no ':' after '" + key + "'");
    ++i;
    skip();
    const std::size_t start = i;
    if (i < header.size() && (header[i] == '\'' || header[i] == '(' || header[i] == '[')) {
      // A string, or a tuple or list (a structured dtype's) with strings and brackets inside.
      int depth = 0;
      do {
        if (header[i] == '\'')
          i = header.find('\'', i + 1);
        else
          depth += header[i] == '(' || header[i] == '[' ? 1 : header[i] == ')' || header[i] == ']' ? -1 : 0;
        if (i == std::string::npos) bad("unterminated value of '" + key + "'");
        ++i;
      } while (depth > 0 && i < header.size());
      if (depth > 0) bad("unterminated value of '" + key + "'");
    } else {
      i = std::min(header.find_first_of(",} \t\n", i), header.size());
    }
    if (i == start) bad("no value for '" + key + "'");
    entries[key] = header.substr(start, i - start);
    skip();
    if (i < header.size() && header[i] == ',')
      ++i;
    else if (i < header.size() && header[i] != '}')
      bad("no ',' after the value of '" + key + "'");
  }
  if (i == header.size()) bad("no closing '}'");
  ++i;
  skip();
  if (i != header.size()) bad("text after the closing '}'");
  for (const char* key : {"descr", "fortran_order", "shape"})
    if (!entries.count(key)) fail(path, std::string("header has no '") + key + "'");
  return entries;
}

}  // namespace

void write_npy(const std::string& path, const result& r) {
  r.check_shape();  // before the file is made
  const std::int64_t cols = std::int64_t(r.dim) + 1;
  std::string header =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(r.count) + ", " + std::to_string(cols) + "), }";
  // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64, ending in '\n'.
  const std::size_t total = (10 + header.size() + 1 + 63) / 64 * 64;
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';
  detail::atomic_file out(path);
  const unsigned char prefix[10] = {0x93,
                                    'N',
                                    'U',
                                    'M',
                                    'P',
                                    'Y',
                                    1,
                                    0,
                                    static_cast<unsigned char>(header.size() & 0xff),
                                    static_cast<unsigned char>(header.size() >> 8)};
  out.write(prefix, sizeof prefix);
  out.write(header.data(), header.size());
  std::vector<double> row(r.count > 0 ? static_cast<std::size_t>(cols) : 0);  // an empty result of any width has no row
  for (std::int64_t i = 0; i < r.count; ++i) {
    const auto k = std::size_t(i);
    std::memcpy(row.data(), r.x.data() + k * std::size_t(r.dim), std::size_t(r.dim) * sizeof(double));
    row[std::size_t(r.dim)] = r.f[k];
    out.write(row.data(), row.size() * sizeof(double));  // x86-64 and ARM64 are little-endian
  }
  out.commit();
}

namespace {

/// What a .npy's header says, checked: its shape, the bytes an item takes, and whether the stream is a
/// regular file's (whose size bounded the header's promise).
struct npy_layout {
  std::int64_t rows = 0;
  int cols = 0;
  std::size_t item = 0;
  bool sized = false;
};

/// Opens `in` on path and reads and checks the header, leaving `in` at the data.
npy_layout open_npy(const std::string& path, std::ifstream& in) {
  detail::check_readable_file(path);
  // A regular file's size bounds what its header may promise; a pipe's is known only by reading it.
  std::error_code size_error;
  const bool sized = std::filesystem::is_regular_file(path, size_error);
  const std::uintmax_t file_bytes = sized ? std::filesystem::file_size(path, size_error) : 0;
  errno = 0;
  in.open(path, std::ios::binary);
  if (!in || size_error) fail(path, "cannot read: " + (size_error ? size_error.message() : detail::open_failure()));
  char pre[8];
  in.read(pre, 8);
  const auto got = std::size_t(in.gcount());
  if (std::memcmp(pre, magic, std::min<std::size_t>(got, 6)) != 0) fail(path, "not a .npy file (bad magic)");
  if (got < 6) fail(path, "not a .npy file (shorter than its magic string)");
  if (got < 8) fail(path, "truncated header");
  const int major = static_cast<unsigned char>(pre[6]);
  std::uint32_t header_len = 0;
  unsigned char len[4] = {0, 0, 0, 0};
  if (major == 1) {
    if (!in.read(reinterpret_cast<char*>(len), 2)) fail(path, "truncated header");
    header_len = len[0] | (len[1] << 8);
  } else if (major == 2 || major == 3) {
    if (!in.read(reinterpret_cast<char*>(len), 4)) fail(path, "truncated header");
    header_len = len[0] | (len[1] << 8) | (len[2] << 16) | (std::uint32_t(len[3]) << 24);
  } else {
    fail(path, "unsupported .npy version " + std::to_string(major));
  }
  if (sized && header_len > file_bytes) fail(path, "truncated header");
  // A 2-D array's is about 100 bytes (numpy.load reads at most 10000): a longer one is not read whole.
  if (header_len > (1u << 20))
    fail(path, "a header of " + std::to_string(header_len) + " bytes, far more than a 2-D array's (about 100)");
  std::string header(header_len, '\0');
  if (!in.read(header.data(), header_len)) fail(path, "truncated header");

  const std::map<std::string, std::string> entries = parse_header(path, header);
  const std::string& descr = entries.at("descr");
  std::size_t item = 0;
  if (descr == "'<f8'")
    item = 8;
  else if (descr == "'<f4'")
    item = 4;
  else
    fail(path,
         "dtype " +
             detail::quoted(descr.size() >= 2 && descr.front() == '\'' && descr.back() == '\'' ? descr.substr(1, descr.size() - 2)
                                                                                               : descr) +
             " is not '<f8' or '<f4' (little-endian float64 or float32, as numpy.save writes them)");
  const std::string& order = entries.at("fortran_order");
  if (order == "True") fail(path, "array is in Fortran order; save it in C order (numpy.ascontiguousarray)");
  if (order != "False") fail(path, "'fortran_order' is " + detail::quoted(order) + ", not True or False");
  const std::string& shape_text = entries.at("shape");
  if (shape_text.size() < 2 || shape_text.front() != '(' || shape_text.back() != ')')
    fail(path, "'shape' is " + detail::quoted(shape_text) + ", not a tuple");
  const std::vector<std::int64_t> shape = parse_shape(path, shape_text.substr(1, shape_text.size() - 2));
  if (shape.size() != 2)
    fail(path, "array has " + std::to_string(shape.size()) + (shape.size() == 1 ? " dimension" : " dimensions") +
                   "; starts need 2 (N, d)");
  if (shape[0] < 1 || shape[1] < 1)
    fail(path, "array is empty: shape (" + std::to_string(shape[0]) + ", " + std::to_string(shape[1]) + ")");
  if (shape[1] > std::numeric_limits<int>::max()) fail(path, "shape has " + std::to_string(shape[1]) + " columns, too many");

  // The header's promise is checked against the bytes really there before anything is allocated for it.
  const std::uintmax_t values = std::uintmax_t(shape[0]) * std::uintmax_t(shape[1]);
  const bool overflows = values / std::uintmax_t(shape[0]) != std::uintmax_t(shape[1]) || values > SIZE_MAX / item;
  const std::uintmax_t data_bytes = sized ? file_bytes - std::uintmax_t(in.tellg()) : 0;
  if (overflows || (sized && values > data_bytes / item))
    fail(path, "truncated data: the header promises " + std::to_string(shape[0]) + " x " + std::to_string(shape[1]) +
                   " values and the file holds " + (sized ? std::to_string(data_bytes / item) : std::string("fewer")));
  return {shape[0], int(shape[1]), item, sized};
}

}  // namespace

table read_npy(const std::string& path, const std::function<void(std::int64_t rows, int cols)>& before_values) {
  std::ifstream in;
  const npy_layout l = open_npy(path, in);
  if (before_values) before_values(l.rows, l.cols);
  table t;
  t.rows = l.rows;
  t.cols = l.cols;
  const std::size_t count = std::size_t(l.rows) * std::size_t(l.cols), item = l.item;
  // The values are read in pieces, so that a pipe whose header promises more than it holds fails before
  // memory does: float64 straight into place, float32 through a piece's buffer. A file holds them all
  // (checked): one allocation.
  if (l.sized) t.values.reserve(count);
  std::vector<float> floats;
  for (std::size_t done = 0; done < count;) {
    const std::size_t n = std::min<std::size_t>(count - done, (std::size_t(1) << 26) / item);
    t.values.resize(done + n);
    if (item == 4) floats.resize(n);
    char* into = item == 8 ? reinterpret_cast<char*>(t.values.data() + done) : reinterpret_cast<char*>(floats.data());
    if (!in.read(into, std::streamsize(n * item)))  // x86-64 and ARM64 are little-endian, as the file
      fail(path, "truncated data: the header promises " + std::to_string(count) + " values");
    if (item == 4) std::copy(floats.begin(), floats.end(), t.values.begin() + std::ptrdiff_t(done));
    done += n;
  }
  // numpy reads exactly the values the header promises; bytes beyond them mean the header is not
  // the array's (a shape edited or cut short), so nothing is guessed.
  if (in.peek() != std::char_traits<char>::eof())
    fail(path, "data beyond the " + std::to_string(count) + " values the header's shape promises");
  return t;
}

}  // namespace fdgd
