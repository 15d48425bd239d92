// Numbers read and written the same whatever locale the program has set: a program that calls
// setlocale(LC_ALL, "") under a decimal-comma locale read "1.5" in an expression as 1.
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "fdgd/detail/number_text.hpp"
#include "fdgd/expression.hpp"
#include "fdgd/io.hpp"
#include "host/expression/cuda_source.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

namespace fs = std::filesystem;

/// Sets a locale whose decimal point is ',' for LC_ALL: an installed one, or one localedef makes in
/// `dir` from the system's locale sources. False where neither can be had.
bool set_decimal_comma_locale(const fs::path& dir) {
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"})
    if (std::setlocale(LC_ALL, name)) return true;
  fs::create_directories(dir);
  const std::string made = "localedef -i de_DE -f UTF-8 " + (dir / "de_DE.UTF-8").string() + " >/dev/null 2>&1";
  if (std::system(made.c_str()) != 0) return false;
  setenv("LOCPATH", dir.c_str(), 1);
  return std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr;
}

/// Puts back the C locale, LOCPATH and the test's folder however the test ends.
struct locale_restorer {
  fs::path dir;
  ~locale_restorer() {
    std::setlocale(LC_ALL, "C");
    unsetenv("LOCPATH");
    fs::remove_all(dir);
  }
};

TEST(Locale, NumbersReadAndWriteAsInTheCLocaleWhateverTheProgramSets) {
  const fs::path dir = test_temp_dir("fdgd_locale_test");
  fs::remove_all(dir);
  const locale_restorer restore{dir};
  if (!set_decimal_comma_locale(dir / "locales"))
    GTEST_SKIP() << "no locale with a decimal comma is installed, and localedef could not make de_DE.UTF-8";
  char probe[16];
  std::snprintf(probe, sizeof probe, "%.1f", 1.5);
  ASSERT_STREQ(probe, "1,5") << "the locale set has no decimal comma: the test would prove nothing";

  EXPECT_EQ(expr::parse("1.5").value, 1.5);
  EXPECT_THROW(expr::parse("2.5e999"), expr::expression_error) << "out of range, not 2";
  EXPECT_EQ(expr::print(expr::parse("(x0 - 1.5)^2 + pi")), "(x0-1.5)^2+pi");
  EXPECT_EQ(expr::print(expr::bind(expr::parse("x0 + pi"), 1)), "x0+3.141592653589793");
  EXPECT_EQ(detail::number_text(-0.5), "-0.5");
  const std::string src = expr::objective_source(expr::compile(expr::bind(expr::parse("x0 - 1.5"), 1), 1), precision::f64);
  EXPECT_NE(src.find("(0x1.8p+0)"), std::string::npos) << src;
  const std::string f32 = expr::objective_source(expr::compile(expr::bind(expr::parse("x0 - 1.5"), 1), 1), precision::f32);
  EXPECT_NE(f32.find("(0x1.8p+0f)"), std::string::npos) << f32;

  const std::string csv = (dir / "starts.csv").string();
  std::ofstream(csv) << "1.5,2.5e-330,-1e-400\n";
  EXPECT_EQ(read_csv(csv).values, (std::vector<double>{1.5, 0.0, -0.0}));
}

}  // namespace
}  // namespace fdgd::test
