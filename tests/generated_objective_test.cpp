// The objective code generated for NVRTC, compiled here by the host compiler: its value and its own
// central difference (from the program's patches) must be the interpreter's whole evaluations, bit for
// bit, in both precisions. So the generated arithmetic is checked on every machine; only loading and
// launching it needs a GPU (expression_cuda_test.cpp).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <unistd.h>

#include "host/expression/cuda_source.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

struct generated_case {
  std::string formula;
  int d;
  precision prec;
  expr::program program;
};

/// Every case's functor in a namespace of its own, and a main that reads "case points h" and then the
/// points (hex) on stdin, and prints f and the gradient at each (hex).
std::string host_program(const std::vector<generated_case>& cases) {
  std::string src =
      "#include <cstdio>\n#include <cstring>\n#include \"fdgd/difference.hpp\"\n#include \"fdgd/math.hpp\"\n"
      "#define __device__\n"
      "inline float __int_as_float(int b) { float f; std::memcpy(&f, &b, sizeof f); return f; }\n"
      "inline double __longlong_as_double(long long b) { double f; std::memcpy(&f, &b, sizeof f); return f; }\n"
      "template <class T, class F, int D>\n"
      "void run(int points, double h) {\n"
      "  for (int k = 0; k < points; ++k) {\n"
      "    fdgd::fixed_point<T, D> x, g;\n"
      "    for (int j = 0; j < D; ++j) { double v; if (std::scanf(\"%la\", &v) != 1) return; x[j] = T(v); }\n"
      "    fdgd::gradient(fdgd::central_difference{}, F{}, x, g, T(h));\n"
      "    std::printf(\"%a\", double(F{}(x)));\n"
      "    for (int i = 0; i < D; ++i) std::printf(\" %a\", double(g[i]));\n"
      "    std::printf(\"\\n\");\n"
      "  }\n"
      "}\n";
  std::string dispatch;
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const std::string name = "case" + std::to_string(c), T = cases[c].prec == precision::f32 ? "float" : "double";
    src += "namespace " + name + " {\nusing T = " + T + ";\n" + expr::objective_source(cases[c].program, cases[c].prec) + "}\n";
    dispatch += "      case " + std::to_string(c) + ": run<" + T + ", " + name + "::fdgd_expression, " +
                std::to_string(cases[c].d) + ">(points, h); break;\n";
  }
  return src +
         "int main() {\n"
         "  int c, points;\n"
         "  double h;\n"
         "  while (std::scanf(\"%d %d %la\", &c, &points, &h) == 3) {\n"
         "    switch (c) {\n" +
         dispatch + "      default: return 1;\n    }\n  }\n  return 0;\n}\n";
}

/// f and the gradient at x by the interpreter, whole evaluations, in precision T.
template <class T>
std::vector<T> interpreted(const expr::program& p, const std::vector<double>& x, T h) {
  const expr::program_objective f{p.code.data(), int(p.code.size())};
  std::vector<T> xt(x.begin(), x.end()), g(x.size());
  const int d = int(x.size());
  strided_point<T> point{xt.data(), 1, d}, gradient_out{g.data(), 1, d};
  gradient(central_difference{}, f, point, gradient_out, h);
  std::vector<T> out{f(point)};
  out.insert(out.end(), g.begin(), g.end());
  return out;
}

template <class T>
void expect_same(const std::vector<double>& generated, const std::vector<T>& want) {
  for (std::size_t k = 0; k < want.size(); ++k)
    EXPECT_TRUE(same_bits_or_nan(T(generated[k]), want[k]))
        << (k ? "gradient " + std::to_string(k - 1) : "f") << ": " << generated[k] << " vs " << want[k];
}

/// Loops with constants that differ between terms (a table), coordinates read backwards and two apart,
/// a product, and terms with a NaN or infinite constant (i = 0, 1), which must stay out of the tables
/// (NVRTC refuses a __device__ table initialized by a function call).
const char* const loops_formula =
    "sum(i=0..d-1, (i+1)*x[i]^2 - x[d-1-i]*x[i]) + prod(i=0..d-1, 1 + x[i]^2/(i+1)) + sum(i=0..d-3, max(x[i+2], log(i-1)))";

TEST(GeneratedObjective, HostCompiledGivesTheInterpretersBitsForValueAndGradient) {
  std::vector<generated_case> cases;
  auto add = [&](const std::string& formula, int d) {
    for (const precision prec : {precision::f64, precision::f32})
      cases.push_back({formula, d, prec, expr::compile(expr::bind(expr::parse(formula), d), d)});
  };
  const int rolled = expr::max_generated_patch_dim + 6;  // sums as loops, and the gradient by whole evaluations
  for (const auto& b : builtin_functions()) {
    add(b.formula, b.fixed_dim ? b.fixed_dim : 8);
    if (!b.fixed_dim) add(b.formula, 3), add(b.formula, rolled);
  }
  add("x0^2 + 10*cos(2*pi*x1) - log(0) * 0 + (x1 - x0) / (1 + x0^4)", 2);  // an infinite constant, folded
  add("(x0 - x3)^2 / (1 + x1^2) - x2 * (x0 + x2) + 2 / (x1 + 3) + atan2(x3, x0) - min(x1, x2) + x2^3", 4);
  add(loops_formula, rolled);
  add("sum(i=0..d-1, sum(j=0..3, x[i] * x[(i+j) - d*floor((i+j)/d)] / (j+1)))", rolled);  // nested sums
  for (const auto& c : cases) ASSERT_FALSE(c.program.patch_begin.empty()) << c.formula;

  const auto dir = std::filesystem::temp_directory_path() / ("fdgd_generated_objective_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "objectives.cpp") << host_program(cases); }
  const std::string compile = std::string(FDGD_HOST_CXX) + " " + (dir / "objectives.cpp").string() + " -o " +
                              (dir / "objectives").string() + " " + FDGD_HOST_MATH;
  ASSERT_EQ(std::system(compile.c_str()), 0) << compile;

  std::mt19937_64 rng(2024);
  std::vector<std::vector<std::vector<double>>> points(cases.size());
  const double h[] = {1e-4, 1e-2};  // f64, f32
  {
    std::ofstream in(dir / "points.txt");
    char buf[64];
    for (std::size_t c = 0; c < cases.size(); ++c) {
      std::uniform_real_distribution<double> u(-6.0, 6.0);
      in << c << " 12 " << h[cases[c].prec == precision::f32] << "\n";
      for (int k = 0; k < 12; ++k) {
        std::vector<double> x(std::size_t(cases[c].d));
        for (double& v : x) {
          v = k == 11 ? 1e200 * u(rng) : k == 0 ? 0.0 : u(rng);  // the origin, ordinary points, overflow
          if (cases[c].prec == precision::f32) v = double(float(v));
          std::snprintf(buf, sizeof buf, "%a ", v);
          in << buf;
        }
        in << "\n";
        points[c].push_back(x);
      }
    }
  }
  const std::string run =
      (dir / "objectives").string() + " < " + (dir / "points.txt").string() + " > " + (dir / "out.txt").string();
  ASSERT_EQ(std::system(run.c_str()), 0) << run;

  std::ifstream out(dir / "out.txt");
  for (std::size_t c = 0; c < cases.size(); ++c) {
    SCOPED_TRACE(cases[c].formula + " d = " + std::to_string(cases[c].d) + (cases[c].prec == precision::f32 ? " f32" : " f64"));
    for (const auto& x : points[c]) {
      std::string line;
      ASSERT_TRUE(std::getline(out, line)) << "the generated program stopped early";
      std::istringstream fields(line);
      std::vector<double> generated;
      for (std::string v; fields >> v;) generated.push_back(std::strtod(v.c_str(), nullptr));
      ASSERT_EQ(generated.size(), x.size() + 1);
      if (cases[c].prec == precision::f32) {
        expect_same(generated, interpreted<float>(cases[c].program, x, float(h[1])));
      } else {
        expect_same(generated, interpreted<double>(cases[c].program, x, h[0]));
      }
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(GeneratedObjective, BeyondThePatchLimitSumsAreLoops) {
  // Beyond it straight-line patches would grow as d^2 and NVRTC's time faster: whole evaluations, and
  // a sum's terms as one loop, so the source no longer grows with d.
  const std::string formula = find_builtin("griewank").formula;  // a sum, and a product whose constants differ
  std::size_t longest_rolled = 0;
  for (const int d : {expr::max_generated_patch_dim, expr::max_generated_patch_dim + 1, 1000}) {
    const expr::program p = expr::compile(expr::bind(expr::parse(formula), d), d);
    ASSERT_FALSE(p.patch_begin.empty()) << "the interpreter has patches at d = " << d;
    const std::string source = expr::objective_source(p, precision::f64);
    const bool patched = source.find("central_gradient") != std::string::npos,
               loops = source.find("for (int k") != std::string::npos;
    EXPECT_EQ(patched, d <= expr::max_generated_patch_dim) << "d = " << d;
    EXPECT_EQ(loops, d > expr::max_generated_patch_dim) << "d = " << d;
    if (loops) longest_rolled = std::max(longest_rolled, source.size() - source.find("struct fdgd_expression"));
    if (d > expr::max_generated_patch_dim) {  // so the CUDA path need not make the patches (minimize_expression)
      const expr::program unpatched = expr::compile(expr::bind(expr::parse(formula), d), d, /*patched=*/false);
      EXPECT_TRUE(unpatched.patch_begin.empty());
      EXPECT_EQ(expr::objective_source(unpatched, precision::f64), source) << "d = " << d;
    }
  }
  EXPECT_LT(longest_rolled, 2000u) << "the functor's text grows with d";

  // What the host-compiled test's loops case must exercise.
  const int d = expr::max_generated_patch_dim + 6;
  for (const precision prec : {precision::f64, precision::f32}) {
    const std::string source = expr::objective_source(expr::compile(expr::bind(expr::parse(loops_formula), d), d), prec);
    EXPECT_NE(source.find("fdgd_constants_"), std::string::npos) << "a table";
    EXPECT_NE(source.find("x[" + std::to_string(d - 2) + " + -1 * k]"), std::string::npos) << "a coordinate read backwards";
    EXPECT_NE(source.find("_as_"), std::string::npos) << "the non-finite constants, as bit patterns";
    const std::string tables = source.substr(0, source.find("struct fdgd_expression"));
    EXPECT_EQ(tables.find("_as_"), std::string::npos) << "a non-finite constant in a table:\n" << tables;
  }
}

#if defined(FDGD_HAS_CUDA)
TEST(GeneratedObjective, LoopsAndTheirTablesCompileWithNvrtc) {
  const int d = expr::max_generated_patch_dim + 6;
  for (const precision prec : {precision::f64, precision::f32}) {
    const std::string source = expr::cuda_source(expr::compile(expr::bind(expr::parse(loops_formula), d), d), prec, dynamic_dim);
    EXPECT_NE(expr::nvrtc_compile(source, "compute_90").find(".entry fdgd_advance"), std::string::npos);
  }
}
#endif

}  // namespace
}  // namespace fdgd::test
