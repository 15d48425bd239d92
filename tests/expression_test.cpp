// Expressions: the grammar, its errors (message and column), printing that parses back to the same
// tree, the interpreter on one value and on lanes, and every built-in's formula against the built-in.

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <tuple>

#include "fdgd/expression_program.hpp"
#include "fdgd/point.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

/// f at x through parse, bind (d = x.size()), compile and the scalar interpreter.
double eval(const std::string& text, std::vector<double> x) {
  const int d = int(x.size());
  const expr::program p = expr::compile(expr::bind(expr::parse(text), d), d);
  const expr::program_objective f{p.code.data(), int(p.code.size())};
  return f(strided_point<double>{x.data(), 1, d});
}

TEST(Expression, PrecedenceAndAssociativity) {
  EXPECT_EQ(eval("-x0^2", {3}), -9.0) << "^ binds tighter than unary minus";
  EXPECT_EQ(eval("2^3^2", {0}), 512.0) << "^ is right-associative";
  EXPECT_EQ(eval("2^-1", {0}), 0.5);
  EXPECT_EQ(eval("1 - 2 - 3", {0}), -4.0);
  EXPECT_EQ(eval("8 / 4 / 2", {0}), 1.0);
  EXPECT_EQ(eval("1 + 2 * 3", {0}), 7.0);
  EXPECT_EQ(eval("(1 + 2) * 3", {0}), 9.0);
  EXPECT_EQ(eval("--x0", {2}), 2.0);
  EXPECT_EQ(eval("x[1] + x1 + x[d-1]", {0, 5}), 15.0);
  EXPECT_EQ(eval("1.5e1 + .5 + 2E-1", {0}), 15.7);
  EXPECT_EQ(eval("d", {0, 0, 0}), 3.0);
  EXPECT_EQ(eval("pi", {0}), 3.141592653589793);
  EXPECT_EQ(eval("e", {0}), 2.718281828459045);
}

TEST(Expression, FunctionsAndReductions) {
  EXPECT_EQ(eval("min(3, x0, 2)", {1}), 1.0);
  EXPECT_EQ(eval("max(3, x0)", {4}), 4.0);
  // min and max as C's fmin and fmax, with -0 below +0 (which C leaves open), in either order.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const char* text : {"min(-x0, x0)", "min(x0, -x0)", "-max(-x0, x0)", "-max(x0, -x0)"})
    EXPECT_EQ(bits_of(eval(text, {0.0})), bits_of(-0.0)) << text;
  for (const char* text : {"min(x0, x0)", "max(x0, x0)"}) {
    EXPECT_EQ(bits_of(eval(text, {0.0})), bits_of(0.0)) << text;
    EXPECT_EQ(bits_of(eval(text, {-0.0})), bits_of(-0.0)) << text;
    EXPECT_EQ(eval(text, {2.5}), 2.5) << text;
  }
  EXPECT_EQ(eval("min(x0, 3) + max(x0, 4) + min(2, x0)", {nan}), 9.0) << "a NaN passes over";
  EXPECT_TRUE(std::isnan(eval("min(x0, x0) + max(x0, x0)", {nan})));
  EXPECT_EQ(eval("min(-2, x0) + max(5, x0)", {-1e300}), -1e300 + 5);
  EXPECT_EQ(eval("atan2(1, 1)", {0}), std::atan2(1.0, 1.0));
  EXPECT_EQ(eval("pow(x0, 0.5)", {2}), std::pow(2.0, 0.5));
  // Powers 2, 3 and 4 written as a number (or a sum of one such term) are products, any other is pow
  // (docs/cli.md): at this x, x*x*x and pow(x, 3) differ in the last bit.
  const double x3 = 1.134364244112401;
  ASSERT_NE(x3 * x3 * x3, std::pow(x3, 3.0));
  for (const char* text : {"x0^3", "x0^sum(i=0..0, 3)", "x0^prod(i=7..7, 3)"}) EXPECT_EQ(eval(text, {x3}), x3 * x3 * x3) << text;
  for (const char* text : {"x0^(1+2)", "x0^(d+2)", "pow(x0, 3)", "x0^sum(i=0..0, 1+2)", "x0^sum(i=0..1, 1.5)"})
    EXPECT_EQ(eval(text, {x3}), std::pow(x3, 3.0)) << text;
  EXPECT_EQ(eval("abs(x0) + floor(x0) + ceil(x0)", {-1.5}), 1.5 - 2 - 1);
  EXPECT_EQ(eval("log2(8) + log10(1000) + cbrt(27)", {0}), 3.0 + 3.0 + 3.0);
  EXPECT_EQ(eval("sum(i=0..d-1, x[i])", {1, 2, 3}), 6.0);
  EXPECT_EQ(eval("prod(i=0..d-1, x[i])", {1, 2, 3}), 6.0);
  EXPECT_EQ(eval("sum(i=1..0, x[i])", {1, 2}), 0.0) << "an empty sum is 0";
  EXPECT_EQ(eval("prod(i=1..0, x[i])", {1, 2}), 1.0) << "an empty product is 1";
  EXPECT_EQ(eval("sum(i=0..d-1, sum(j=i..d-1, x[i]*x[j]))", {1, 2}), 1 * 1 + 1 * 2 + 2 * 2.0);
  EXPECT_EQ(eval("sum(i=0..d-1, i*x[i])", {5, 7}), 7.0) << "a bound name is a number in the body";
  EXPECT_EQ(eval("sum(k=0..floor(d/2)-1, x[2*k])", {1, 10, 100, 1000}), 101.0);
  // In an index, min and max pass over a NaN as they do in f (they were std::min's, order-dependent).
  for (const char* index : {"x[min(0/0, 1)]", "x[min(1, 0/0)]", "x[max(0/0, 1)]", "x[max(1, 0/0)]"})
    EXPECT_EQ(eval(index, {5, 7}), 7.0) << index;
}

struct bad_case {
  const char* text;
  int dim;  // for bind; 0: parse only
  const char* message;
  int column;
};

TEST(Expression, MistakesNameTheirColumn) {
  const bad_case cases[] = {
      {"", 0, "empty expression", 1},
      {"   ", 0, "empty expression", 1},
      {"sn(x0)", 0, "unknown function 'sn' (did you mean 'sin'?)", 1},
      {"x0 + coss(x1)", 0, "unknown function 'coss' (did you mean 'cos'?)", 6},
      {"ln(x0)", 0, "unknown function 'ln' (did you mean 'log'?)", 1},
      {"x1 * arctan(x0)", 0, "unknown function 'arctan' (did you mean 'atan'?)", 6},
      {"x0 + y", 0, "unknown name 'y'", 6},
      {"x0 + x01", 0, "coordinate x01 has a leading zero (write x1)", 6},
      {"x00", 0, "coordinate x00 has a leading zero (write x0)", 1},
      {"x0 * dd", 0, "unknown name 'dd' (did you mean 'd'?)", 6},
      {"x + 1", 0, "unknown name 'x' (did you mean 'x0', or 'x[i]'?)", 1},
      {"sum(I=0..1, x[i])", 0, "unknown name 'i' (did you mean 'I'?)", 15},  // the bound name, as near as 'd'
      {"atan2(x0)", 0, "atan2 takes 2 arguments, not 1", 1},
      {"sin(x0, x1)", 0, "sin takes 1 argument, not 2", 1},
      {"sin()", 0, "sin takes 1 argument, not 0", 1},
      {"max( )", 0, "max takes 2 or more arguments, not 0", 1},
      {"min(x0)", 0, "min takes 2 or more arguments, not 1", 1},
      {"max(x0, )", 0, "expected an argument of max after ','", 9},
      {"atan2(x0,", 0, "expected an argument of atan2 after ','", 10},
      {"(x0 + 1", 0, "expected ')' to close the '(' at column 1 but the expression ends", 8},
      {"x0 + 1)", 0, "unbalanced ')'", 7},
      // A ')' where an operand belongs: not unbalanced, something is missing before it.
      {"()", 0, "expected a number, name or '(' before ')'", 2},
      {"x0 + (x1 + )", 0, "expected a number, name or '(' before ')'", 12},
      // A bound name is not in scope in its own bounds: not an unknown name 'i' near 'd'.
      {"sum(i=0..i, x0)", 0, "'i' is bound in the body of its sum or product, not in its bounds", 10},
      {"sum(j=0..1, prod(i=j..i+1, x0))", 0, "'i' is bound in the body of its sum or product, not in its bounds", 23},
      {"x0 x1", 0, "unexpected 'x' after a complete expression", 4},
      // Below the least subnormal a literal would read as 0, as one above the largest double would be inf.
      {"x0 + 1e-400", 0, "number 1e-400 is out of range (below about 2.5e-324 it reads as 0)", 6},
      {"x0 +", 0, "expected a number, name or '(' but the expression ends", 5},
      {"x0 $ 1", 0, "unexpected '$' after a complete expression", 4},
      // Characters beyond ASCII by their code point, with what to write for those a pasted formula has.
      {"x0 \xc3\x97 2", 0, "unexpected U+00D7 (write '*') after a complete expression", 4},
      {"x0 \xe2\x88\x92 x1", 0, "unexpected U+2212 (write '-') after a complete expression", 4},
      {"x0\xc2\xb2", 0, "unexpected U+00B2 (write '^2') after a complete expression", 3},
      {"x0 +\xc2\xa0x1", 0, "unexpected U+00A0 (write a space)", 5},
      {"\xc3\xa9", 0, "unexpected U+00E9 (only ASCII is read)", 1},
      {"x0 + \xff", 0, "unexpected '\\xff'", 6},
      {"1e999", 0, "number 1e999 is out of range", 1},
      {"x(0) + 1", 0, "x is no function: a coordinate is x[i] or xi (x[0], x0)", 1},
      {"x[0", 0, "expected ']' to close the '[' of x at column 1 but the expression ends", 4},
      {"sum(i=0..d-1 x[i])", 0, "expected ',' before the body of sum but found 'x'", 14},
      {"sum(0..d-1, x[i])", 0, "sum needs a bound name first", 5},
      {"sum(d=0..1, x[d])", 0, "'d' is taken; choose another bound name", 5},
      {"sum(i=0..1, sum(i=0..1, x[i]))", 0, "'i' is already bound by an outer sum or product", 17},
      {"sum(i=0;1, x[i])", 0, "expected '..' between the bounds of sum", 8},
      {"x[i]", 0, "unknown name 'i'", 3},
      {"x0 + x5", 3, "x5 is out of range for d = 3 (x0..x2)", 6},
      {"sum(i=0..d, x[i])", 3, "x3 is out of range for d = 3 (x0..x2)", 13},
      {"x[0.5]", 2, "coordinate index is not an integer (it is 0.5)", 3},
      {"x[0/0]", 2, "coordinate index is not an integer (it is not a number)", 4},
      {"x[1e15] + x0", 2, "coordinate index is out of range (it is 1e+15; below 1e15 in size)", 3},
      {"prod(i=0...1, x0)", 2, "upper bound is not an integer (it is 0.1)", 11},  // in the fewest digits that read back
      {"x[x0]", 2, "an index or bound cannot depend on x or contain a sum", 3},
      {"sum(i=0..sin(d), x[i])", 2, "an index or bound may use + - * / ^ floor ceil abs min max, not sin", 10},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    try {
      const expr::node tree = expr::parse(c.text);
      if (c.dim) expr::bind(tree, c.dim);
      ADD_FAILURE() << "accepted";
    } catch (const expr::expression_error& e) {
      EXPECT_NE(e.message().find(c.message), std::string::npos) << e.message();
      EXPECT_EQ(e.column(), c.column) << e.message();
    }
  }
}

TEST(Expression, LongTextIsQuotedCut) {
  // A 400-digit number out of range is quoted by its first 40 characters and its length, not whole.
  try {
    expr::parse("2" + std::string(399, '0'));
    ADD_FAILURE() << "accepted";
  } catch (const expr::expression_error& e) {
    EXPECT_EQ(e.message(), "number 2" + std::string(39, '0') + "... (400 characters) is out of range");
  }
}

TEST(Expression, LengthAndNestingAreBounded) {
  EXPECT_THROW(expr::parse(std::string(expr::max_length + 1, '1')), expr::expression_error);
  EXPECT_THROW(expr::parse(std::string(200, '(') + "1" + std::string(200, ')')), expr::expression_error);
  EXPECT_THROW(expr::parse(std::string(200, '-') + "1"), expr::expression_error);
  EXPECT_NO_THROW(expr::parse(std::string(20, '(') + "1" + std::string(20, ')')));
  // The limits exactly, as the message and README state them.
  const auto nested = [](const std::string& open, int n, const std::string& inner, const std::string& close) {
    std::string t = inner;
    for (int k = 0; k < n; ++k) t = open + t + close;
    return t;
  };
  const std::string too_deep =
      "expression nests too deep: at most 64 levels, a parenthesis or call taking two and a sign or ^ one (31 parentheses "
      "or calls inside one another, or 62 signs or ^ in a row)";
  for (const auto& [open, close] : {std::pair<std::string, std::string>{"(", ")"}, {"sin(", ")"}, {"-", ""}}) {
    const int most = open == "-" ? 62 : 31;
    EXPECT_NO_THROW(expr::parse(nested(open, most, "x0", close))) << open;
    try {
      expr::parse(nested(open, most + 1, "x0", close));
      ADD_FAILURE() << open << " x " << most + 1;
    } catch (const expr::expression_error& e) {
      EXPECT_NE(std::string(e.what()).find(too_deep), std::string::npos) << e.what();
    }
  }
  // A tree built by hand is checked before bind() walks it: no crash on missing kids, unknown names or depth.
  const auto refused = [](const expr::node& tree, const std::string& why) {
    try {
      expr::bind(tree, 2);
      ADD_FAILURE() << why;
    } catch (const expr::expression_error& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  refused(expr::node{expr::node_kind::coordinate, 1, 0, {}, {}},
          "not a parsed expression tree: a coordinate node with 0 kids, not 1");
  refused(expr::node{expr::node_kind::constant, 1, 0, "tau", {}}, "unknown constant 'tau'");
  refused(expr::node{expr::node_kind::call, 1, 0, "system", {expr::node{}}}, "unknown function 'system'");
  refused(expr::node{expr::node_kind::bound, 1, 0, "i", {}}, "'i' is not the name of a sum or product around it");
  refused(expr::node{expr::node_kind::number, 1, std::nan(""), {}, {}}, "a number node holding not a number");
  refused(expr::node{expr::node_kind::number, 1, -HUGE_VAL, {}, {}}, "a number node holding -inf");
  const expr::node one{expr::node_kind::number, 1, 1, {}, {}};
  refused(expr::node{expr::node_kind::sum, 1, 0, "a b", {one, one, one}}, "a sum or product bound to 'a b'");
  refused(expr::node{expr::node_kind::sum, 1, 0, "1i", {one, one, one}}, "a sum or product bound to '1i'");
  expr::node deep;
  for (std::size_t k = 0; k < expr::max_length; ++k) deep = expr::node{expr::node_kind::negate, 1, 0, {}, {std::move(deep)}};
  refused(deep, "nested deeper than 10000 nodes");
  // The walks that take any tree use a stack of their own: 2e5 levels overflowed implied_dim's recursion.
  expr::node deeper{expr::node_kind::coordinate, 1, 0, {}, {expr::node{expr::node_kind::number, 1, 4, {}, {}}}};
  for (int k = 0; k < 200000; ++k) {  // (a braced list of kids would copy the chain every level)
    expr::node around{expr::node_kind::negate, 1, 0, {}, {}};
    around.kids.push_back(std::move(deeper));
    deeper = std::move(around);
  }
  EXPECT_EQ(expr::implied_dim(deeper), 5);
  EXPECT_FALSE(expr::needs_outside_dim(deeper));
  EXPECT_FALSE(expr::has_sum_or_product(deeper));
  // print() checks as bind() does (it read kids that were not there), and takes what bind() makes.
  EXPECT_THROW(expr::print(expr::node{expr::node_kind::add, 1, 0, {}, {}}), expr::expression_error);
  EXPECT_THROW(expr::print(deep), expr::expression_error);
  EXPECT_EQ(expr::print(expr::bind(expr::parse("sum(i=0..d-1, x[i]) * x0"), 3)), "(x0+x1+x2)*x0");
  EXPECT_THROW(expr::print(expr::node{expr::node_kind::coordinate, 1, std::nan(""), {}, {}}), expr::expression_error);
  // Nor does it print what would not parse back: a number that is not finite, a bound name that is no name.
  EXPECT_THROW(expr::print(expr::node{expr::node_kind::number, 1, HUGE_VAL, {}, {}}), expr::expression_error);
  EXPECT_THROW(expr::print(expr::node{expr::node_kind::bound, 1, 0, "a b", {}}), expr::expression_error);
  // A bound's negative value, a number of bind()'s, keeps its sign under a power: (-2)^2, not -(2^2).
  const expr::node negative = expr::bind(expr::parse("sum(i=-2..-1, i^2*x0)"), 1);
  EXPECT_EQ(expr::print(negative), "(-2)^2*x0+(-1)^2*x0");
  EXPECT_EQ(eval(expr::print(negative), {1.5}), 7.5);
  // What parse() makes passes, a long chain of terms too (each + a level deeper in the tree).
  std::string chain = "x0^2";
  for (int k = 1; k < 1000; ++k) chain += "+x" + std::to_string(k) + "^2";  // 6900 characters
  EXPECT_EQ(expr::bind(expr::parse(chain), 1000).kids.size(), 2u);
  // A sum that would expand past the limit is refused, not expanded.
  const expr::node big = expr::parse("sum(i=0..d-1, sum(j=0..d-1, x[i]*x[j]))");
  EXPECT_THROW(expr::bind(big, 5000), expr::expression_error);
  // A long sum is one flat node, so binding, compiling and evaluating it need no deep recursion.
  const int d = 200000;
  const expr::program p = expr::compile(expr::bind(expr::parse("sum(i=0..d-1, x[i]) + sum(i=0..d-1, 1)"), d), d);
  std::vector<double> x(std::size_t(d), 0.5);
  EXPECT_EQ((expr::program_objective{p.code.data(), int(p.code.size())}(strided_point<double>{x.data(), 1, d})), 1.5 * d);
}

TEST(Expression, CaretPointsAtTheColumn) {
  EXPECT_EQ(expr::caret_lines("x0 + y", 6), "  x0 + y\n       ^");
  for (const int before : {0, -5, std::numeric_limits<int>::min()})  // before the text: under its first character
    EXPECT_EQ(expr::caret_lines("x0 + y", before), "  x0 + y\n  ^") << before;
  // Bytes that are not printable ASCII show as '?' each (here UTF-8's two for 'é'), tabs as blanks.
  EXPECT_EQ(expr::caret_lines("x0 +\t\xc3\xa9", 6), "  x0 + ??\n       ^");
  // A long expression shows the 100 characters around the column.
  std::string text;
  for (int k = 0; k < 300; ++k) text += char('a' + k % 26);
  EXPECT_EQ(expr::caret_lines(text, 1), "  " + text.substr(0, 100) + "...\n  ^");
  EXPECT_EQ(expr::caret_lines(text, 150), "  ..." + text.substr(89, 100) + "...\n  " + std::string(63, ' ') + "^");
  EXPECT_EQ(expr::caret_lines(text, 300), "  ..." + text.substr(200) + "\n  " + std::string(102, ' ') + "^");
}

TEST(Expression, PrintParsesBackToTheSameTree) {
  const char* texts[] = {"-x0^2",
                         "2^3^2",
                         "(1 - x0)^2 + 100*(x1 - x0^2)^2",
                         "x[d-1] * 1e-300 + 0.1",
                         "sum(i=0..d-2, x[i+1]*min(x[i], 3, 4))",
                         "prod(j=1..d, cos(x[j-1]/sqrt(j)))",
                         "--+-x0",
                         "atan2(x0, -x1) ^ -2 / 3 / 4"};
  for (const char* t : texts) {
    SCOPED_TRACE(t);
    const expr::node tree = expr::parse(t);
    const std::string printed = expr::print(tree);
    EXPECT_TRUE(expr::same_tree(expr::parse(printed), tree)) << printed;
  }
  EXPECT_FALSE(expr::same_tree(expr::parse("x0 - x1 - x2"), expr::parse("x0 - (x1 - x2)")));
  // Only the parentheses the grammar needs, and the shortest exact numbers: never longer than the input.
  EXPECT_EQ(expr::print(expr::parse("(1 - x0)^2 + 100 * (x1 - x0^2)^2")), "(1-x0)^2+100*(x1-x0^2)^2");
  EXPECT_EQ(expr::print(expr::parse("((x0 + x1) + x2) - (x3 - -x4)")), "x0+x1+x2-(x3--x4)");
  EXPECT_EQ(expr::print(expr::parse("0.1 + 1e5 + 0.5e-300 + 100 + x[2] + x[1e1]")), ".1+1e5+5e-301+100+x2+x10");
  EXPECT_EQ(expr::print(expr::parse("-(x0^2)^-(3)")), "-(x0^2)^-3");
  // An index too long for a name x<digits> stays in brackets (found by the fuzzer).
  EXPECT_EQ(expr::print(expr::parse("x[2222222222222] + x[123456789]")), "x[2222222222222]+x123456789");
  const std::string chain = "x0" + [] {
    std::string t;
    for (int k = 0; k < 300; ++k) t += "+x0";
    return t;
  }();
  EXPECT_EQ(expr::print(expr::parse(chain)), chain) << "a long chain prints without nesting";
}

TEST(Expression, PrintOfABoundTreeKeepsEveryTerm) {
  // bind() makes a sum one node with a kid a term; each is printed, in the order they are combined.
  EXPECT_EQ(expr::print(expr::bind(expr::parse("sum(i=0..d-1, x[i]^2)"), 4)), "x0^2+x1^2+x2^2+x3^2");
  EXPECT_EQ(expr::print(expr::bind(expr::parse("prod(i=0..d-1, x[i] - i)"), 3)), "(x0-0)*(x1-1)*(x2-2)");
  EXPECT_EQ(expr::print(expr::bind(expr::parse("1 - sum(i=1..d, x[i-1]/i)"), 3)), "1-(x0/1+x1/2+x2/3)");
}

TEST(Expression, CompileRefusesATreeNotBoundToItsDimension) {
  // parse() leaves a coordinate's index as a kid: read as it stands, every coordinate would be x0.
  EXPECT_THROW(expr::compile(expr::parse("x1 - x0"), 2), expr::expression_error);
  // Bound to 8 but compiled for 2: x7 would be read past the point.
  try {
    expr::compile(expr::bind(expr::parse("x0*x7 + sin(x7)"), 8), 2);
    ADD_FAILURE() << "no throw";
  } catch (const expr::expression_error& e) {
    EXPECT_NE(std::string(e.what()).find("x[7] is out of range for the dimension compile was given, 2"), std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(expr::compile(expr::bind(expr::parse("x0*x7 + sin(x7)"), 8), 8));
}

TEST(Expression, ImpliedDimension) {
  EXPECT_TRUE(expr::has_sum_or_product(expr::parse("1 + cos(prod(i=0..d-1, x[i]))")));
  EXPECT_FALSE(expr::has_sum_or_product(expr::parse("d*x0 + x1"))) << "d alone: needs an outside dimension, sums nothing";
  EXPECT_TRUE(expr::needs_outside_dim(expr::parse("d*x0 + x1")));
  EXPECT_EQ(expr::implied_dim(expr::parse("(1 - x0)^2 + 100*(x1 - x0^2)^2")), 2);
  EXPECT_EQ(expr::implied_dim(expr::parse("x[4] + x2")), 5);
  EXPECT_EQ(expr::implied_dim(expr::parse("x[1+1]")), 3) << "an index computed from numbers counts too";
  EXPECT_EQ(expr::implied_dim(expr::parse("x[2^3] + x0")), 9);
  EXPECT_EQ(expr::implied_dim(expr::parse("x[1.5] + x[-1] + x1")), 2) << "invalid indices are for bind() to name";
  EXPECT_EQ(expr::implied_dim(expr::parse("x[10^9]")), 0) << "beyond the limit: needs --dim";
  EXPECT_EQ(expr::implied_dim(expr::parse("sum(i=0..d-1, x[i])")), 0) << "a sum needs --dim";
  EXPECT_EQ(expr::implied_dim(expr::parse("x0 * d")), 0);
  EXPECT_EQ(expr::implied_dim(expr::parse("3")), 0) << "no coordinate: needs --dim";
}

TEST(Expression, LanesHoldWhatOneValueGives) {
  const std::string text =
      "tan(x0) + asin(x1/9) + acos(x1/9) + atan(x0) + sinh(x0) + cosh(x1) + tanh(x0) + exp(x0) + "
      "log(abs(x1) + 1) + sqrt(abs(x0)) + sin(x1) * cos(x0) + pow(abs(x0), x1/7) + floor(x1) + ceil(x0)";
  const expr::program p = expr::compile(expr::bind(expr::parse(text), 2), 2);
  const expr::program_objective f{p.code.data(), int(p.code.size())};
  using L = lanes<double, 32>;
  fixed_point<L, 2> x;
  for (int w = 0; w < 32; ++w) {
    x[0].v[w] = -1.3 + 0.09 * w;
    x[1].v[w] = 4.1 - 0.27 * w;
  }
  const L all = f(x);
  for (int w = 0; w < 32; ++w) {
    fixed_point<double, 2> one;
    one[0] = x[0][w];
    one[1] = x[1][w];
    EXPECT_TRUE(same_bits(all[w], f(one))) << "lane " << w;
  }
}

/// The gradient by the program's patches, on lanes of W and on one value (in registers and on the
/// run-time-dimension path), against whole evaluations one value at a time.
template <class T, int W, int D>
void expect_patches_give_whole_evaluations(const expr::program& p, std::uint64_t seed, double scale) {
  const auto patched = expr::program_objective::of(p);
  const expr::program_objective whole{p.code.data(), int(p.code.size())};
  ASSERT_NE(patched.patches, nullptr);
  using L = lanes<T, W>;
  fixed_point<L, D> x, g;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-scale, scale);
  for (int j = 0; j < D; ++j)
    for (int w = 0; w < W; ++w) x[j].v[w] = T(w % 5 == 0 ? 0.0 : u(rng));
  gradient(central_difference{}, patched, x, g, L(T(1e-3)));
  for (int w = 0; w < W; ++w) {
    fixed_point<T, D> one, reference, patched_one;
    for (int j = 0; j < D; ++j) one[j] = x[j][w];
    gradient(central_difference{}, whole, one, reference, T(1e-3));
    gradient(central_difference{}, patched, one, patched_one, T(1e-3));
    T row[D], row_gradient[D];
    for (int j = 0; j < D; ++j) row[j] = one[j];
    const strided_point<T> run_time{row, 1, D}, run_time_gradient{row_gradient, 1, D};
    gradient(central_difference{}, patched, run_time, run_time_gradient, T(1e-3));
    for (int i = 0; i < D; ++i) {
      ASSERT_TRUE(same_bits_or_nan(g[i][w], reference[i]))
          << "lane " << w << " coordinate " << i << ": " << g[i][w] << " vs " << reference[i];
      ASSERT_TRUE(same_bits_or_nan(patched_one[i], reference[i])) << "one value, coordinate " << i;
      ASSERT_TRUE(same_bits_or_nan(row_gradient[i], reference[i])) << "run-time d, coordinate " << i;
    }
  }
}

template <int D>
void expect_patches_exact_at(const std::string& text, double scale) {
  SCOPED_TRACE(text + " at d = " + std::to_string(D));
  const expr::program p = expr::compile(expr::bind(expr::parse(text), D), D);
  expect_patches_give_whole_evaluations<double, 64, D>(p, 11 * D, scale);
  expect_patches_give_whole_evaluations<float, 128, D>(p, 13 * D, scale);
  expect_patches_give_whole_evaluations<double, 64, D>(p, 17 * D,
                                                       1e160);  // overflow: inf and NaN where whole evaluations have them
}

TEST(Expression, PatchesGiveTheGradientOfWholeEvaluationsBitForBit) {
  for (const auto& b : builtin_functions()) {
    if (b.fixed_dim) {
      expect_patches_exact_at<2>(b.formula, b.box(2).hi[0]);
      continue;
    }
    const double scale = b.box(8).hi[0];
    if (b.min_dim <= 1) expect_patches_exact_at<1>(b.formula, scale);
    expect_patches_exact_at<3>(b.formula, scale);
    expect_patches_exact_at<8>(b.formula, scale);
    expect_patches_exact_at<16>(b.formula, scale);
  }
  // Coordinates shared across terms, repeated, reversed operands, kept values on both sides.
  expect_patches_exact_at<4>("(x0 - x3)^2 / (1 + x1^2) - x2 * (x0 + x2) + 2 / (x1 + 3) + atan2(x3, x0) - min(x1, x2)", 3.0);
  expect_patches_exact_at<3>("exp(-(x0 + x1 + x2)) + x1", 2.0);
}

TEST(Expression, PatchesBeyondSixtyFourCoordinatesGiveTheSameBits) {
  // Past x_63 a subtree's coordinates are a range: terms that read far-apart coordinates, and
  // coordinates inside a range that the term does not read, must still give whole evaluations' bits.
  for (const auto& b : builtin_functions())
    if (!b.fixed_dim) expect_patches_exact_at<100>(b.formula, b.box(100).hi[0]);
  expect_patches_exact_at<100>("x3 * x99 + sum(i=60..75, sin(x[i]) * x[i+20]) + x70^2 / (1 + x80^2) - min(x66, x[d-2], x1)", 2.0);
}

TEST(Expression, PatchesRedoOnlyWhatTheCoordinateReaches) {
  // rastrigin d = 8: each patch holds its term and the additions after it, not all eight terms.
  const int d = 8;
  const expr::program p = expr::compile(expr::bind(expr::parse(find_builtin("rastrigin").formula), d), d);
  ASSERT_EQ(p.patch_begin.size(), std::size_t(d + 1));
  EXPECT_LT(p.patches.size(), p.code.size() * d / 3) << p.patches.size() << " vs " << p.code.size() << " a patch";
  // Sums beyond d = 64 too. Patch i adds the d - i - 1 terms after term i from consecutive kept slots:
  // one instruction (instruction::run), so the patches grow as d, not d^2 / 2.
  for (const int big : {100, 1000, 2000}) {
    const expr::program r = expr::compile(expr::bind(expr::parse(find_builtin("rastrigin").formula), big), big);
    ASSERT_EQ(r.patch_begin.size(), std::size_t(big + 1)) << "d = " << big;
    EXPECT_LT(r.patches.size(), std::size_t(12 * big)) << "d = " << big;
  }
  // d = 6200 took whole evaluations until the patches' cost of making was capped: 8 starts, 2 steps took 38 s, not 0.8.
  const expr::program long_sum = expr::compile(expr::bind(expr::parse(find_builtin("rastrigin").formula), 6200), 6200);
  EXPECT_EQ(long_sum.patch_begin.size(), 6201u);
  // Every term reads every coordinate: each patch is the whole program, d = 200 of 2e5 instructions.
  const int all_read = 200;
  const expr::program w =
      expr::compile(expr::bind(expr::parse("sum(i=0..d-1, cos(x[i] + sum(j=0..d-1, x[j])))"), all_read), all_read);
  ASSERT_GT(std::size_t(all_read) * w.code.size(), expr::patch_instruction_cap(all_read));
  EXPECT_TRUE(w.patch_begin.empty() && w.patches.empty() && w.kept_slots == 0) << "too large to patch: whole evaluations";
  // A coordinate that f does not read: its patch is the kept f, and its partial derivative 0.
  const expr::program q = expr::compile(expr::bind(expr::parse("x0^2"), 2), 2);
  ASSERT_EQ(q.patch_begin.size(), 3u);
  EXPECT_EQ(q.patch_begin[2] - q.patch_begin[1], 1);
  expect_patches_give_whole_evaluations<double, 64, 2>(q, 5, 1.0);
}

class Formulas : public testing::TestWithParam<precision> {};

TEST_P(Formulas, EveryBuiltinsFormulaGivesTheBuiltinsTrajectories) {
  const bool f32 = GetParam() == precision::f32;
  const double tol = f32 ? 1e-5 : 1e-12;
  for (const auto& b : builtin_functions()) {
    for (const int dim : {b.fixed_dim ? b.fixed_dim : 8, b.fixed_dim ? b.fixed_dim : 5}) {
      SCOPED_TRACE(b.name + " d = " + std::to_string(dim) + ": " + b.formula);
      const auto box = b.box(dim);
      // 1000 starts: full 32-lane blocks and a partial one; 5 is a run-time dimension.
      const starts s = starts::uniform(box.lo, box.hi, 1000, 77);
      options o = on(backend_kind::cpu);
      o.lr = 1e-3;
      o.prec = GetParam();
      const result builtin = minimize(b.name, s, o), typed = minimize_expression(b.formula, s, o);
      for (std::size_t k = 0; k < builtin.x.size(); ++k)
        ASSERT_TRUE(near_on_scale(typed.x[k], builtin.x[k], tol)) << "coordinate " << k;
      for (std::size_t i = 0; i < builtin.f.size(); ++i) {
        ASSERT_TRUE(near_on_scale(typed.f[i], builtin.f[i], tol)) << "f " << i;
        ASSERT_EQ(typed.status[i], builtin.status[i]) << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Precisions, Formulas, testing::Values(precision::f64, precision::f32),
                         [](const auto& p) { return p.param == precision::f32 ? "f32" : "f64"; });

TEST(Expression, TheSeedsExampleFromItsFormula) {
  const starts s = starts::given({-3.0, 4.0}, 2);
  options o = on(backend_kind::cpu);
  o.lr = 0.1;
  const result r = minimize_expression("x0^2 + x1^2", s, o);
  EXPECT_TRUE(rel_near(r.x[0], -6.111107928998789e-10, 1e-12));
  EXPECT_TRUE(rel_near(r.x[1], 8.148143905314271e-10, 1e-12));
}

TEST(Expression, ANumberFloatCannotHoldIsRefusedInF32) {
  // In f32 it became infinite (or 0), and every trajectory nonfinite, with no word of why.
  const starts s = starts::given({0.5, 0.25}, 2);
  options o = on(backend_kind::cpu);
  o.prec = precision::f32;
  for (const auto& [text, column, what] :
       {std::tuple<std::string, int, std::string>{
            "x0^2 + x1^2 + 1e39*0", 15,
            "number 1e+39 would be infinite in an f32 run (run it in f64; float's range is about 1.4e-45 to 3.4e38)"},
        {"x0^2 + 1e-46*x1", 8,
         "number 1e-46 would be 0 in an f32 run (run it in f64; float's range is about 1.4e-45 to 3.4e38)"}}) {
    try {
      minimize_expression(text, s, o);
      ADD_FAILURE() << text << " was run";
    } catch (const expr::expression_error& e) {
      EXPECT_EQ(e.message(), what) << text;
      EXPECT_EQ(e.column(), column) << text;
    }
  }
  EXPECT_NO_THROW(minimize_expression("x0^2 + x1^2 + 3e38*0", s, o)) << "float holds it";
  o.prec = precision::f64;
  EXPECT_NO_THROW(minimize_expression("x0^2 + x1^2 + 1e39*0", s, o)) << "double holds it";
}

TEST(Expression, GtolAndNonfiniteWorkAsForBuiltins) {
  options o = on(backend_kind::cpu);
  o.gtol = 1e-6;
  o.steps = 5000;
  o.lr = 0.1;
  const result r = minimize_expression("x0^2 + x1^2", starts::uniform({-1, -1}, {1, 1}, 100, 3), o);
  EXPECT_EQ(r.converged, 100);
  o.gtol = 0;
  o.steps = 10;
  const result bad = minimize_expression("log(x0 - 10)", starts::given({1.0}, 1), o);
  EXPECT_EQ(bad.nonfinite, 1);
  // f itself NaN at the final point (0 / 0) while f(0 +- h) are finite: no minimum claimed there. 65
  // starts: a lockstep block of 64 and a tail.
  o.gtol = 1e-8;
  const result hole = minimize_expression("-sin(x0) / x0", starts::given(std::vector<double>(65, 0.0), 1), o);
  EXPECT_EQ(hole.nonfinite, 65);
  EXPECT_EQ(hole.converged, 0);
}

TEST(Expression, GradNormNeitherOverflowsNorUnderflows) {
  options o = on(backend_kind::cpu);
  o.steps = 0;
  // From 0, each central difference of c (x0 + x1 + x2) is c: squares that overflow, underflow to 0,
  // or underflow to subnormals that keep a few bits; 37 starts fill lockstep blocks and leave a tail.
  const starts at0 = starts::given(std::vector<double>(37 * 3, 0.0), 3);
  for (const char* c : {"1e200", "-1e-200", "1e-160"}) {
    const result r = minimize_expression(std::string(c) + " * (x0 + x1 + x2)", at0, o);
    for (std::int64_t i = 0; i < r.count; ++i)
      ASSERT_TRUE(rel_near(r.grad_norm[std::size_t(i)], std::sqrt(3.0) * std::fabs(std::stod(c)), 1e-14)) << c << ", start " << i;
  }
}

TEST(Expression, CompiledOnceGivesMinimizeExpressionsBitsRunAfterRunAndFromSeveralThreads) {
  const std::string rosenbrock = find_builtin("rosenbrock").formula;
  const starts s = starts::uniform(std::vector<double>(40, -2.0), std::vector<double>(40, 2.0), 300, 9);
  options o = on(backend_kind::cpu);
  o.lr = 1e-4;
  o.steps = 20;
  const result once = minimize_expression(rosenbrock, s, o);
  const compiled_expression compiled(rosenbrock, 40);
  EXPECT_EQ(compiled.dim(), 40);
  const result first = compiled.minimize(s, o);
  EXPECT_GT(first.compile_seconds, 0.0) << "the first CPU run makes the code";
  expect_identical(first, once);
  const result again = compiled.minimize(s, o);
  EXPECT_EQ(again.compile_seconds, 0.0) << "and the next ones take it";
  expect_identical(again, once);
  const compiled_expression fresh(rosenbrock, 40);
  result side[2];
  std::thread other([&] { side[0] = fresh.minimize(s, o); });
  side[1] = fresh.minimize(s, o);
  other.join();
  expect_identical(side[0], once);
  expect_identical(side[1], once);
  EXPECT_EQ(std::min(side[0].compile_seconds, side[1].compile_seconds), 0.0) << "one of the two made the code";
}

TEST(Expression, HostBytesNeededCountsTheInterpreterOnTheCpu) {
  const std::string rosenbrock = find_builtin("rosenbrock").formula;
  const int d = 2000;
  options o = on(backend_kind::cpu);
  o.threads = 2;
  o.steps = 1;
  const compiled_expression compiled(rosenbrock, d);
  const double need = compiled.host_bytes_needed(640, o);
  // What the run holds besides the built-ins' need: the program with its patches, and each thread's
  // kept values (a lockstep block's and a scalar's each).
  const expr::program p = expr::compile(expr::bind(expr::parse(rosenbrock), d), d);
  ASSERT_GT(p.kept_slots, d) << "rosenbrock's terms kept for the patches";
  const double program =
      double(p.code.size() + p.patches.size()) * sizeof(expr::instruction) + double(p.patch_begin.size()) * sizeof(int);
  EXPECT_EQ(need, host_bytes_needed(640, d, o) + program + 2 * double(p.kept_slots) * (512 + sizeof(double)));
  // The code made there is reported by the run after, once.
  const starts s = starts::uniform(std::vector<double>(std::size_t(d), -2.0), std::vector<double>(std::size_t(d), 2.0), 64, 1);
  EXPECT_GT(compiled.minimize(s, o).compile_seconds, 0.0);
  EXPECT_EQ(compiled.minimize(s, o).compile_seconds, 0.0);
  o.backend = backend_kind::cuda;
  std::string why;
  if (!cuda_device_available(0, &why)) {
    EXPECT_THROW(compiled.host_bytes_needed(640, o), error) << "as the run would: " << why;
  }
}

// The values a run's gradients keep for the patches are freed after it on the threads that ran it: the
// pool's threads held the largest run's for the life of the program (here 8000 values of a lockstep
// block each, 4 MB a thread; 200 MB a thread at d = 10^5).
TEST(Expression, ARunLeavesNoKeptValuesOnItsThreads) {
  const int d = 2000;
  options o = on(backend_kind::cpu);
  o.threads = 2;
  o.steps = 1;
  const compiled_expression compiled(find_builtin("rosenbrock").formula, d);
  compiled.host_bytes_needed(256, o);  // the code made beforehand, kept by the object
  const starts s = starts::uniform(d, -2, 2, 256, 1);
  for (const precision prec : {precision::f64, precision::f32}) {
    o.prec = prec;
    const double before = heap_in_use();
    EXPECT_EQ(compiled.minimize(s, o).count, 256);
    EXPECT_LT(heap_in_use() - before, 1 << 20) << (prec == precision::f32 ? "f32" : "f64");
  }
}

TEST(Expression, CompiledOnceMovedFromStaysUsable) {
  compiled_expression a("x0^2 + x1^2", 2);
  compiled_expression b = std::move(a);
  compiled_expression c("x0", 1);
  c = std::move(b);
  const starts s = starts::given({-3.0, 4.0}, 2);
  const options o = on(backend_kind::cpu);
  // What this test is about: a and b moved from (they faulted on a null pointer).
  EXPECT_EQ(a.dim(), 2);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.dim(), 2);  // NOLINT(bugprone-use-after-move)
  expect_identical(a.minimize(s, o), c.minimize(s, o));
  expect_identical(b.minimize(s, o), c.minimize(s, o));
}

TEST(Expression, CompiledForOneDimensionRefusesStartsOfAnother) {
  const compiled_expression compiled("x0^2 + x1^2", 2);
  expect_invalid(
      [&] {
        compiled.minimize(starts::given({1.0, 2.0, 3.0}, 3), on(backend_kind::cpu));
      },
      {"dim = 3", "compiled for dim = 2"});
  expect_invalid([] { compiled_expression("x0^2", 0); }, {"dimension must be >= 1, not 0"});
  EXPECT_THROW(compiled_expression("x0^2 + x5", 2), expr::expression_error);
}

}  // namespace
}  // namespace fdgd::test
