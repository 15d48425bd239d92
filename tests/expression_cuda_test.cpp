// --expr for CUDA: the generated source, compiled by NVRTC here (no GPU needed), and the run on a GPU.
#include <chrono>

#include "host/expression/cuda_source.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

expr::program program_of(const std::string& text, int d) { return expr::compile(expr::bind(expr::parse(text), d), d); }

TEST(ExpressionCuda, SourceIsStraightLineCodeFromTheProgram) {
  const std::string src = expr::cuda_source(program_of("x0^2 + 10*cos(2*pi*x1) - log(0)", 2), precision::f64, 2);
  EXPECT_NE(src.find("const T v0 = x[0] * x[0];"), std::string::npos) << src;
  EXPECT_NE(src.find("fdgd::math::cos("), std::string::npos) << src;
  EXPECT_NE(src.find("0x1.921fb54442d18p+2"), std::string::npos) << "2*pi folded, exact in hex\n" << src;
  EXPECT_NE(src.find("__longlong_as_double(0xfff0000000000000ll)"), std::string::npos) << "log(0) = -inf folded\n" << src;
  EXPECT_NE(src.find("constexpr int D = 2;"), std::string::npos);
  const std::string f32 = expr::cuda_source(program_of("tan(x0) + 0.1", 1), precision::f32, 0);
  EXPECT_NE(f32.find("::tanf("), std::string::npos) << f32;
  EXPECT_NE(f32.find("(0x1.99999ap-4f)"), std::string::npos) << "0.1 rounded to float\n" << f32;
}

#if defined(FDGD_HAS_CUDA)
TEST(ExpressionCuda, EveryBuiltinsFormulaCompilesWithNvrtc) {
  for (const auto& b : builtin_functions()) {
    const int d = b.fixed_dim ? b.fixed_dim : 8;
    for (const auto& [prec, fixed] : {std::pair{precision::f64, d}, std::pair{precision::f32, d}, std::pair{precision::f64, 0}}) {
      SCOPED_TRACE(b.name + (prec == precision::f32 ? " f32" : " f64") + (fixed ? " fixed d" : " run-time d"));
      const std::string ptx = expr::nvrtc_compile(expr::cuda_source(program_of(b.formula, d), prec, fixed), "compute_90");
      for (const char* entry : {"fdgd_generate_starts", "fdgd_reset", "fdgd_advance", "fdgd_evaluate"})
        EXPECT_NE(ptx.find(std::string(".entry ") + entry), std::string::npos) << entry;
    }
  }
}

TEST(ExpressionCuda, CompilesACubinForTheGpuQuickly) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string cubin =
      expr::nvrtc_compile(expr::cuda_source(program_of(find_builtin("rastrigin").formula, 8), precision::f64, 8), "sm_90");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_GT(cubin.size(), 4u);
  EXPECT_EQ(cubin.substr(1, 3), "ELF");
  std::printf("note: NVRTC compiled rastrigin d = 8 to an sm_90 cubin in %.2f s\n", seconds);
}

TEST(ExpressionCuda, NvrtcErrorsComeWithTheLog) {
  try {
    expr::nvrtc_compile("this is not C++", "compute_90");
    ADD_FAILURE() << "accepted";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("NVRTC could not compile"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fdgd_expression.cu"), std::string::npos) << e.what();
  }
}
#endif

}  // namespace
}  // namespace fdgd::test
