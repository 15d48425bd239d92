// CSV and .npy: results read back exactly; bad files are named with their place; nothing partial.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/resource.h>
#include <algorithm>
#include <charconv>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <thread>

#include "fdgd/io.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

namespace fs = std::filesystem;
const std::string byte_order_mark = "\xEF\xBB\xBF";  // UTF-8's, as some editors begin a file

class Io : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_temp_dir("fdgd_io_test");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write_text(const std::string& name, const std::string& text) const { std::ofstream(path(name), std::ios::binary) << text; }
  std::int64_t lines_in(const std::string& name) const {
    std::ifstream in(path(name));
    return std::count(std::istreambuf_iterator<char>(in), {}, '\n');
  }
  std::size_t files() const { return std::size_t(std::distance(fs::directory_iterator(dir_), fs::directory_iterator())); }

  static result sample() {
    options o;
    o.backend = backend_kind::cpu;
    o.steps = 7;
    return minimize("rastrigin", starts::uniform(3, -5.12, 5.12, 50, 8), o);
  }

  template <class Fn>
  void expect_error(Fn&& fn, const std::string& fragment) {
    try {
      fn();
      ADD_FAILURE() << "no error; expected one mentioning " << fragment;
    } catch (const error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }

  fs::path dir_;
};

double parse(const std::string& s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

TEST_F(Io, CsvHoldsEveryTrajectoryExactly) {
  const result r = sample();
  write_csv(path("out.csv"), r);
  std::ifstream in(path("out.csv"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "x0,x1,x2,f,grad_norm,steps,status");
  for (std::int64_t i = 0; i < r.count; ++i) {
    ASSERT_TRUE(std::getline(in, line));
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 7u);
    for (int j = 0; j < 3; ++j) EXPECT_EQ(parse(cells[std::size_t(j)]), r.x[std::size_t(i * 3 + j)]);
    EXPECT_EQ(parse(cells[3]), r.f[std::size_t(i)]);
    EXPECT_EQ(parse(cells[4]), r.grad_norm[std::size_t(i)]);
    EXPECT_EQ(cells[5], "7");
    EXPECT_EQ(cells[6], "finished");
  }
  EXPECT_FALSE(std::getline(in, line));
  EXPECT_EQ(files(), 1u);  // no temporary left beside it
  // Read as starts, it gives the final points: a run goes on from where this one ended.
  const table back = read_csv(path("out.csv"));
  EXPECT_EQ(back.cols, 3);
  EXPECT_EQ(back.rows, r.count);
  EXPECT_EQ(back.values, std::vector<double>(r.x.begin(), r.x.end()));
  write_text("cut.csv", "x0,x1,f,grad_norm,steps,status\n1,2,5,1,3,finished\n1,2,5\n");
  expect_error([&] { read_csv(path("cut.csv")); }, "cut.csv:3:1: row has 3 values, the header has 6 names");
  // A header of other names stays a table of every column, and the status words are refused there.
  write_text("renamed.csv", "x0,x1,x2,f,grad_norm,steps,state\n1,2,3,4,5,6,finished\n");
  expect_error([&] { read_csv(path("renamed.csv")); }, "renamed.csv:2:13: 'finished' is not a number");
}

TEST_F(Io, CsvHeaderColumnsWithoutANameAreRefused) {
  // pandas' to_csv writes its index as a first column of no name: it was read as a coordinate.
  write_text("pandas.csv", ",x0,x1\n0,1.0,2.0\n1,-3.0,4.0\n");
  expect_error([&] { read_csv(path("pandas.csv")); }, "pandas.csv:1:1: header column 1 has no name (an index column");
  write_text("gap.csv", "x0,,x2\n1,2,3\n");
  expect_error([&] { read_csv(path("gap.csv")); }, "gap.csv:1:4: header column 2 has no name");
}

TEST_F(Io, NpyReadsBackExactly) {
  const result r = sample();
  write_npy(path("out.npy"), r);
  const table t = read_npy(path("out.npy"));
  ASSERT_EQ(t.rows, r.count);
  ASSERT_EQ(t.cols, 4);
  for (std::int64_t i = 0; i < r.count; ++i) {
    for (int j = 0; j < 3; ++j) EXPECT_EQ(t.values[std::size_t(i * 4 + j)], r.x[std::size_t(i * 3 + j)]);
    EXPECT_EQ(t.values[std::size_t(i * 4 + 3)], r.f[std::size_t(i)]);
  }
  // The header block is padded to a multiple of 64 bytes, as the format asks.
  EXPECT_EQ((fs::file_size(path("out.npy")) - std::uintmax_t(r.count * 4 * 8)) % 64, 0u);
  // An empty result of the widest d: its shape (0, d + 1), counted past int (d + 1 overflowed).
  result wide;
  wide.resize(0, INT_MAX);
  write_npy(path("wide.npy"), wide);
  std::ifstream in(path("wide.npy"), std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("'shape': (0, 2147483648)"), std::string::npos) << text;
  EXPECT_EQ(text.size() % 64, 0u);
}

TEST_F(Io, CsvStartsWithOrWithoutHeader) {
  write_text("a.csv", "x0,x1\n-3,4\n1.5, 2e-3\r\n\n");
  const table a = read_csv(path("a.csv"));
  ASSERT_EQ(a.rows, 2);
  ASSERT_EQ(a.cols, 2);
  EXPECT_EQ(a.values, (std::vector<double>{-3, 4, 1.5, 2e-3}));
  EXPECT_EQ(a.names, (std::vector<std::string>{"x0", "x1"}));
  write_text("b.csv", "-3,4\n");
  EXPECT_EQ(read_csv(path("b.csv")).values, (std::vector<double>{-3, 4}));
  EXPECT_TRUE(read_csv(path("b.csv")).names.empty());
  // Of a result file, the names of the x columns it reads.
  write_text("result.csv", "x0,x1,f,grad_norm,steps,status\n1,2,5,0,100,finished\n");
  EXPECT_EQ(read_csv(path("result.csv")).names, (std::vector<std::string>{"x0", "x1"}));
}

TEST_F(Io, BadCsvIsNamedByLineAndColumn) {
  write_text("ragged.csv", "x0,x1\n1,2\n3,4,5\n");
  expect_error([&] { read_csv(path("ragged.csv")); }, "ragged.csv:3:1: row has 3 values, the first row had 2");
  write_text("short.csv", "x0,x1,x2\n1,2\n3,4\n");  // a column lost: the header says so
  expect_error([&] { read_csv(path("short.csv")); }, "short.csv:2:1: row has 2 values, the header has 3 names");
  write_text("trailing_comma.csv", "x0,x1,\n1,2\n");  // a spreadsheet's habit: no name lost
  EXPECT_EQ(read_csv(path("trailing_comma.csv")).cols, 2);
  write_text("word.csv", "1,2\n3,abc\n");
  expect_error([&] { read_csv(path("word.csv")); }, "word.csv:2:3: 'abc' is not a number");
  write_text("nan.csv", "1,2\nnan,4\n");
  expect_error([&] { read_csv(path("nan.csv")); }, "nan.csv:2:1: 'nan' is not a finite number");
  write_text("inf.csv", "1,-inf\n");
  expect_error([&] { read_csv(path("inf.csv")); }, "inf.csv:1:3: '-inf' is not a finite number");
  write_text("empty.csv", "");
  expect_error([&] { read_csv(path("empty.csv")); }, "no starts");
  write_text("header.csv", "x0,x1\n");
  expect_error([&] { read_csv(path("header.csv")); }, "no starts");
  // Another separator makes each row one cell. Starts so written are named at once, as the rule for a
  // header says (a first cell that begins as a number is no name); a header so written is one name.
  write_text("tabs.csv", "1\t2\n");
  expect_error([&] { read_csv(path("tabs.csv")); },
               "tabs.csv:1:1: '1\\x092' is not a number (cells are separated by commas, not blanks)");
  write_text("semicolons.csv", "1;2\n3;4\n");
  expect_error([&] { read_csv(path("semicolons.csv")); },
               "semicolons.csv:1:1: '1;2' is not a number (cells are separated by commas, not semicolons)");
  write_text("named_tabs.csv", "a\tb\n");
  expect_error([&] { read_csv(path("named_tabs.csv")); }, "no starts: its only row, 'a\\x09b', has no comma and is no number");
  // With more rows, the later row's error says how the first was read.
  write_text("named_semicolons.csv", "x;y\n3;4\n");
  expect_error([&] { read_csv(path("named_semicolons.csv")); },
               "named_semicolons.csv:2:1: '3;4' is not a number (cells are separated by commas; the first row, 'x;y', was read as "
               "a header)");
  write_text("blanks.csv", "1.5e+00 2.0e+00\n");  // np.savetxt's default delimiter
  expect_error([&] { read_csv(path("blanks.csv")); },
               "blanks.csv:1:1: '1.5e+00 2.0e+00' is not a number (cells are separated by commas, not blanks)");
  write_text("comment.csv", "# from a run\n1,2\n");
  expect_error([&] { read_csv(path("comment.csv")); },
               "comment.csv:2:1: row has 2 values, the header has 1 name (no line is a comment; the first row, '# from a run', was "
               "read as a header)");
  const char npy_start[] = "\x93NUMPY\x01\x00v\x00{'descr': '<f8'}\n";  // its zero bytes too, not its closing one
  write_text("npy.csv", std::string(npy_start, sizeof npy_start - 1));
  expect_error([&] { read_csv(path("npy.csv")); }, "npy.csv: a NumPy .npy file (its first bytes say so), not a CSV");
  // As Windows' "Unicode" text: read, it was a header of NUL-strewn names over rows "'\x00' is not a number".
  const char utf16[] = "\xFF\xFEx\x00\x30\x00\n\x00\x31\x00\n\x00";
  write_text("utf16.csv", std::string(utf16, sizeof utf16 - 1));
  expect_error([&] { read_csv(path("utf16.csv")); }, "utf16.csv: UTF-16 text (its first bytes say so); save it as UTF-8 or ASCII");
  write_text("hole.csv", "1,2\n3,\n");
  expect_error([&] { read_csv(path("hole.csv")); }, "hole.csv:2:3: empty cell (the row ends in a comma)");
  write_text("trailing.csv", "x0,x1,\n1,2,\n");  // a header's trailing comma is taken, a row's is named
  expect_error([&] { read_csv(path("trailing.csv")); }, "trailing.csv:2:5: empty cell (the row ends in a comma)");
  write_text("inner.csv", "1,,2\n");
  try {
    read_csv(path("inner.csv"));
    ADD_FAILURE() << "inner.csv: no error";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("inner.csv:1:3: empty cell"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("ends in a comma"), std::string::npos) << e.what();
  }
  expect_error([&] { read_csv(path("missing.csv")); }, "cannot read " + path("missing.csv") + ": No such file or directory");
  expect_error([&] { read_npy(path("missing.npy")); }, "missing.npy: cannot read: No such file or directory");
}

TEST_F(Io, CsvFirstRowIsAHeaderOnlyWhenNoCellOfItIsANumber) {
  // A mistyped first start is an error, not a header that silently drops the start.
  write_text("typo.csv", "5x,2\n3,4\n");
  expect_error([&] { read_csv(path("typo.csv")); }, "typo.csv:1:1: '5x' is not a number");
  write_text("huge.csv", "1,1e400\n3,4\n");
  expect_error([&] { read_csv(path("huge.csv")); }, "huge.csv:1:3: '1e400' is out of double's range");
  write_text("typos.csv", "5x,2y\n3,4\n");  // every cell mistyped: still a start, named at its first cell
  expect_error([&] { read_csv(path("typos.csv")); }, "typos.csv:1:1: '5x' is not a number");
  write_text("signs.csv", "-.5x,a\n3,4\n");
  expect_error([&] { read_csv(path("signs.csv")); }, "signs.csv:1:1: '-.5x' is not a number");
  write_text("names.csv", "-x,.y,+z,x1\n3,4,5,6\n");  // names that only begin with a sign or a dot
  EXPECT_EQ(read_csv(path("names.csv")).names, (std::vector<std::string>{"-x", ".y", "+z", "x1"}));
  write_text("mixed.csv", "x0,2\n3,4\n");
  expect_error([&] { read_csv(path("mixed.csv")); }, "mixed.csv:1:1: 'x0' is not a number");
  // An underflow is the nearest double, as any parser reads it.
  write_text("tiny.csv", "1e-400,4e-320\n");
  EXPECT_EQ(read_csv(path("tiny.csv")).values, (std::vector<double>{0, 4e-320}));
  // printf's "%+e" signs every number: all data, no header.
  write_text("signed.csv", "+1,+2.5e-1\n-3,+4\n");
  EXPECT_EQ(read_csv(path("signed.csv")).values, (std::vector<double>{1, 0.25, -3, 4}));
  write_text("signs.csv", "1,2\n+-3,4\n");
  expect_error([&] { read_csv(path("signs.csv")); }, "signs.csv:2:1: '+-3' is not a number");
  // Lines ended by CR alone (old Mac files) read as one line: said so.
  write_text("cr.csv", "1,2\r3,4\r");
  expect_error([&] { read_csv(path("cr.csv")); },
               "is not a number (the file's lines end in a lone CR, as old Mac files' do: end them in \\n)");
  write_text("cr_header.csv", "x0,x1\r1,2\r3,4\r");  // the header, a row with a number in it, is not one
  expect_error([&] { read_csv(path("cr_header.csv")); },
               "cr_header.csv:1:1: 'x0' is not a number (the file's lines end in a lone CR");
  // A byte-order mark (as some editors write) is not part of the first cell.
  write_text("bom.csv", byte_order_mark + "1,2\n3,4\n");
  EXPECT_EQ(read_csv(path("bom.csv")).values, (std::vector<double>{1, 2, 3, 4}));
  write_text("bom_header.csv", byte_order_mark + "x0,x1\n3,4\n");
  EXPECT_EQ(read_csv(path("bom_header.csv")).values, (std::vector<double>{3, 4}));
}

TEST_F(Io, CsvQuotedCellsReadAsTheirText) {
  // pandas' to_csv(quoting=QUOTE_ALL): every cell quoted, numbers too; the first row is still the header.
  write_text("all.csv", "\"x0\",\"x1\"\n\"-3\", \"4\"\n\"1.5\",2e-3\n");
  const table t = read_csv(path("all.csv"));
  ASSERT_EQ(t.rows, 2);
  EXPECT_EQ(t.values, (std::vector<double>{-3, 4, 1.5, 2e-3}));
  // A comma and a doubled quote inside a name; an fdgd result's header quoted still gives its x alone.
  write_text("names.csv", "\"a, b\",\"say \"\"c\"\"\"\n1,2\n");
  EXPECT_EQ(read_csv(path("names.csv")).values, (std::vector<double>{1, 2}));
  write_text("result.csv", "\"x0\",\"f\",\"grad_norm\",\"steps\",\"status\"\n0.5,0.25,1,100,\"finished\"\n");
  EXPECT_EQ(read_csv(path("result.csv")).values, (std::vector<double>{0.5}));
  write_text("word.csv", "1,2\n3,\"a,b\"\n");
  expect_error([&] { read_csv(path("word.csv")); }, "word.csv:2:3: 'a,b' is not a number");
  write_text("open.csv", "1,2\n3,\"4\n\"\n");
  expect_error([&] { read_csv(path("open.csv")); }, "open.csv:2:3: quoted cell with no closing quote");
  write_text("after.csv", "1,2\n3,\"4\"5\n");
  expect_error([&] { read_csv(path("after.csv")); }, "after.csv:2:6: text after a quoted cell's closing quote");
  write_text("empty.csv", "1,2\n3,\"\"\n");
  expect_error([&] { read_csv(path("empty.csv")); }, "empty.csv:2:3: empty cell");
  // Blanks inside the quotes go as they do around an unquoted cell; a cell of blanks alone is empty.
  write_text("blanks.csv", "\" x0\",\"x1\t\"\n\" 1.5 \",\"\t-2\"\n");
  EXPECT_EQ(read_csv(path("blanks.csv")).values, (std::vector<double>{1.5, -2}));
  write_text("blank.csv", "1,2\n3,\"  \"\n");
  expect_error([&] { read_csv(path("blank.csv")); }, "blank.csv:2:3: empty cell");
}

TEST_F(Io, CsvMessagesShowAShortPrintableCell) {
  write_text("long.csv", "1,2\n3," + std::string(100000, 'a') + "\n");
  try {
    read_csv(path("long.csv"));
    ADD_FAILURE() << "no error";
  } catch (const error& e) {
    const std::string what = e.what();
    EXPECT_LT(what.size(), 200u) << what.substr(0, 300);
    EXPECT_NE(what.find("long.csv:2:3: 'aaaa"), std::string::npos) << what.substr(0, 300);
    EXPECT_NE(what.find("(100000 characters)"), std::string::npos) << what.substr(0, 300);
  }
  write_text("archive.npz", std::string("PK\x03\x04\x14\x00\x00\x00", 8));  // numpy.savez's zip
  expect_error([&] { read_csv(path("archive.npz")); }, "archive.npz: a zip archive (its first bytes say so");
  write_text("comment.csv", "1,2\n# later\n3,4\n");  // not "separated by commas, not blanks"
  expect_error([&] { read_csv(path("comment.csv")); }, "comment.csv:2:1: '# later' is not a number (no line is a comment)");
  write_text("control.csv", "1,2\n3,\x01z\n");
  expect_error([&] { read_csv(path("control.csv")); }, "control.csv:2:3: '\\x01z' is not a number");
  fs::create_directories(path("folder.csv"));
  expect_error([&] { read_csv(path("folder.csv")); }, "folder.csv: it is a directory");
  expect_error([] { read_csv("/dev/zero"); }, "/dev/zero: it is a device or socket, not a file");  // would read forever
  expect_error([] { read_npy("/dev/zero"); }, "/dev/zero: it is a device or socket, not a file");
}

TEST_F(Io, BadNpyIsNamed) {
  auto npy = [&](const std::string& name, const std::string& dict, std::size_t body_bytes) {
    std::string header = dict;
    header.append((10 + header.size() + 1 + 63) / 64 * 64 - 10 - header.size() - 1, ' ');
    header += '\n';
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
    bytes += char(header.size() & 0xff);
    bytes += char(header.size() >> 8);
    write_text(name, bytes + header + std::string(body_bytes, '\0'));
  };
  npy("good.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24);
  const table t = read_npy(path("good.npy"));
  EXPECT_EQ(t.rows, 2);
  EXPECT_EQ(t.cols, 3);
  npy("int.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }", 48);
  expect_error([&] { read_npy(path("int.npy")); }, "dtype '<i8' is not '<f8' or '<f4' (little-endian float64 or float32");
  npy("rank3.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }", 192);
  expect_error([&] { read_npy(path("rank3.npy")); }, "3 dimensions");
  npy("fortran.npy", "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", 48);
  expect_error([&] { read_npy(path("fortran.npy")); }, "Fortran order");
  npy("short.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 40);
  expect_error([&] { read_npy(path("short.npy")); }, "truncated data");
  // More bytes than the shape's values: not this array's header (they were ignored).
  npy("long.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 56);
  expect_error([&] { read_npy(path("long.npy")); }, "data beyond the 6 values the header's shape promises");
  write_text("magic.npy", std::string("\x93NUMPY", 6));
  expect_error([&] { read_npy(path("magic.npy")); }, "magic.npy: truncated header");
  write_text("cut.npy", std::string("\x93NU", 3));
  expect_error([&] { read_npy(path("cut.npy")); }, "shorter than its magic string");
  write_text("seven.npy", "hello!!");
  expect_error([&] { read_npy(path("seven.npy")); }, "not a .npy file (bad magic)");
  // The shape is read strictly and checked against the file's size before anything is allocated.
  const std::pair<std::string, std::string> shapes[] = {
      {"(-1, 2)", "bad shape '-1, 2'"},
      {"(2x, 2)", "bad shape '2x, 2'"},
      {"(, 2)", "bad shape"},
      {"(99999999999999999999, 2)", "bad shape"},
      {"(4611686018427387904, 2147483647)", "truncated data"},  // rows x cols overflows 64 bits
      {"(1000000000000, 2)", "truncated data: the header promises 1000000000000 x 2 values and the file holds 6"},
      {"(5,)", "1 dimension;"},
      {"(2, 3]", "'shape' is '(2, 3]', not a tuple"},
      {"[2, 3)", "'shape' is '[2, 3)', not a tuple"},
  };
  for (const auto& [shape, message] : shapes) {
    npy("shape.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }", 48);
    expect_error([&] { read_npy(path("shape.npy")); }, message);
  }
  // The header is the dictionary numpy writes, read strictly: numpy reads it as a Python literal
  // (a repeated key: the last one), so a looser reading could take another array from the same bytes.
  const std::pair<std::string, std::string> headers[] = {
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}", ""},  // no trailing comma: fine
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } junk", "text after the closing '}'"},
      {"'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)", "not a dictionary"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", "unknown key 'extra'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'shape': (1, 3)}", "key 'shape' given twice"},
      {"{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", "key 'descr' given twice"},
      {"{'descr': '<f8', 'shape': (2, 3)}", "header has no 'fortran_order'"},
      {"{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2, 3)}", "'fortran_order' is 'Maybe'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': 6}", "'shape' is '6', not a tuple"},
      {"{'descr': '<f8' 'fortran_order': False, 'shape': (2, 3)}", "no ',' after the value of 'descr'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)", "no closing '}'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3", "unterminated value of 'shape'"},
      // A structured dtype, as numpy writes one: named as a dtype that is not float64 or float32.
      {"{'descr': [('a', '<f8'), ('b', '<f8')], 'fortran_order': False, 'shape': (2, 3), }",
       "dtype '[('a', '<f8'), ('b', '<f8')]' is not '<f8' or '<f4'"},
      // Header text in a message is escaped: a control byte would break its one line.
      {"{'descr': '<f\n8', 'fortran_order': False, 'shape': (2, 3)}", "dtype '<f\\x0a8' is not"},
      {"{'descr': '<f8', 'fortran_order': \rFalse, 'shape': (2, 3)}", "'fortran_order' is '\\x0dFalse', not"},
      {"{'descr': '<f8', 'fortran_order': False, 'sh\rape': (2, 3)}", "unknown key 'sh\\x0dape'"},
  };
  for (const auto& [dict, message] : headers) {
    npy("header.npy", dict, 48);
    if (message.empty()) {
      EXPECT_EQ(read_npy(path("header.npy")).rows, 2) << dict;
    } else {
      expect_error([&] { read_npy(path("header.npy")); }, message);
    }
  }
  // A header far longer than a 2-D array's is refused by its length, not read whole (3 GB was).
  // (version 2.0: a 4-byte length; the file holds all it promises).
  const std::uint32_t long_header = (1u << 20) + 64;
  std::string v2 = std::string("\x93NUMPY\x02\x00", 8);
  for (int k = 0; k < 4; ++k) v2 += char((long_header >> (8 * k)) & 0xff);
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
  write_text("long_header.npy", v2 + dict + std::string(long_header - dict.size() - 1, ' ') + "\n" + std::string(48, '\0'));
  expect_error([&] { read_npy(path("long_header.npy")); }, "long_header.npy: a header of 1048640 bytes, far more than");
  fs::create_directories(path("folder.npy"));
  expect_error([&] { read_npy(path("folder.npy")); }, "folder.npy: it is a directory");
  write_text("text.npy", "hello");
  expect_error([&] { read_npy(path("text.npy")); }, "not a .npy file");
}

TEST_F(Io, WholeNumbersAreWrittenInTheirDigitsAndEveryValueReadsBack) {
  // A trace's start and step columns read 100000, not 1e+05; the rest stays the shortest text.
  const std::vector<double> v{100000, -1e6, 0x1p53 - 1, 0x1p53, 1e300, 0.5, -0.0, 0, 5e-324};
  csv_writer w(path("w.csv"), {"a", "b", "c", "d", "e", "f", "g", "h", "i"});
  w.row(v.data(), int(v.size()));
  w.commit();
  std::ifstream in(path("w.csv"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}),
            "a,b,c,d,e,f,g,h,i\n100000,-1000000,9007199254740991,9007199254740992,1e+300,0.5,-0,0,5e-324\n");
  const table t = read_csv(path("w.csv"));
  ASSERT_EQ(t.values.size(), v.size());
  for (std::size_t j = 0; j < v.size(); ++j) EXPECT_EQ(bits_of(t.values[j]), bits_of(v[j])) << j;
}

TEST_F(Io, CsvWriterRefusesWhatWouldNotReadBack) {
  csv_writer w(path("w.csv"), {"a", "b"});
  w.row(std::vector<double>{1, 2}.data(), 2);
  EXPECT_THROW(w.row(std::vector<double>{1, 2, 3}.data(), 3), std::invalid_argument);
  w.commit();
  expect_error([&] { w.commit(); }, "already complete");
  expect_error([&] { w.row(std::vector<double>{1, 2}.data(), 2); }, "already complete");
  EXPECT_EQ(read_csv(path("w.csv")).values, (std::vector<double>{1, 2}));
  // Names that begin as numbers make the reader take the header for a row of starts, and refuse it.
  for (const std::string name : {"", " ", "0", " 1", "-1.5", "5x", "-1a", ".5y", "a,b", "say \"hi\"", "two\nlines"})
    EXPECT_THROW(csv_writer(path("h.csv"), {"x", name}), std::invalid_argument) << name;
  // Nor may a name change on the way back: blanks at its ends are not part of a cell, and a file's
  // byte-order mark is not part of its first name.
  for (const std::string name : {" a", "a ", "\tb"})
    EXPECT_THROW(csv_writer(path("h.csv"), {"x", name}), std::invalid_argument) << name;
  EXPECT_THROW(csv_writer(path("h.csv"), {byte_order_mark + "a", "x"}), std::invalid_argument);
  const std::vector<std::string> read_back_as_names{"x5", "a-1", "_1", "-x", "a b", byte_order_mark + "a"};
  for (const std::string& name : read_back_as_names) {
    write_csv(path("n.csv"), {"x", name}, table{1, 2, {1, 2}});
    EXPECT_EQ(read_csv(path("n.csv")).names, (std::vector<std::string>{"x", name}));
  }
  fs::remove(path("n.csv"));
  expect_invalid([&] { csv_writer(path("h.csv"), {}); }, {"a CSV header of no names"});
  EXPECT_THROW(write_csv(path("t.csv"), {"a", "b"}, table{2, 2, {1, 2}}), std::invalid_argument);
  // rows x cols wraps round to 4 in 64 bits: it was taken as 4 values, and the rows read past them.
  expect_invalid(
      [&] {
        write_csv(path("t.csv"), {"a", "b", "c", "d"}, table{(std::int64_t(1) << 62) + 1, 4, {1, 2, 3, 4}});
      },
      {"table of 4611686018427387905 x 4 holds 4 values"});
  expect_invalid(
      [&] {
        write_csv(path("t.csv"), {"a", "b", "c"}, table{0, 2, {}});
      },
      {"a header of 3 names for a table of 2 columns"});
  EXPECT_EQ(files(), 1u) << "only w.csv";
}

TEST_F(Io, NpyStartsFromAPipeAreRead) {
  // A pipe has no size to check the header against before reading, as process substitution gives.
  write_npy(path("a.npy"), sample());
  const std::string fifo = path("p.npy");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ifstream in(path("a.npy"), std::ios::binary);
    std::ofstream(fifo, std::ios::binary) << in.rdbuf();
  });
  table t;
  try {
    t = read_npy(fifo);
  } catch (...) {
    std::ifstream unblock(fifo);  // the writer waits for a reader
    writer.join();
    throw;
  }
  writer.join();
  EXPECT_EQ(t.values, read_npy(path("a.npy")).values);
}

void programs_own_handler(int) {}

TEST(IoSignals, AProgramsOwnHandlerAndAnIgnoredSignalStayAsTheyWere) {
  struct sigaction own {
  }, ignored{}, before_usr1{}, before_pipe{}, after{};
  ::sigaction(SIGUSR1, nullptr, &before_usr1);
  ::sigaction(SIGPIPE, nullptr, &before_pipe);
  own.sa_handler = programs_own_handler;
  sigemptyset(&own.sa_mask);
  ignored.sa_handler = SIG_IGN;
  sigemptyset(&ignored.sa_mask);
  ::sigaction(SIGUSR1, &own, nullptr);
  ::sigaction(SIGPIPE, &ignored, nullptr);
  remove_unfinished_files_on_signals();
  ::sigaction(SIGUSR1, nullptr, &after);
  EXPECT_EQ(after.sa_handler, &programs_own_handler) << "a log-rotation handler must not become 'remove files and die'";
  ::sigaction(SIGPIPE, nullptr, &after);
  EXPECT_EQ(after.sa_handler, SIG_IGN);
  ::sigaction(SIGUSR1, &before_usr1, nullptr);
  ::sigaction(SIGPIPE, &before_pipe, nullptr);
}

TEST(IoSignals, ASignalRemovesEveryUnfinishedFileAndNoFinishedOne) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // the child runs this binary afresh
  // A folder both processes name alike: the child inherits the parent's environment, not its id.
  if (!std::getenv("FDGD_IO_SIGNAL_TEST_DIR")) ::setenv("FDGD_IO_SIGNAL_TEST_DIR", test_temp_dir("fdgd_io_signal_test").c_str(), 1);
  const fs::path dir = std::getenv("FDGD_IO_SIGNAL_TEST_DIR");
  const auto in_dir = [&](const char* name) { return (dir / name).string(); };
  const double one = 1;
  // Those a user sends (SIGQUIT: Ctrl-\), those of `ulimit -t` and `ulimit -f`, and the others whose
  // default ends a process (`timeout -s ALRM`, a reader gone).
  for (const int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGXCPU, SIGXFSZ, SIGPIPE, SIGALRM, SIGVTALRM, SIGUSR1, SIGUSR2}) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    EXPECT_EXIT(
        {
          rlimit no_core = {};
          setrlimit(RLIMIT_CORE, &no_core);  // SIGQUIT, SIGXCPU and SIGXFSZ would dump one
          std::signal(sig, SIG_DFL);         // as a program starts, whatever the test runner ignores
          remove_unfinished_files_on_signals();
          csv_writer a(in_dir("a.csv"), {"x"});
          csv_writer b(in_dir("b.csv"), {"x"});
          b.row(&one, 1);
          b.commit();  // finished while a is still being written: a must stay known to the handler
          csv_writer c(in_dir("c.csv"), {"x"});
          std::vector<std::unique_ptr<csv_writer>> more;  // beyond the 8 slots there were: no count is too many
          for (int k = 0; k < 20; ++k)
            more.push_back(
                std::make_unique<csv_writer>(in_dir(("more" + std::to_string(k) + ".csv").c_str()), std::vector<std::string>{"x"}));
          std::raise(sig);
        },
        testing::KilledBySignal(sig), "");
    EXPECT_TRUE(fs::exists(in_dir("b.csv"))) << strsignal(sig);
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1)
        << strsignal(sig) << ": a.csv's, c.csv's and the 20 others' temporary files are gone";
  }
  fs::remove_all(dir);
}

TEST_F(Io, AFailedWriteLeavesNothing) {
  const result r = sample();
  expect_error([&] { write_csv(path("no/such/dir/out.csv"), r); }, "cannot write");
  expect_error([&] { write_npy(path("no/such/dir/out.npy"), r); }, "cannot write");
  EXPECT_EQ(files(), 0u);
}

TEST_F(Io, WritingThroughALinkReplacesItsTargetAndKeepsTheLink) {
  const result r = sample();
  fs::create_directory(path("real"));
  write_text("real/out.csv", "old\n");
  fs::create_symlink("real/out.csv", path("link.csv"));
  write_csv(path("link.csv"), r);
  EXPECT_TRUE(fs::is_symlink(path("link.csv")));
  EXPECT_EQ(lines_in("real/out.csv"), r.count + 1) << "the header and a row a trajectory";
  EXPECT_EQ(std::distance(fs::directory_iterator(path("real")), fs::directory_iterator()), 1) << "no temporary file left";
}

TEST_F(Io, AReplacedFileKeepsItsPermissionsAndAReadOnlyOneIsWrittenOnlyWhereShellRedirectionWould) {
  const result r = sample();
  write_text("private.npy", "old");
  fs::permissions(path("private.npy"), fs::perms::owner_read | fs::perms::owner_write);
  write_npy(path("private.npy"), r);
  EXPECT_EQ(fs::status(path("private.npy")).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(read_npy(path("private.npy")).rows, r.count);

  // A read-only file is refused as `>` refuses it, to anyone but root: as root, the write runs in a
  // child that has become nobody (in a folder anyone may write), so the refusal is tested there too.
  fs::permissions(dir_, fs::perms::all);
  write_text("read_only.csv", "old\n");
  fs::permissions(path("read_only.csv"), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const pid_t child = ::fork();
  if (child == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
    try {
      write_csv(path("read_only.csv"), r);
      ::_exit(1);
    } catch (const error& e) {
      ::_exit(std::string(e.what()) == "fdgd: cannot write " + path("read_only.csv") + ": Permission denied" ? 0 : 2);
    }
  }
  int status = -1;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "0: refused as it should be; 1: written; 2: another message; 3: no setuid";
  std::ifstream in(path("read_only.csv"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "old\n");
  EXPECT_EQ(files(), 2u);
}

TEST_F(Io, ExitMidWriteLeavesNoTemporaryFileAndAForkedChildLeavesItsParents) {
  // exit() (libgomp calls it when it cannot start its threads) unwinds no stack, so no destructor
  // removes the temporary file: the process that made it does, at exit.
  const double one = 1;
  const pid_t child = ::fork();
  if (child == 0) {
    csv_writer w(path("by_exit.csv"), {"a"});
    w.row(&one, 1);
    std::exit(0);
  }
  int status = -1;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(files(), 0u) << "the temporary file stayed";
  // A child forked during its parent's write, ending by exit() or by unwinding, leaves the parent's
  // temporary file be, and adds nothing to it (exit() flushed the stdio buffer it had copied: rows twice).
  csv_writer w(path("parent.csv"), {"a"});
  for (int k = 0; k < 20000; ++k) w.row(&one, 1);  // past a buffer of 64 KB
  for (const bool unwinds : {false, true}) {
    const pid_t second = ::fork();
    if (second == 0) {
      if (unwinds) w.~csv_writer();  // its destructor, in the child, as an exception there would run it
      std::exit(0);
    }
    ASSERT_EQ(::waitpid(second, &status, 0), second);
    EXPECT_EQ(files(), 1u) << "the child removed its parent's temporary file";
  }
  w.row(&one, 1);
  w.commit();
  const table t = read_csv(path("parent.csv"));
  EXPECT_EQ(t.rows, 20001);
  std::ifstream in(path("parent.csv"));
  EXPECT_EQ(std::count(std::istreambuf_iterator<char>(in), {}, '\n'), 20002) << "the header and 20001 rows, none twice";
}

TEST_F(Io, ANewFileHasTheModeTheUmaskGivesAndNoOtherFileStays) {
  // The temporary file is made with O_EXCL under a random name, as 0666 less the umask, as fopen would.
  const mode_t old = ::umask(027);
  write_csv(path("new.csv"), sample());
  write_npy(path("new.npy"), sample());
  ::umask(old);
  EXPECT_EQ(fs::status(path("new.csv")).permissions(), fs::perms(0640));
  EXPECT_EQ(fs::status(path("new.npy")).permissions(), fs::perms(0640));
  EXPECT_EQ(files(), 2u);
}

TEST_F(Io, ALinkToAnythingButARegularFileOrALoopOfLinksIsRefused) {
  const result r = sample();
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0644), 0);
  fs::create_symlink(path("fifo"), path("to_fifo.csv"));
  expect_error([&] { write_csv(path("to_fifo.csv"), r); }, "it leads to " + path("fifo") + ", not a regular file");
  EXPECT_EQ(fs::status(path("fifo")).type(), fs::file_type::fifo) << "the FIFO is still one";
  fs::create_symlink("/dev/null", path("to_null.npy"));
  expect_error([&] { write_npy(path("to_null.npy"), r); }, "it leads to /dev/null, not a regular file");
  fs::create_symlink("loop_b.csv", path("loop_a.csv"));
  fs::create_symlink("loop_a.csv", path("loop_b.csv"));
  expect_error([&] { write_csv(path("loop_a.csv"), r); }, "Too many levels of symbolic links");
  EXPECT_TRUE(fs::is_symlink(path("loop_a.csv")) && fs::is_symlink(path("loop_b.csv")));
  EXPECT_EQ(files(), 5u) << "no temporary file left";
}

}  // namespace
}  // namespace fdgd::test
