// The `fdgd` command, run as a user runs it: output files, summary, and one clear line per mistake.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <thread>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fdgd/io.hpp"
#include "fdgd/minimize.hpp"
#include "fdgd/summary.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

namespace fs = std::filesystem;

struct run_result {
  int status;
  std::string out;  // stdout and stderr together
};

/// A shell command line's exit status and output.
run_result run_shell(const std::string& cmd) {
  std::FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int raw = pclose(p);
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, out};
}

/// The command with `args`, its stdout and stderr read together unless `redirect` sends them elsewhere.
run_result run(const std::string& args, const std::string& redirect = "2>&1") {
  return run_shell(std::string(FDGD_CLI) + " " + args + " " + redirect);
}

/// What a run of `args` writes on stderr alone (its warnings); the run must succeed.
std::string warnings_of(const std::string& args) {
  const auto r = run(args, "2>&1 >/dev/null");
  EXPECT_EQ(r.status, 0) << args << "\n" << r.out;
  return r.out;
}

class Cli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_temp_dir("fdgd_cli_test");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  /// The seed's example, -3,4 from an --init-file at lr 0.1, gives the seed's final point in the CSV.
  void expect_seed_example(const std::string& objective) {
    std::ofstream(path("start.csv")) << "-3,4\n";
    const auto r = run("minimize " + objective + " --init-file " + path("start.csv") + " --lr 0.1 --out " + path("out.csv"));
    ASSERT_EQ(r.status, 0) << r.out;
    std::ifstream in(path("out.csv"));
    std::string header, row;
    std::getline(in, header);
    std::getline(in, row);
    EXPECT_EQ(header, "x0,x1,f,grad_norm,steps,status");
    double x0 = 0, x1 = 0;
    ASSERT_EQ(std::sscanf(row.c_str(), "%lf,%lf", &x0, &x1), 2);
    EXPECT_TRUE(rel_near(x0, -6.111107928998789e-10, 1e-12));
    EXPECT_TRUE(rel_near(x1, 8.148143905314271e-10, 1e-12));
    EXPECT_NE(row.find(",100,finished"), std::string::npos) << row;
  }

  fs::path dir_;
};

TEST_F(Cli, SeedExampleThroughAnInitFile) { expect_seed_example("--function sphere"); }

TEST_F(Cli, HimmelblauSummaryFindsTheFourMinimaWithTheirShares) {
  const auto r = run("minimize --function himmelblau --starts 2e4 --steps 2000 --gtol 1e-10 --backend cpu --json");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto s = nlohmann::json::parse(r.out);
  ASSERT_EQ(s["minima"].size(), 4u);
  double total = 0;
  for (const auto& g : s["minima"]) {
    EXPECT_LT(g["f"].get<double>(), 1e-12);
    EXPECT_GT(g["share"].get<double>(), 0.1);
    total += g["share"].get<double>();
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_NEAR(s["known_minimum"]["share_reached"].get<double>(), 1.0, 1e-12);
  EXPECT_EQ(s["starts"].get<long long>(), 20000);
  EXPECT_EQ(s["status"]["converged"].get<long long>(), 20000);
  EXPECT_EQ(s["grouped_on"], "cpu");
  EXPECT_EQ(s["seed"].get<std::uint64_t>(), 0u);  // generated starts: the seed reproduces them
  EXPECT_GT(s["descent_seconds"].get<double>(), 0.0);
  EXPECT_LE(s["descent_seconds"].get<double>(), s["seconds"].get<double>());
  EXPECT_GT(s["grouping_seconds"].get<double>(), 0.0) << "2e4 final points take some time to group";
  // The text summary says the same.
  const auto text = run("minimize --function himmelblau --starts 2e4 --steps 2000 --gtol 1e-10 --backend cpu");
  EXPECT_NE(text.out.find("global minimum 0 reached by 100.000% of starts (20000; final point within 0.001 of a minimizer"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("distinct minima: 4 (final points grouped in cells of side 0.001), best first:"), std::string::npos)
      << text.out;
  EXPECT_EQ(s["minima_total"].get<long long>(), 4);
  EXPECT_EQ(s["grouped"].get<long long>(), 20000);
  EXPECT_EQ(s["known_minimum"]["reached"].get<long long>(), 20000);
  EXPECT_EQ(text.out.rfind("himmelblau: 20000 starts (seed 0), d = 2, on cpu", 0), 0u) << text.out;
  double total_s = -1, descent_s = -1;  // "time: T s (the descent D s), ..."
  const auto time_line = text.out.find("\ntime: ");
  ASSERT_NE(time_line, std::string::npos) << text.out;
  ASSERT_EQ(std::sscanf(text.out.c_str() + time_line, "\ntime: %lf s (the descent %lf s)", &total_s, &descent_s), 2) << text.out;
  EXPECT_GT(descent_s, 0.0);
  EXPECT_LE(descent_s, total_s);
  const auto seeded = run("minimize --function sphere --starts 3 --seed 18446744073709551615 --json");
  EXPECT_EQ(nlohmann::json::parse(seeded.out)["seed"].get<std::uint64_t>(), 18446744073709551615u) << seeded.out;
  // With the seed, the box and the count reproduce generated starts; --top is recorded with --cluster-tol.
  EXPECT_EQ(s["box"]["lo"], nlohmann::json({-5.0, -5.0}));
  EXPECT_EQ(s["box"]["hi"], nlohmann::json({5.0, 5.0}));
  EXPECT_EQ(s["top"].get<int>(), 10);
  const auto boxed = nlohmann::json::parse(run("minimize --function sphere --starts 3 --box=-1:2,-3:4.5 --top 2 --json").out);
  EXPECT_EQ(boxed["box"]["lo"], nlohmann::json({-1.0, -3.0}));
  EXPECT_EQ(boxed["box"]["hi"], nlohmann::json({2.0, 4.5}));
  EXPECT_EQ(boxed["top"].get<int>(), 2);
  std::ofstream(path("one.csv")) << "1,2\n";
  const auto given = run("minimize --function sphere --init-file " + path("one.csv") + " --json");
  EXPECT_FALSE(nlohmann::json::parse(given.out).contains("seed")) << "given starts have no seed";
  EXPECT_FALSE(nlohmann::json::parse(given.out).contains("box")) << "nor a box";
  EXPECT_NE(run("minimize --function sphere --init-file " + path("one.csv") + " --steps 1").out.find(", 1 step, gtol"),
            std::string::npos);
  EXPECT_EQ(text.out.find('\r'), std::string::npos) << "no progress line when stderr is not a terminal";
}

// Root may write into an append-only file and into the file a bind mount put on the name, but no
// rename replaces either: found only at the end, the run was lost.
TEST_F(Cli, AnOutNoRenameCanReplaceIsRefusedBeforeTheRun) {
  const std::string kept = path("kept.csv"), other = path("other.csv");
  std::ofstream(kept) << "old\n";
  std::ofstream(other) << "other\n";
  const std::string command = "minimize --function sphere --starts 10 --out " + kept;
  if (std::system(("chattr +a " + kept + " 2>/dev/null").c_str()) == 0) {
    const auto r = run(command);
    EXPECT_EQ(std::system(("chattr -a " + kept).c_str()), 0);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.out, "fdgd: error: --out: cannot write '" + kept +
                         "': it is append-only (chattr +a), which can be added to but not replaced\n");
  } else {
    std::printf("not checked: chattr +a fails here (not root, or a file system without the flag)\n");
  }
  if (std::system(("mount --bind " + other + " " + kept + " 2>/dev/null").c_str()) == 0) {
    const auto r = run(command);
    EXPECT_EQ(std::system(("umount " + kept).c_str()), 0);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.out, "fdgd: error: --out: cannot write '" + kept + "': a file is mounted on it, which cannot be replaced\n");
  } else {
    std::printf("not checked: mount --bind fails here (not root, or no mounts in this container)\n");
  }
  EXPECT_EQ(run(command).status, 0) << "the file itself, free again, is replaced";
}

TEST_F(Cli, AnExpressionsNumberBeyondFloatsRangeIsRefusedInF32) {
  // In f32 it became infinite (or 0), and every trajectory nonfinite, with no word of why.
  const auto big = run("minimize --expr \"x0^2 + 1e39*0\" --box -1:1 --starts 10 --precision f32");
  EXPECT_EQ(big.status, 2);
  EXPECT_EQ(big.out,
            "fdgd: error: --expr: number 1e+39 would be infinite in an f32 run (run it in f64; float's range is about 1.4e-45 to "
            "3.4e38) at column 8\n  x0^2 + 1e39*0\n         ^\n");  // its column, as every --expr mistake
  const auto tiny = run("trace --expr \"x0^2 + 1e-46\" --start 1 --precision f32 --out " + path("t.csv"));
  EXPECT_EQ(tiny.status, 2);
  EXPECT_NE(tiny.out.find("number 1e-46 would be 0 in an f32 run (run it in f64; float's range is about 1.4e-45 to 3.4e38) at "
                          "column 8"),
            std::string::npos)
      << tiny.out;
  EXPECT_EQ(run("minimize --expr \"x0^2 + 1e39*0\" --box -1:1 --starts 10").status, 0) << "f64 holds it";
  EXPECT_EQ(run("minimize --expr \"x0^2 + 3e38\" --box -1:1 --starts 10 --precision f32").status, 0) << "float holds it";
}

// A float's widened double printed in full (1.820561408294452e-07) claimed 16 digits f32 does not
// have; the text prints the float's own shortest digits, --json the exact double.
TEST_F(Cli, AnF32RunsTextPrintsFloatsDigits) {
  const std::string args = "minimize --function rosenbrock --dim 4 --starts 100 --lr 1e-3 --precision f32 --backend cpu --top 1";
  const auto text = run(args), json = run(args + " --json");
  ASSERT_EQ(text.status, 0) << text.out;
  ASSERT_EQ(json.status, 0) << json.out;
  const auto best = nlohmann::json::parse(json.out)["best"];
  // The number text at `at` in text.out, checked: it reads back as the float v is, in at most 9
  // significant digits (a float's most).
  const auto float_text_at = [&](std::size_t at, double v) {
    const std::size_t end = text.out.find_first_of(" ,)\n", at);
    const std::string token = text.out.substr(at, end - at);
    EXPECT_EQ(std::strtof(token.c_str(), nullptr), float(v)) << token;
    const std::size_t first = token.find_first_not_of("-0.");  // where the significant digits start
    std::size_t digits = 0;
    for (std::size_t i = first; i < token.size() && token[i] != 'e'; ++i)
      digits += std::isdigit(static_cast<unsigned char>(token[i])) != 0;
    EXPECT_LE(digits, 9u) << token;
    return token;
  };
  const std::size_t f_at = text.out.find("best: f = ");
  ASSERT_NE(f_at, std::string::npos) << text.out;
  const double f = best["f"].get<double>();
  EXPECT_NE(std::strtod(float_text_at(f_at + 10, f).c_str(), nullptr), f) << "the double's digits, not the float's";
  std::size_t x_at = text.out.find("x = (", f_at) + 5;
  for (const double x : best["x"].get<std::vector<double>>()) {
    float_text_at(x_at, x);
    x_at = text.out.find_first_of(",)", x_at) + 2;
  }
}

TEST_F(Cli, StartsThatRanOffAreNeitherConvergedNorGrouped) {
  // lr 1.5 doubles |x| each step on sphere until x +- h coincide and the difference reads 0.
  const auto r = run("minimize --function sphere --lr 1.5 --steps 2000 --gtol 1e-8 --starts 100 --backend cpu");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("status: 0 finished, 0 converged, 0 stalled, 100 unresolved, 0 nonfinite\n  100 ended where some "
                       "x_i + h and x_i - h are the same number (|x_i| from about 2^53 h = 9e+11 on)"),
            std::string::npos)
      << r.out;
  const auto f32 = run("minimize --function sphere --lr 1.5 --steps 2000 --starts 10 --precision f32 --backend cpu");
  EXPECT_NE(f32.out.find("10 ended where some x_i + h and x_i - h are the same number (|x_i| from about 2^24 h = 1.7e+03 on)"),
            std::string::npos)
      << f32.out;
  EXPECT_NE(r.out.find("distinct minima: none\n  100 starts in no group: nonfinite or unresolved"), std::string::npos) << r.out;
  const auto json = run("minimize --function sphere --lr 1.5 --steps 2000 --gtol 1e-8 --starts 100 --backend cpu --json");
  ASSERT_EQ(json.status, 0) << json.out;
  EXPECT_EQ(nlohmann::json::parse(json.out)["status"]["unresolved"].get<long long>(), 100) << json.out;
  // Beyond the grid's reach, with an h that still resolves x there (1e17's spacing is 16).
  const auto far = run("minimize --expr \"0*x0 + 0*x1\" --box 1e16:1e17 --h 100 --starts 10 --steps 1 --backend cpu");
  ASSERT_EQ(far.status, 0) << far.out;
  EXPECT_NE(far.out.find("status: 10 finished"), std::string::npos) << far.out;
  EXPECT_NE(far.out.find("distinct minima: none\n  10 starts in no group: nonfinite or unresolved, with f not finite, or beyond "
                         "4.6e+18 x 0.001 from the origin\n"),
            std::string::npos)
      << far.out;
}

TEST_F(Cli, FinishedStartsStillMovingAreNamedAsNoMinimaYet) {
  // Sphere at lr 0.01: 100 steps shrink x by 0.98^100 = 0.133 alone, so from |x| >= 1.41 every start's
  // next step, lr |grad| = 0.02 |x| >= 0.0037, still moves more than 0.001: no two share a cell.
  const std::string args = "minimize --function sphere --dim 2 --box 1:5 --starts 200 --backend cpu";
  const auto text = run(args, "2>/dev/null");
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("status: 200 finished, 0 converged, 0 stalled, 0 unresolved, 0 nonfinite\n  200 of the finished still "
                          "moving: a next step would move them by lr |grad| > 0.001 (--cluster-tol)"),
            std::string::npos)
      << text.out;
  EXPECT_EQ(nlohmann::json::parse(run(args + " --json", "2>/dev/null").out)["still_moving"].get<long long>(), 200);
  // At 2000 steps they have settled (lr |grad| ~ 1e-19); at --steps 0 nothing was asked to move.
  for (const std::string more : {" --steps 2000", " --steps 0"}) {
    const auto settled = run(args + more, "2>/dev/null");
    EXPECT_EQ(settled.out.find("still moving"), std::string::npos) << more << "\n" << settled.out;
    EXPECT_EQ(nlohmann::json::parse(run(args + more + " --json", "2>/dev/null").out)["still_moving"].get<long long>(), 0) << more;
  }
  // A wider cell takes them: lr |grad| = 0.02 |x| <= 0.02 * 5 * 1.42 * 0.133 = 0.019.
  EXPECT_EQ(nlohmann::json::parse(run(args + " --json --cluster-tol 0.05", "2>/dev/null").out)["still_moving"].get<long long>(), 0);
}

TEST_F(Cli, AMinimumListedWithinTheTolOfABetterOneIsNamed) {
  // Booth's one minimum at 500 steps: 159 starts still creep along its flat direction, 4e-4 from it,
  // a group of their own (two "distinct minima" of a function that has one, and nothing said why).
  const auto r = run("minimize --function booth --steps 500 --starts 1e4 --backend cpu");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("distinct minima: 2 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  #2 (of #1) within 0.001 (--cluster-tol) of a better one along every axis: likely the same minimum, "
                       "with final\n  points not yet settled (more --steps)\nglobal minimum 0"),
            std::string::npos)
      << r.out;
  const auto settled = run("minimize --function booth --steps 2000 --starts 1e4 --backend cpu");
  EXPECT_NE(settled.out.find("distinct minima: 1 "), std::string::npos) << settled.out;
  EXPECT_EQ(settled.out.find("(--cluster-tol) of a better one"), std::string::npos) << settled.out;
  // Four minima far apart: none named.
  const auto four = run("minimize --function himmelblau --steps 300 --starts 1e4 --backend cpu");
  EXPECT_NE(four.out.find("distinct minima: 4 "), std::string::npos) << four.out;
  EXPECT_EQ(four.out.find("(--cluster-tol) of a better one"), std::string::npos) << four.out;
}

TEST_F(Cli, NoBestIsNamedAmongNonfiniteTrajectoriesThoughTheirFIsFinite) {
  // The step from (1, 1) overflows x: the trajectory keeps its last finite point, where f = 2.
  std::ofstream(path("start.csv")) << "1,1\n";
  const std::string args = "minimize --function sphere --init-file " + path("start.csv") + " --lr 1e308 --backend cpu";
  const auto text = run(args + " --out " + path("out.csv"));
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("best: none (every trajectory is nonfinite or unresolved, or ended with f not finite)\n"),
            std::string::npos)
      << text.out;
  std::ifstream out(path("out.csv"));
  const std::string rows(std::istreambuf_iterator<char>(out), {});
  EXPECT_NE(rows.find("\n1,1,2,"), std::string::npos) << rows;
  EXPECT_NE(rows.find(",nonfinite\n"), std::string::npos) << rows;
  const auto json = run(args + " --json");
  ASSERT_EQ(json.status, 0) << json.out;
  EXPECT_TRUE(nlohmann::json::parse(json.out)["best"].is_null()) << json.out;
}

TEST_F(Cli, TheMinimaAreCountedAndSmallSharesKeepTheirDigits) {
  // 2e5 scattered final points: 1 start is 0.0005%, which read 0.000%; the list says how many it leaves out.
  const auto r = run("minimize --function sphere --starts 2e5 --steps 1 --top 3 --backend cpu");
  ASSERT_EQ(r.status, 0) << r.out;
  long long groups = 0;
  const auto line = r.out.find("\ndistinct minima: ");
  ASSERT_NE(line, std::string::npos) << r.out;
  ASSERT_EQ(std::sscanf(r.out.c_str() + line, "\ndistinct minima: %lld (final points grouped in cells of side 0.001), the best 3,",
                        &groups),
            1)
      << r.out;
  EXPECT_GT(groups, 199000) << "few of the scattered points share a group";
  EXPECT_NE(r.out.find("global minimum 0 reached by 0% of starts (0;"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 0.0005%  ("), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("0.000%"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("in no group"), std::string::npos) << "every start is grouped: " << r.out;
  // Two points 2.8e-4 apart across a corner of the cells: one minimum (they were two).
  std::ofstream(path("corner.csv")) << "0.0009,0.0009\n0.0011,0.0011\n";
  const auto corner = run("minimize --expr \"0*x0 + 0*x1\" --init-file " + path("corner.csv") + " --steps 1 --json --backend cpu");
  ASSERT_EQ(corner.status, 0) << corner.out;
  EXPECT_EQ(nlohmann::json::parse(corner.out)["minima_total"].get<long long>(), 1) << corner.out;
  // 299999 starts at one point and 1 far off: 99.99967% is not all of them (it read 100.000%).
  std::ofstream many(path("many.csv"));
  for (int k = 0; k < 299999; ++k) many << "0,0\n";
  many << "1e6,1e6\n";
  many.close();
  const auto most = run("minimize --function sphere --init-file " + path("many.csv") + " --steps 0 --backend cpu");
  ASSERT_EQ(most.status, 0) << most.out;
  EXPECT_NE(most.out.find("  99.9997%  (0, 0)"), std::string::npos) << most.out;
  EXPECT_NE(most.out.find("reached by 99.9997% of starts (299999;"), std::string::npos) << most.out;
  EXPECT_EQ(most.out.find("100.000%"), std::string::npos) << most.out;
}

TEST_F(Cli, CudaRunsGroupOnTheDevice) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  const auto r = run("minimize --function himmelblau --starts 2e4 --steps 2000 --gtol 1e-10 --backend cuda --json");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto s = nlohmann::json::parse(r.out);
  EXPECT_EQ(s["backend"], "cuda");
  EXPECT_EQ(s["grouped_on"], "cuda");
  ASSERT_EQ(s["minima"].size(), 4u);
  EXPECT_NEAR(s["known_minimum"]["share_reached"].get<double>(), 1.0, 1e-12);
}

TEST_F(Cli, ExpressionsRunLikeTheirBuiltins) {
  expect_seed_example("--expr \"x0^2 + x1^2\"");

  // Rastrigin's formula with the built-in's box gives the built-in's summary.
  const std::string common = " --dim 3 --starts 500 --seed 4 --lr 1e-3 --backend cpu --json";
  const auto typed = run("minimize --expr \"" + find_builtin("rastrigin").formula + "\" --box -5.12:5.12" + common);
  const auto builtin = run("minimize --function rastrigin" + common);
  ASSERT_EQ(typed.status, 0) << typed.out;
  const auto a = nlohmann::json::parse(typed.out), b = nlohmann::json::parse(builtin.out);
  EXPECT_EQ(a["function"], find_builtin("rastrigin").formula);
  EXPECT_EQ(a["minima"].size(), b["minima"].size());
  EXPECT_TRUE(rel_near(a["best"]["f"].get<double>(), b["best"]["f"].get<double>(), 1e-12));
  EXPECT_FALSE(a.contains("known_minimum")) << "an expression has no known minimum";
}

TEST_F(Cli, AnExpressionOverSeveralLinesIsShownOnOne) {
  const std::string expression = " --expr \"$(printf 'x0^2 +\\r\\n\\t\\v\\fx1^2')\" --box -1:1 --steps 1 --backend cpu";
  const auto r = run("minimize --starts 3" + expression);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.rfind("x0^2 +     x1^2: 3 starts (seed 0), d = 2, on cpu", 0), 0u) << r.out;
  // trace's line and the dry run's too (they showed it as typed).
  const auto t = run("trace --sample 2 --out " + path("t.csv") + expression);
  ASSERT_EQ(t.status, 0) << t.out;
  EXPECT_EQ(t.out.rfind("x0^2 +     x1^2: 2 paths of 1 step, written to ", 0), 0u) << t.out;
  const auto dry = run("minimize --dry-run" + expression);
  ASSERT_EQ(dry.status, 0) << dry.out;
  EXPECT_EQ(dry.out.rfind("dry run: x0^2 +     x1^2 at d = 2: ", 0), 0u) << dry.out;
}

TEST_F(Cli, AnIndexOutOfRangeSaysWhereDCameFrom) {
  std::ofstream(path("two.csv")) << "1,2\n3,4\n";
  const std::string shifted = "minimize --expr \"sum(i=0..d-1, x[i+1]^2)\" ";
  const std::pair<std::string, std::string> sources[] = {
      {"--init-file " + path("two.csv"), "d = 2 from --init-file: " + path("two.csv") + " has 2 columns\n"},
      {"--box -1:1,-1:1", "d = 2 from --box\n"}};
  for (const auto& [source, last_line] : sources) {
    const auto r = run(shifted + source);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(r.out.rfind("fdgd: error: --expr: x2 is out of range for d = 2 (x0..x1) at column 15\n", 0), 0u) << r.out;
    EXPECT_TRUE(r.out.size() > last_line.size() && r.out.substr(r.out.size() - last_line.size()) == last_line) << r.out;
    // One that a larger d mends, though d + 1 does not (x[-2] at d = 2 and 3), still says where d came from.
    const auto larger_d = run("minimize --expr \"x[floor(d/2)-3]\" " + source);
    EXPECT_TRUE(larger_d.out.size() > last_line.size() && larger_d.out.substr(larger_d.out.size() - last_line.size()) == last_line)
        << larger_d.out;
    // A mistake no other d mends is shown without where d came from (it said so, as if d were the cause).
    const auto any_d = run("minimize --expr \"x[x0] + sum(i=0..d-1, x[i])\" " + source);
    EXPECT_EQ(any_d.out,
              "fdgd: error: --expr: an index or bound cannot depend on x or contain a sum at column 3\n"
              "  x[x0] + sum(i=0..d-1, x[i])\n    ^\n");
  }
}

TEST_F(Cli, ExpressionMistakesShowACaret) {
  const struct {
    std::string expression, extra, message, caret;
  } cases[] = {
      {"(1 - x0)^2 + 100*(x1 - sn(x0)^2)^2", "", "--expr: unknown function 'sn' (did you mean 'sin'?) at column 24",
       "                         ^"},
      {"x0 + x5", " --dim 3", "--expr: x5 is out of range for d = 3 (x0..x2) at column 6", "       ^"},
      // Without --dim too (it was "the expression uses d, a sum or no coordinate").
      {"x[-1]", "", "--expr: x[-1]: a coordinate index must be 0 or more at column 1", "  ^"},
      // A mistake no d would mend, without a line on where d came from (it said "d = 1 from x0").
      {"x[x0^0]", "", "--expr: an index or bound cannot depend on x or contain a sum at column 3", "    ^"},
      {"(x0 + 1", "", "--expr: expected ')' to close the '(' at column 1 but the expression ends at column 8", "         ^"},
      {"", "", "--expr: empty expression at column 1", "  ^"},
  };
  for (const auto& c : cases) {
    const auto r = run("minimize --expr \"" + c.expression + "\" --box -1:1" + c.extra + " --out " + path("out.csv"));
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(r.out, "fdgd: error: " + c.message + "\n  " + c.expression + "\n" + c.caret + "\n");
    EXPECT_FALSE(fs::exists(path("out.csv")));
  }
  // A built-in's name is no expression: where to give it.
  EXPECT_EQ(run("minimize --expr sphere").out,
            "fdgd: error: --expr: sphere is a built-in's name, not an expression: run it with --function sphere (`fdgd functions` "
            "prints its formula)\n");
  // Named before the starts' dimension is compared with the expression's (which took x0, the index's
  // own coordinate, for its highest, and asked for --dim 3, after which this came).
  std::ofstream(path("three.csv")) << "1,2,3\n4,5,6\n";
  const auto r = run("minimize --expr \"x[x0^0]\" --init-file " + path("three.csv"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out, "fdgd: error: --expr: an index or bound cannot depend on x or contain a sum at column 3\n  x[x0^0]\n    ^\n");
}

TEST_F(Cli, AnUpperCaseExtensionNamesTheFormatToo) {
  const auto r = run("minimize --function sphere --dim 3 --starts 10 --steps 1 --backend cpu --out " + path("OUT.NPY"));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(read_npy(path("OUT.NPY")).cols, 4);
  const auto again = run("minimize --function sphere --init-file " + path("OUT.NPY") + " --dim 4 --steps 1 --backend cpu --json");
  ASSERT_EQ(again.status, 0) << again.out;
  EXPECT_EQ(nlohmann::json::parse(again.out)["dim"].get<int>(), 4);
}

// A function of any d would take a saved f for one more coordinate, and run: a "resumed" run in d + 1
// dimensions, f frozen in as a coordinate. Refused, whatever the file's form, unless --dim says so.
TEST_F(Cli, ASavedFColumnIsNotTakenForACoordinate) {
  const auto refused = [&](const std::string& args, const std::string& words) {
    const auto r = run("minimize " + args + " --steps 0 --backend cpu");
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find(words), std::string::npos) << args << "\n" << r.out;
  };
  const std::string f32_out = " --dim 5 --starts 100 --precision f32 --backend cpu --quiet --out ";
  ASSERT_EQ(run("minimize --function styblinski_tang" + f32_out + path("st.npy")).status, 0);
  refused("--function styblinski_tang --init-file " + path("st.npy"),  // from an f32 run, read in f64
          "st.npy's last column is f at the other columns (as an --out .npy keeps it): a saved f, not a coordinate; drop it, "
          "a[:, :-1] in numpy (or give --dim 6 to run it in 6 dimensions)");
  refused("--expr \"sum(i=0..d-1, x[i]^4 - 16*x[i]^2 + 5*x[i]) / 2\" --init-file " + path("st.npy"), "a saved f");
  EXPECT_EQ(run("minimize --function styblinski_tang --init-file " + path("st.npy") + " --dim 6 --steps 0").status, 0);
  // The same rows as CSV without the header; and a header that names f.
  const table t = read_npy(path("st.npy"));
  {
    std::ofstream csv(path("rows.csv"));
    csv.precision(17);
    for (std::int64_t i = 0; i < t.rows; ++i)
      for (int j = 0; j < t.cols; ++j) csv << t.values[std::size_t(i * t.cols + j)] << (j + 1 < t.cols ? "," : "\n");
  }
  refused("--function styblinski_tang --init-file " + path("rows.csv"), "rows.csv's last column is f at the other columns");
  // A run that converged to f = 0 exactly (rastrigin's minimum) is told by its x.
  ASSERT_EQ(run("minimize --function rastrigin --dim 3 --starts 32 --box -0.4:0.4 --lr 0.001 --steps 3000 --backend cpu --out " +
                path("zero.npy"))
                .status,
            0);
  refused("--function rastrigin --init-file " + path("zero.npy"), "zero.npy's last column is f at the other columns");
  // A function of fixed d given one column more: named as a saved f too (it was only "is 2-D").
  ASSERT_EQ(run("minimize --function himmelblau --starts 7 --backend cpu --quiet --out " + path("h.npy")).status, 0);
  refused("--function himmelblau --init-file " + path("h.npy"),
          "h.npy has 3 columns but himmelblau is 2-D: is the last a saved f, as an --out file has it? drop it, a[:, :-1] in numpy");
  std::ofstream(path("named.csv")) << "x0,x1,f\n1,2,3\n";
  refused("--function sphere --init-file " + path("named.csv"),
          "named.csv's columns are named as an --out file's, x0..x1 then f: a saved f, not coordinates; keep x0..x1 (or give "
          "--dim 3 to run it in 3 dimensions)");
  std::ofstream(path("cut.csv")) << "x0,x1,f,grad_norm\n1,2,3,4\n";  // cut -d, -f1-4 of an --out CSV
  refused("--function sphere --init-file " + path("cut.csv"),
          "cut.csv's columns are named as an --out file's, x0..x1 then f and more");
  // Starts that only look alike are taken: f at the others differs from the last column on some row,
  // or agrees on one row alone, or where the others are all 0; and columns named by letters, the sixth f.
  std::ofstream(path("letters.csv")) << "a,b,c,d,e,f\n1,2,3,4,5,6\n";
  EXPECT_EQ(run("minimize --function sphere --init-file " + path("letters.csv") + " --steps 0").status, 0);
  std::ofstream(path("zeros.csv")) << "0,0,0\n0,0,0\n0,0,0\n";
  EXPECT_EQ(run("minimize --function sphere --init-file " + path("zeros.csv") + " --steps 0").status, 0);
  std::ofstream(path("starts.csv")) << "0.5,0.25,0.3125\n1,2,5\n3,4,0\n";  // the first two rows: x2 = x0^2 + x1^2
  EXPECT_EQ(run("minimize --function sphere --init-file " + path("starts.csv") + " --steps 0").status, 0);
  std::ofstream(path("one.csv")) << "1,1\n";
  EXPECT_EQ(run("minimize --function sphere --init-file " + path("one.csv") + " --steps 0").status, 0);
  std::ofstream(path("near.csv")) << "1e-7,0,0\n0,1e-7,0\n-1e-7,2e-7,0\n";  // near the minimum, f within 1e-12 of 0
  EXPECT_EQ(run("minimize --function sphere --init-file " + path("near.csv") + " --steps 0").status, 0);
  // f overflowing agrees with no saved number (inf <= inf did): starts beyond 1e154 for sphere, and
  // exp(100) in the f32 check of an f64 run.
  std::ofstream(path("far.csv")) << "3e200,0.5\n-2e200,1.5\n";
  EXPECT_EQ(run("minimize --function sphere --init-file " + path("far.csv") + " --steps 0").status, 0);
  std::ofstream(path("exp.csv")) << "100,0.5\n95,1\n";
  EXPECT_EQ(run("minimize --expr \"sum(i=0..d-1, exp(x[i]) - x[i])\" --init-file " + path("exp.csv") + " --steps 0").status, 0);
  // A header naming every column x0.. says the last is a coordinate; one naming a saved value in
  // another order than an --out's is refused too.
  std::ofstream(path("x_named.csv")) << "x0,x1,x2\n1,2,5\n2,3,13\n";
  EXPECT_EQ(run("minimize --function sphere --init-file " + path("x_named.csv") + " --steps 0").status, 0);
  std::ofstream(path("no_f.csv")) << "x0,x1,grad_norm\n1,2,3\n";
  refused("--function sphere --init-file " + path("no_f.csv"),
          "no_f.csv's column 3 is named grad_norm, as an --out file's: a saved grad_norm, not a coordinate; keep x0..x1");
  // Columns are coordinates by position: a header naming them x<k> elsewhere would start from other
  // points than it says (x0,x2,x1 over 0,3,1 is the start (0, 1, 3)), with --dim too; counted from 1 in
  // order is read so; and the coordinates' columns come first (an id column would be x0).
  std::ofstream(path("swapped.csv")) << "x0,x2,x1\n0,3,1\n";
  refused("--function sphere --init-file " + path("swapped.csv"),
          "swapped.csv's column 2 is named 'x2', but the columns are read by position, as x0, x1, ... (or x1, x2, ... counted "
          "from 1), whatever their names: put the coordinates' columns first and in that order");
  std::ofstream(path("swapped_from_1.csv")) << "x1,x3\n0,3\n";
  refused("--function booth --init-file " + path("swapped_from_1.csv"), "swapped_from_1.csv's column 2 is named 'x3'");
  // pandas' to_csv(index=False) of an array names its columns 0, 1, ...: a row of numbers, read as a start.
  std::ofstream(path("pandas.csv")) << "0,1,2\n1.5,2.5,3.5\n";
  EXPECT_EQ(warnings_of("minimize --function sphere --steps 0 --init-file " + path("pandas.csv")),
            "fdgd: warning: " + path("pandas.csv") +
                "'s first row, 0,1,2, is read as a start; if it is a header (pandas' to_csv names an array's columns so), "
                "drop it or name the columns x0,x1,...\n");
  std::ofstream(path("pandas.csv")) << "0,1,3\n1.5,2.5,3.5\n";
  EXPECT_EQ(warnings_of("minimize --function sphere --steps 0 --init-file " + path("pandas.csv")), "") << "not numbered so";
  std::ofstream(path("cr.csv")) << "x0\r,x1\n1,2\n";  // a name is escaped: a CR printed raw broke the line
  refused("--function sphere --init-file " + path("cr.csv"), "cr.csv's column 1 is named 'x0\\x0d', but");
  std::ofstream(path("savetxt.csv")) << "# x0,x1\n1,2\n";  // np.savetxt(..., delimiter=',', header='x0,x1')
  refused("--function sphere --init-file " + path("savetxt.csv"),
          "savetxt.csv's header begins with '#', and no line is a comment: its first column is named '# x0'; drop the '#' "
          "(np.savetxt writes it unless given comments='')");
  std::ofstream(path("f_first.csv")) << "f,x0,x1\n5,1,2\n";
  refused("--function sphere --init-file " + path("f_first.csv") + " --dim 3", "f_first.csv's column 1 is named 'f'");
  for (const std::string id : {"id,x0,x1", "id,x1,x2"}) {  // an id column first, the coordinates counted from 0 or 1
    std::ofstream(path("id.csv")) << id << "\n7,1,2\n";
    refused("--function sphere --init-file " + path("id.csv"), "id.csv's column 1 is named 'id'");
  }
  std::ofstream(path("from_1.csv")) << "x1,x2,x3\n1,2,5\n2,3,13\n";  // every column named: x3 is a coordinate, not f
  EXPECT_EQ(run("minimize --function sphere --init-file " + path("from_1.csv") + " --steps 0").status, 0);
  std::ofstream(path("f_from_1.csv")) << "x1,x2,f\n1,2,7\n3,4,9\n";  // and f named after them is a saved f
  refused("--function sphere --init-file " + path("f_from_1.csv"),
          "f_from_1.csv's column 3 is named f, as an --out file's: a saved f, not a coordinate; keep x1..x2 (or give --dim 3");
  std::ofstream(path("other.csv")) << "x,y,x01\n1,2,5\n";  // no name of the form x<k>
  EXPECT_EQ(run("minimize --function sphere --init-file " + path("other.csv") + " --steps 0").status, 0);
}

// In f32 at the default h, rounding f near -313 moves each point by up to 1.5e-3 a step, farther than
// the 1e-3 / 9 within which one minimum's points surely form one group: said, as is the remedy.
TEST_F(Cli, NoiseBeyondTheClusterToleranceIsWarnedOf) {
  const std::string args = "minimize --function styblinski_tang --dim 8 --starts 1000 --steps 300 --backend cpu";
  const auto f32 = run(args + " --precision f32");
  ASSERT_EQ(f32.status, 0) << f32.out;
  EXPECT_NE(f32.out.find(
                "fdgd: warning: rounding f (in f32 near a minimum listed, f = -313.3293: an ulp of 3.1e-05) makes each step move x "
                "by up to lr ulp(f) / 2h = 0.0015, more than --cluster-tol / (d + 1) = 0.00011"),
            std::string::npos)
      << f32.out;
  for (const std::string quiet : {"", " --precision f32 --h 1e-2", " --precision f32 --cluster-tol 0.02"}) {
    const auto r = run(args + quiet);
    EXPECT_EQ(r.out.find("warning"), std::string::npos) << quiet << "\n" << r.out;
  }
  // A tol far below the noise: every start its own minimum, said (a cap of 1000 tol kept it quiet).
  EXPECT_NE(run(args + " --precision f32 --cluster-tol 1e-8").out.find("fdgd: warning: rounding f"), std::string::npos);
  // A diverged run's f (rosenbrock from its box at the default lr, 3 steps: 3.4e43 listed) is no minimum's: quiet.
  const auto diverged = run("minimize --function rosenbrock --starts 100 --steps 3 --top 100 --backend cpu --cluster-tol 1e-8");
  ASSERT_EQ(diverged.status, 0) << diverged.out;
  EXPECT_EQ(diverged.out.find("fdgd: warning: rounding f"), std::string::npos) << diverged.out;
  // Listed or not, the minima split: --top 1 lists one of them.
  EXPECT_NE(run(args + " --precision f32 --top 1").out.find("fdgd: warning: rounding f"), std::string::npos);
  // At --steps 0 nothing has moved; of one start there is nothing to split.
  for (const std::string nothing : {"--starts 1000 --steps 0", "--starts 1 --steps 300"}) {
    const auto r = run("minimize --function styblinski_tang --dim 8 --precision f32 --backend cpu " + nothing);
    EXPECT_EQ(r.out.find("warning"), std::string::npos) << nothing << "\n" << r.out;
  }
}

/// The peak resident memory, in bytes, of the command run with `args` (split at spaces; stdout and
/// stderr to /dev/null).
double peak_memory_of(const std::string& args) {
  std::vector<std::string> words = {FDGD_CLI};
  std::istringstream in(args);
  for (std::string w; in >> w;) words.push_back(w);
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, FDGD_CLI, &quiet, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&quiet);
  EXPECT_EQ(spawned, 0);
  if (spawned != 0) return 0;  // (wait4 of pid 0 would wait for any child)
  int status = 0;
  rusage usage{};
  EXPECT_EQ(::wait4(pid, &status, 0, &usage), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << args;
  return double(usage.ru_maxrss) * 1024;  // kilobytes on Linux
}

// The check before a run counts what the run holds: a few starts at a large d hold, on each thread that
// evaluates a whole SIMD group of them, 2 d lane groups of the lockstep block (the estimate had none
// below 32 starts, and a run of 8 starts at d = 10^7 needed 11.6 GB against an estimate of 1 GB).
// A run whose gradient would take 10^12 additions or more on its busiest thread (d^2 a step of a start)
// is said to be long before it starts: sphere at d = 10^8 would have taken about 13 days, unsaid, and
// one start at d = 10^6 (10^12 on one thread, the others idle) minutes. (Checked by --dry-run.)
TEST_F(Cli, AGradientOfManyAdditionsIsWarnedOf) {
  const std::string r =
      warnings_of("minimize --function sphere --dim 1000000 --starts 10 --steps 0 --box -1:1 --threads 1 --dry-run");
  EXPECT_NE(r.find("fdgd: warning: at d = 1000000 the gradient takes about d^2 = 1e+12 additions a step of a start (it "
                   "redoes the sum after each moved term, for the reference's bits): up to 1e+13 for this run"),
            std::string::npos)
      << r;
  const std::string one = warnings_of("minimize --function sphere --dim 1000000 --starts 1 --steps 0 --box -1:1 --dry-run");
  EXPECT_NE(one.find("up to 1e+12 for this run"), std::string::npos) << one;
  // 7 starts, one block: on one thread whatever the threads (7 x 1.6e11).
  const std::string seven =
      warnings_of("minimize --function sphere --dim 400000 --starts 7 --steps 0 --box -1:1 --threads 8 --backend cpu --dry-run");
  EXPECT_NE(seven.find("up to 1.1e+12 for this run"), std::string::npos) << seven;
  EXPECT_EQ(warnings_of("minimize --function sphere --dim 100000 --starts 8 --steps 0 --box -1:1 --threads 2"), "")
      << "8e10 on one thread: not long";
  // trace too (it said nothing, and its first evaluation, of f and |grad| at the starts, took as long).
  const std::string traced =
      warnings_of("trace --function sphere --dim 1000000 --sample 1 --steps 0 --dry-run --out " + path("t.csv"));
  EXPECT_NE(traced.find("fdgd: warning: at d = 1000000 the gradient takes about d^2 = 1e+12 additions a step of a start"),
            std::string::npos)
      << traced;
}

// An expression too large for each coordinate's patch: its gradient evaluates it whole 2d times. A
// product of d sums of every coordinate at d = 1000, 1000 starts: hours, and it said nothing.
TEST_F(Cli, AnExpressionTooLargeForPatchesIsWarnedOf) {
  const std::string expression = " minimize --expr \"prod(i=0..d-1, sum(j=0..d-1, x[j]))\" --dim 1000 --box=-1:1 ";
  const std::string r = warnings_of(expression + "--backend cpu --dry-run");
  EXPECT_NE(r.find("fdgd: warning: --expr's program at d = 1000 is too large for its gradient to redo only what each "
                   "coordinate reaches: it evaluates f whole 2d times, about 2e+09 operations a step of a start, up to "
                   "2e+14 for this run, which may take long"),
            std::string::npos)
      << r;
  // Minutes on the interpreter (5.3e10 operations, at about 2e8 a second) are warned of too (not below 1e12).
  const std::string minutes = warnings_of(
      "minimize --expr \"sin(sum(i=0..d-1, x[i]))*sum(i=0..d-1, cos(x[i]))\" --dim 20000 "
      "--box=-1:1 --starts 2 --steps 10 --backend cpu --dry-run");
  EXPECT_NE(minutes.find("about 2.4e+09 operations a step of a start, up to 5.3e+10 for this run, which may take long"),
            std::string::npos)
      << minutes;
  // One start at --steps 0 of the same at d = 300: 10^8 operations, not long.
  EXPECT_EQ(warnings_of("minimize --expr \"prod(i=0..d-1, sum(j=0..d-1, x[j]))\" --dim 300 --box=-1:1 --backend cpu "
                        "--starts 1 --steps 0"),
            "");
}

// An expression of sums at a large d: its steps as a built-in's, and before them the preparation of each
// coordinate's part of the sums, about d^2 operations without a progress line (d = 3 10^5: minutes).
TEST_F(Cli, AnExpressionOfSumsAtALargeDimensionIsWarnedOf) {
  // Warned of before the preparation, which a dry run makes too (the memory check needs the program):
  // stopped after 2 s.
  const auto r = run_shell("timeout 2 " + std::string(FDGD_CLI) +
                           " minimize --expr \"sum(i=0..d-1, x[i]^2)\" --dim 300000 --starts 1 --steps 0 --box -1:1 "
                           "--backend cpu 2>&1 >/dev/null");
  EXPECT_NE(r.out.find("fdgd: warning: --expr at d = 300000: preparing each coordinate's part of the sums (products) takes "
                       "about d^2 = "
                       "9e+10 operations before the first step, which may take long"),
            std::string::npos)
      << r.out;
  const std::string steps = warnings_of(
      "minimize --expr \"sum(i=0..d-1, x[i]^2)\" --dim 5000 --starts 1 --steps 40000 --box -1:1 --backend cpu --dry-run");
  EXPECT_NE(steps.find("fdgd: warning: at d = 5000 the gradient takes about d^2 = 2.5e+07 additions a step of a start"),
            std::string::npos)
      << steps;
  EXPECT_EQ(warnings_of("minimize --expr \"sum(i=0..d-1, x[i]^2)\" --dim 2000 --starts 8 --steps 0 --box -1:1"), "");
  // d without a sum costs nothing a coordinate (its other warning: the coordinates it leaves out).
  EXPECT_EQ(warnings_of("minimize --expr \"d*x0^2\" --dim 100000 --starts 1 --steps 100 --box -1:1").find("d^2"),
            std::string::npos);
}

TEST_F(Cli, TheMemoryEstimateCoversAFewStartsAtALargeDimension) {
  options o;
  o.threads = 2;
  const int d = 50000;
  const double base = peak_memory_of("minimize --function sphere --dim 2 --starts 8 --steps 0 --threads 2 --backend cpu");
  const double peak = peak_memory_of("minimize --function sphere --dim " + std::to_string(d) +
                                     " --starts 8 --steps 0 --box -1:1 --threads 2 --backend cpu");
  const double estimate = host_bytes_needed(8, d, o);
  EXPECT_LE(peak - base, 1.1 * estimate + (4 << 20)) << "peak " << peak << ", base " << base << ", estimate " << estimate;
}

TEST_F(Cli, NpyOutputReadsBack) {
  const auto r = run("minimize --function rastrigin --dim 3 --starts 2^6 --seed 5 --out " + path("out.npy"));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("\nwritten: the 64 trajectories to " + path("out.npy") + "\n"), std::string::npos) << r.out;
  const table t = read_npy(path("out.npy"));
  EXPECT_EQ(t.rows, 64);
  EXPECT_EQ(t.cols, 4);
  // Under another name, a .npy is told by its first bytes, not read as a CSV of its header's text.
  fs::copy_file(path("out.npy"), path("saved.dat"));
  const auto renamed =
      run("minimize --function rastrigin --init-file " + path("saved.dat") + " --dim 4 --steps 0 --backend cpu --json");
  ASSERT_EQ(renamed.status, 0) << renamed.out;
  EXPECT_EQ(nlohmann::json::parse(renamed.out)["dim"].get<int>(), 4);
  const auto f_last = run("minimize --function rastrigin --init-file " + path("saved.dat") + " --steps 0");
  EXPECT_EQ(f_last.status, 2) << f_last.out;
  EXPECT_NE(f_last.out.find("saved.dat's last column is f at the other columns (as an --out .npy keeps it)"), std::string::npos)
      << f_last.out;
  // Its f column read as a coordinate of an expression of x0..x2 would run it in 4 dimensions, a frozen x3
  // splitting its minima: refused, unless --dim says so.
  const std::string formula = " --expr \"10*3 + x0^2 - 10*cos(2*pi*x0) + x1^2 - 10*cos(2*pi*x1) + x2^2 - 10*cos(2*pi*x2)\"";
  const auto as_expr = run("minimize" + formula + " --init-file " + path("out.npy") + " --steps 0");
  EXPECT_EQ(as_expr.status, 2) << as_expr.out;
  EXPECT_NE(as_expr.out.find("fdgd: error: --init-file: " + path("out.npy") +
                             " has 4 columns, but the expression's coordinates end at x2, dimension 3 (give --dim 4 to run it in 4 "
                             "dimensions; an --out .npy has f last: drop it, a[:, :-1] in numpy)"),
            std::string::npos)
      << as_expr.out;
  EXPECT_EQ(run("minimize" + formula + " --init-file " + path("out.npy") + " --steps 0 --dim 4").status, 0);
  const auto refused = [&](const std::string& args, const std::string& message) {
    const auto got = run(args);
    EXPECT_EQ(got.status, 2) << args << "\n" << got.out;
    EXPECT_NE(got.out.find(message), std::string::npos) << args << "\n" << got.out;
  };
  refused("trace --expr \"x0^2 + x1^2\" --start 1,2,3 --out " + path("t.csv"),
          "--start: 3 coordinates, but the expression's coordinates end at x1, dimension 2 (give --dim 3 to run it in 3 "
          "dimensions)");
  EXPECT_EQ(run("trace --expr \"x0^2 + x1^2\" --start 1,2,3 --dim 3 --steps 1 --out " + path("t.csv")).status, 0);
  // Fewer coordinates than the expression names: --dim cannot help, and is not offered.
  refused("trace --expr \"x0^2 + x1^2 + x2^2\" --start 1,2 --out " + path("t.csv"),
          "--start: 2 coordinates, but the expression's coordinates end at x2, dimension 3: the starts need 3 coordinates\n");
  const auto other = run("trace --expr \"x0^2 + x1^2\" --start 1,2,3 --dim 4 --out " + path("t.csv"));
  EXPECT_EQ(other.status, 2) << other.out;
  EXPECT_NE(other.out.find("fdgd: error: --dim 4 but --start has 3 coordinates"), std::string::npos) << other.out;
}

TEST_F(Cli, NpyOutputReadsBackInNumpy) {
  if (std::system("python3 -c 'import numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "skipped: python3 with numpy is absent (pip install numpy), so numpy.load is not checked";
  const auto r = run("minimize --function rastrigin --dim 3 --starts 2^6 --seed 5 --out " + path("out.npy"));
  ASSERT_EQ(r.status, 0) << r.out;
  const table t = read_npy(path("out.npy"));
  std::FILE* p = popen(
      ("python3 -c \"import numpy; a = numpy.load('" + path("out.npy") + "'); print(a.shape, a.dtype, repr(float(a[0, 3])))\"")
          .c_str(),
      "r");
  char buf[256] = {0};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  const std::string line(buf, n);
  EXPECT_NE(line.find("(64, 4) float64"), std::string::npos) << line;
  EXPECT_NE(line.find(std::to_string(t.values[3]).substr(0, 6)), std::string::npos) << line;
}

TEST_F(Cli, ATracedPathEndsAtTheStepItStopped) {
  // lr 1e300 overflows f at the first step: the path stops there (nonfinite), and its point was
  // repeated at steps 2..10 as if it rested at a minimum.
  const auto r = run("trace --function sphere --lr 1e300 --sample 3 --steps 10 --out " + path("t.csv"));
  ASSERT_EQ(r.status, 0) << r.out;
  std::ifstream in(path("t.csv"));
  std::vector<std::string> rows;
  for (std::string line; std::getline(in, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 7u) << "the header, then steps 0 and 1 of each path";
  for (std::size_t k = 4; k < 7; ++k) EXPECT_EQ(rows[k].rfind(std::to_string(k - 4) + ",1,", 0), 0u) << rows[k];
  // lr 10 runs off until x0 +- h coincide (within 10 steps), but never stops: every stretch is recorded.
  const auto off = run("trace --function sphere --lr 10 --start -3,4 --every 10 --out " + path("off.csv"));
  ASSERT_EQ(off.status, 0) << off.out;
  EXPECT_EQ(read_csv(path("off.csv")).rows, 11) << "steps 0, 10, ..., 100";
  // The starts' own checks name the flag they came from.
  const auto f32 = run("trace --function sphere --start 1e39,0 --precision f32 --out " + path("a.csv"));
  EXPECT_EQ(f32.status, 2);
  EXPECT_EQ(f32.out.rfind("fdgd: error: --start: start 0 coordinate 0 is 1e+39", 0), 0u) << f32.out;
}

TEST_F(Cli, TraceEndsOnceEveryPathHasStopped) {
  // lr 1e300 leaves every path nonfinite at its first step: the 10^9 steps left would record nothing.
  const auto r = run_shell("timeout 60 " + std::string(FDGD_CLI) +
                           " trace --function sphere --sample 20 --lr 1e300 --steps 1e9 --out " + path("stopped.csv") + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("20 paths of 1000000000 steps, every 1 step, written to " + path("stopped.csv") +
                       "\n  status at the end: 20 nonfinite (every path stopped, the last at step 1)\n"),
            std::string::npos)
      << r.out;
  std::ifstream trace(path("stopped.csv"));
  EXPECT_EQ(std::count(std::istreambuf_iterator<char>(trace), {}, '\n'), 1 + 40) << "the header, steps 0 and 1 of each path";
}

TEST_F(Cli, TraceSaysWhereItsPathsEnded) {
  // The file has no status column: the paths that diverged were said nowhere. Rosenbrock from its box at
  // the default lr runs off until x_i + h and x_i - h coincide, and its rows go on from there, frozen.
  const auto r = run("trace --function rosenbrock --dim 3 --sample 40 --seed 1 --every 4 --steps 30 --out " + path("r.csv"));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("rosenbrock: 40 paths of 30 steps, every 4 steps, written to " + path("r.csv") +
                       "\n  status at the end: 1 finished, 39 unresolved\n  the unresolved ended where some x_i + h and x_i - h "
                       "are the same number"),
            std::string::npos)
      << r.out;
  // All finished: nothing more; and no "every k steps" where k is not less than the steps.
  const auto all = run("trace --function sphere --sample 3 --steps 37 --every 1000 --out " + path("s.csv"));
  ASSERT_EQ(all.status, 0) << all.out;
  EXPECT_EQ(all.out, "sphere: 3 paths of 37 steps, written to " + path("s.csv") + "\n");
}

TEST_F(Cli, ADryRunChecksTheCommandAndRunsNothing) {
  // 10^12 additions a step of a start: the warning, what would run, and no file, at once.
  const auto r = run("minimize --function sphere --dim 1000000 --starts 10 --steps 1e6 --box -1:1 --threads 1 --dry-run --out " +
                     path("out.csv"));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("fdgd: warning: at d = 1000000 the gradient takes about d^2 = 1e+12 additions"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dry run: sphere at d = 1000000: 10 starts, 1000000 steps, on cpu (1 thread), about "), std::string::npos)
      << r.out;
  // Its rows' most, 25 characters a number: 10 x (25 x 1000002 + 40) bytes, and the header's 12 a column.
  EXPECT_NE(r.out.find("; --out " + path("out.csv") + " (up to 249.9 MiB) not written; nothing was run\n"), std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(path("out.csv")));
  const auto j = run("minimize --function rastrigin --dim 8 --starts 2^20 --dry-run --json --backend cpu", "2>/dev/null");
  ASSERT_EQ(j.status, 0) << j.out;
  const auto plan = nlohmann::json::parse(j.out);
  EXPECT_EQ(plan["dry_run"], true);
  EXPECT_EQ(plan["starts"], 1 << 20);
  EXPECT_EQ(plan["dim"], 8);
  EXPECT_EQ(plan["backend"], "cpu");
  EXPECT_TRUE(plan["out"].is_null());
  options o;
  o.backend = backend_kind::cpu;
  // The run's memory as the check before it counts it: the library's estimate and the box's bounds.
  EXPECT_EQ(plan["host_bytes_needed"].get<double>(), std::ceil(host_bytes_needed(1 << 20, 8, o) + 2 * 8 * 8));
  EXPECT_EQ(plan["grouping_bytes_at_most"].get<double>(), std::ceil(grouping_bytes_needed(1 << 20, 8, 0, 10)));
  EXPECT_TRUE(plan["out_bytes_at_most"].is_null());
  // A .npy's size is known: its 128-byte header and 8 (d + 1) bytes a start.
  const auto npy =
      run("minimize --function rastrigin --dim 8 --starts 2^20 --dry-run --json --out " + path("p.npy"), "2>/dev/null");
  EXPECT_EQ(nlohmann::json::parse(npy.out)["out_bytes_at_most"], 128 + 72 * (1 << 20)) << npy.out;
  // What a run would refuse, a dry run refuses.
  const auto huge = run("minimize --function sphere --starts 1e12 --backend cpu --dry-run");
  EXPECT_EQ(huge.status, 1) << huge.out;
  EXPECT_NE(huge.out.find("fdgd: error: not enough memory for 1000000000000 starts"), std::string::npos) << huge.out;
  std::string why;
  if (!cuda_device_available(0, &why)) {
    const auto cuda = run("minimize --function sphere --backend cuda --dry-run");
    EXPECT_EQ(cuda.status, 1) << cuda.out;
    EXPECT_NE(cuda.out.find("CUDA backend cannot run"), std::string::npos) << cuda.out;
  }
  const auto traced = run("trace --function himmelblau --sample 5 --dry-run --out " + path("t.csv"));
  ASSERT_EQ(traced.status, 0) << traced.out;
  EXPECT_NE(traced.out.find("dry run: himmelblau at d = 2: 5 paths of 100 steps, every 1 step, on "), std::string::npos)
      << traced.out;
  EXPECT_EQ(traced.out.find("grouping"), std::string::npos) << traced.out;
  EXPECT_FALSE(fs::exists(path("t.csv")));
  // The starts' own checks too (they came after the output file was made).
  const auto wide = run("trace --function sphere --start 1e39,0 --precision f32 --dry-run --out " + path("t.csv"));
  EXPECT_EQ(wide.status, 2) << wide.out;
  EXPECT_NE(wide.out.find("--start: start 0 coordinate 0 is 1e+39, beyond single precision's range"), std::string::npos)
      << wide.out;
  EXPECT_FALSE(fs::exists(path("t.csv")));
}

TEST_F(Cli, AnOutputLargerThanTheFreeSpaceIsRefusedOrWarnedOf) {
  // 10^5 final points and f of d = 2 (2.4 MB of .npy) on a file system of 1 MB: refused before the run
  // (it was warned of, and the run failed at its end).
  fs::create_directory(path("small"));
  if (std::system(("mount -t tmpfs -o size=1m tmpfs " + path("small") + " 2>/dev/null").c_str()) == 0) {
    const auto r = run("minimize --function sphere --starts 1e5 --out " + path("small/x.npy"));
    // 1056000 bytes against 1048576: the decimals that tell them apart, not "1.0 MiB" twice.
    const auto near = run("minimize --function sphere --starts 44000 --out " + path("small/x.npy"));
    EXPECT_EQ(std::system(("umount " + path("small")).c_str()), 0);
    EXPECT_EQ(near.status, 1) << near.out;
    EXPECT_NE(near.out.find("take at least 1.01 MiB, and the file system of '" + path("small") + "' has 1.00 MiB free"),
              std::string::npos)
        << near.out;
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_EQ(r.out.rfind("fdgd: error: --out: the 100000 trajectories take at least 2.3 MiB, and the file system of '" +
                              path("small") + "' has 1.0 MiB free: write less, or elsewhere\n",
                          0),
              0u)
        << r.out;
  } else {
    std::printf("not checked: mounting a small tmpfs fails here (not root, or no mounts in this container)\n");
  }
  fs::remove(path("small"));
  // A trace's paths may stop early (nonfinite), and their rows with them: 10^12 rows of up to 115
  // characters (115 TB), of which only the starts' are sure, are warned of.
  const auto trace = run_shell("timeout 2 " + std::string(FDGD_CLI) + " trace --function sphere --sample 1e6 --steps 1e6 --out " +
                               path("huge.csv") + " 2>&1");
  EXPECT_NE(trace.out.find("fdgd: warning: --out: the trace's 1e+12 rows may take up to 104.6 TiB, and the file system of '" +
                           dir_.string() + "' has "),
            std::string::npos)
      << trace.out;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 0) << "the temporary file stayed";
}

TEST_F(Cli, TraceRecordsThePathAndEndsWhereTheSeedEnds) {
  const auto r = run("trace --function sphere --start -3,4 --lr 0.1 --out " + path("trace.csv"));
  ASSERT_EQ(r.status, 0) << r.out;
  const table t = read_csv(path("trace.csv"));  // the header row is skipped
  ASSERT_EQ(t.rows, 101);
  ASSERT_EQ(t.cols, 5);
  EXPECT_EQ(t.values[2], -3);
  EXPECT_EQ(t.values[4], 25);
  const double* last = t.values.data() + 100 * 5;
  EXPECT_EQ(last[1], 100);
  // Recorded in stretches, the path still ends on the seed's bits.
  EXPECT_TRUE(rel_near(last[2], -6.111107928998789e-10, 1e-12));
  EXPECT_TRUE(rel_near(last[3], 8.148143905314271e-10, 1e-12));

  // The same path from the formula, recorded every 50 steps.
  const auto typed = run("trace --expr \"x0^2 + x1^2\" --start -3,4 --lr 0.1 --every 50 --out " + path("typed.csv"));
  ASSERT_EQ(typed.status, 0) << typed.out;
  const table from_formula = read_csv(path("typed.csv"));
  ASSERT_EQ(from_formula.rows, 3);
  EXPECT_EQ(from_formula.values[2 * 5 + 2], last[2]);
  EXPECT_EQ(from_formula.values[2 * 5 + 3], last[3]);

  // A coordinate below the least subnormal reads as the nearest double, as in a CSV file: 0.
  const auto tiny = run("trace --function sphere --start 1e-400,-3 --lr 0.1 --steps 1 --out " + path("tiny.csv"));
  ASSERT_EQ(tiny.status, 0) << tiny.out;
  EXPECT_EQ(read_csv(path("tiny.csv")).values[2], 0.0);
  const auto boxed = run("minimize --expr \"x0^2\" --box -1e-400:1 --starts 3 --steps 1 --json");
  ASSERT_EQ(boxed.status, 0) << boxed.out;
  // Spaces after the commas, as a CSV cell may have them.
  const auto spaced = run("trace --function sphere --start \"-3, 4\" --lr 0.1 --steps 100 --out " + path("spaced.csv"));
  ASSERT_EQ(spaced.status, 0) << spaced.out;
  EXPECT_EQ(read_csv(path("spaced.csv")).values.back(), last[4]) << "f at step 100, as from -3,4";
  EXPECT_EQ(run("minimize --expr \"x0^2 + x1^2\" --box \"-1:1, -2:2\" --starts 3 --steps 1").status, 0);

  // A trace is no set of starts: its rows are steps of paths, with two columns before x.
  const auto again = run("minimize --function sphere --init-file " + path("trace.csv"));
  EXPECT_EQ(again.status, 2) << again.out;
  EXPECT_NE(again.out.find("trace.csv is a trace (start,step,x0,...,f)"), std::string::npos) << again.out;
  // Told by its header's names, not its first bytes: through a pipe too, or with quoted names.
  const auto piped = run_shell("cat " + path("trace.csv") + " | " + std::string(FDGD_CLI) +
                               " minimize --function sphere --init-file /dev/stdin 2>&1");
  EXPECT_EQ(piped.status, 2) << piped.out;
  EXPECT_NE(piped.out.find("/dev/stdin is a trace (start,step,x0,...,f)"), std::string::npos) << piped.out;
  const auto quoted = run_shell("sed '1s/[a-z0-9]*/\"&\"/g' " + path("trace.csv") + " > " + path("quoted.csv") + " && " +
                                std::string(FDGD_CLI) + " minimize --function sphere --init-file " + path("quoted.csv") + " 2>&1");
  EXPECT_EQ(quoted.status, 2) << quoted.out;
  EXPECT_NE(quoted.out.find("quoted.csv is a trace"), std::string::npos) << quoted.out;
  // Without its header (tail -n +2), by its rows: whole start and step numbers, then x and f at x (it
  // ran as 5-D starts); --dim takes them as coordinates, as asked.
  const auto bare = run_shell("tail -n +2 " + path("trace.csv") + " > " + path("bare.csv") + " && " + std::string(FDGD_CLI) +
                              " minimize --function sphere --init-file " + path("bare.csv") + " 2>&1");
  EXPECT_EQ(bare.status, 2) << bare.out;
  EXPECT_NE(bare.out.find("bare.csv reads as a trace without its header: a start and a step, then x and f at x, on each row; its "
                          "rows are the steps of paths, not starts (or give --dim 5 to take them as coordinates)"),
            std::string::npos)
      << bare.out;
  EXPECT_EQ(run("minimize --function sphere --dim 5 --steps 0 --init-file " + path("bare.csv")).status, 0);

  // Two 1-D starts where they are meant: --dim 1 says so, and an expression of x0 alone has dimension 1.
  // (One naming no coordinate, given --dim 1, was asked its own dimension, and refused for want of --dim.)
  for (const std::string one_d : {"--function sphere --dim 1", "--expr x0^2", "--expr 7 --dim 1"}) {
    const auto ran = run("trace " + one_d + " --start 1 2 --steps 0 --out " + path("one_d.csv"));
    ASSERT_EQ(ran.status, 0) << ran.out;
    EXPECT_EQ(read_csv(path("one_d.csv")).rows, 2);
  }

  const auto sampled = run("trace --function himmelblau --sample 3e0 --every 1e1 --steps 95 --out " + path("h.csv"));
  ASSERT_EQ(sampled.status, 0) << sampled.out;
  const table h = read_csv(path("h.csv"));
  EXPECT_EQ(h.rows, 3 * 11);  // steps 0, 10, ..., 90, 95
  EXPECT_EQ(h.values[std::size_t(h.rows - 1) * 5 + 1], 95);

  const std::pair<std::string, std::string> mistakes[] = {
      {"trace --function sphere", "give the starts with --start (repeatable) or --sample K"},
      {"trace --function sphere --start 1,2 --sample 3", "--start and --sample exclude each other"},
      {"trace --function sphere --start 1,2 --start 1,2,3", "--start: '1,2,3' has 3 coordinates, the first had 2"},
      {"trace --function sphere --start 1,2 --start 3", "--start: '3' has 1 coordinate, the first had 2"},
      {"trace --function himmelblau --start 1,2,3", "--start: 3 coordinates but himmelblau is 2-D"},
      {"trace --function sphere --start 1,2 --dim 3", "--dim 3 but --start has 2 coordinates"},
      {"trace --function sphere --start 1 2",
       "--start: 2 starts of 1 coordinate (1 2; coordinates are separated by commas: "
       "one start is --start 1,2); give --dim 1 for 1-D starts"},
      {"trace --function sphere --start 1 --start 2 --start 3", "--start: 3 starts of 1 coordinate (1 2 3; "},
      {"trace --expr \"sum(i=0..d-1, x[i]^2)\" --start 1 2", "one start is --start 1,2"},
      {"trace --function himmelblau --start 1 2", "(1 2; coordinates are separated by commas: one start is --start 1,2)\n"},
      {"trace --expr \"x0^2 + x1^2\" --start 1 2", "one start is --start 1,2)\n"},               // 2-D: no --dim 1 advised
      {"trace --expr 3 --start 1 2", "one start is --start 1,2); give --dim 1 for 1-D starts"},  // no x: no dimension of its own
      {"trace --function sphere --start 1,2 --box 0:1", "--box shapes the starts --sample draws"},
      {"trace --function sphere --start 1,2 --seed 3", "--seed shapes the starts --sample draws"},
      {"trace --function sphere --start ''", "--start: empty value"},
      {"trace --function sphere --start 1,a", "--start"},
      {"trace --function sphere --every", "--every: no value given (--out follows it)"},
      {"trace --function sphere --start 1e400,1", "--start: '1e400,1' is not a point x0,x1,... of finite numbers within the range"},
      {"minimize --expr x0 --box -1e400:1", "--box coordinate 0: '-1e400:1' is not finite (or beyond the range of a double)"},
      {"trace --function sphere --start 1,2 --every 0", "--every: 0 must be >= 1"},
      {"trace --expr \"x0^2\" --sample 2", "--expr: give the search box with --box LO:HI (or the starts with --start)"},
      {"trace --function sphere --sample 0", "--sample: 0 must be >= 1"},
      {"trace --function sphere --sample -3", "--sample: -3 must be >= 1"},
      {"trace --function sphere --sample 1.5", "--sample: '1.5' is not a whole number (forms: 1000, 1e6, 2^20)"}};
  for (const auto& [bad, message] : mistakes) {
    const auto e = run(bad + " --out " + path("x.csv"));
    EXPECT_EQ(e.status, 2) << bad << "\n" << e.out;
    EXPECT_EQ(e.out.rfind("fdgd: error: ", 0), 0u) << e.out;
    EXPECT_NE(e.out.find(message), std::string::npos) << bad << "\n" << e.out;
    EXPECT_FALSE(fs::exists(path("x.csv")));
  }
  const auto huge = run("trace --function sphere --sample 9000000000000000000 --out " + path("x.csv"));
  EXPECT_EQ(huge.status, 1) << huge.out;
  EXPECT_NE(huge.out.find("use fewer --sample or a smaller --dim"), std::string::npos) << huge.out;  // trace has no --starts
}

TEST_F(Cli, NumbersAreDecimalAndExact) {
  // CLI11 alone read a leading zero as octal (--dim 010 ran at d = 8), where --starts read 10.
  const auto r = run("minimize --function sphere --dim 010 --threads 02 --starts 010 --steps 1 --json --quiet");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dim"], 10);
  EXPECT_EQ(j["starts"], 10);
  // A decimal just above the midpoint of 1 and the next double: CLI11's long double rounded it to 1.
  const auto lr =
      run("minimize --function sphere --lr 1.0000000000000001110223024625156540423631668090820312500001 "
          "--starts 3 --steps 1 --json --quiet");
  ASSERT_EQ(lr.status, 0) << lr.out;
  EXPECT_EQ(nlohmann::json::parse(lr.out)["lr"].get<double>(), std::nextafter(1.0, 2.0));
  // Counts too: through a double, 123456789012345678 steps became 123456789012345680.
  const auto steps =
      run("minimize --function sphere --lr 0.1 --gtol 1e-6 --steps 123456789012345678 --starts 2.5e1 --json --quiet");
  ASSERT_EQ(steps.status, 0) << steps.out;
  const auto s = nlohmann::json::parse(steps.out);
  EXPECT_EQ(s["steps"].get<long long>(), 123456789012345678LL);
  EXPECT_EQ(s["starts"].get<long long>(), 25);
  EXPECT_EQ(s["status"]["converged"].get<long long>(), 25);
  // 1000...0e-100005 (100005 zeros) is 1 exactly, and 10...0e-100001 10: the exponent, once held at
  // 100000, offset fewer zeros than there were (100000 starts, then 100).
  for (const auto& [zeros, count] : {std::pair<int, int>{100005, 1}, {100001, 10}}) {
    const std::string text = (count == 1 ? "1" : "10") + std::string(std::size_t(zeros), '0') + "e-" + std::to_string(zeros);
    const auto long_count = run("minimize --function sphere --steps 0 --json --quiet --starts " + text);
    ASSERT_EQ(long_count.status, 0) << long_count.out.substr(0, 300);
    EXPECT_EQ(nlohmann::json::parse(long_count.out)["starts"].get<long long>(), count);
  }
  // 0 steps: f and |grad| at the starts themselves.
  std::ofstream(path("start.csv")) << "1,2\n";
  const auto none = run("minimize --function sphere --init-file " + path("start.csv") + " --steps 0 --json --quiet");
  ASSERT_EQ(none.status, 0) << none.out;
  const auto z = nlohmann::json::parse(none.out);
  EXPECT_EQ(z["best"]["f"].get<double>(), 5);
  EXPECT_EQ(z["status"]["finished"].get<long long>(), 1);
}

TEST_F(Cli, EveryWholeNumberFlagTakesTheFormsOfStarts) {
  // --dim 1e3 and --threads 2^0 said "'1e3' is not a whole number", where --starts 1e3 was taken.
  const auto r = run("minimize --function sphere --dim 2^3 --top 1e1 --threads 2^0 --starts 1e1 --steps 1 --json --quiet");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dim"], 8);
  EXPECT_EQ(j["device"], "1 thread");
  EXPECT_EQ(j["top"], 10);
  EXPECT_EQ(j["minima"].size(), 10u);
}

TEST_F(Cli, ALeadingPlusReadsAsInAFile) {
  // A CSV file takes "+5" (printf's "%+e"); the flags said "'+0.5' is not a number".
  const auto r = run("minimize --function sphere --dim +3 --lr +0.5 --box +1:+2 --starts +4 --seed +7 --steps +2 --json --quiet");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dim"], 3);
  EXPECT_EQ(j["lr"], 0.5);
  EXPECT_EQ(j["starts"], 4);
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["steps"], 2);
  const auto off = run("minimize --function sphere --starts 2 --steps 1 --gtol -0 --json");
  ASSERT_EQ(off.status, 0) << off.out;
  EXPECT_FALSE(std::signbit(nlohmann::json::parse(off.out)["gtol"].get<double>())) << "-0 is off, said as 0";
  // Leading zeros are decimal, as --dim 010 is 10: CLI11 read --seed 010 as octal 8, other starts than asked.
  for (const std::string ten : {"010", "+0010"}) {
    const auto zeros = run("minimize --function sphere --starts 1 --steps 0 --json --seed " + ten);
    ASSERT_EQ(zeros.status, 0) << zeros.out;
    EXPECT_EQ(nlohmann::json::parse(zeros.out)["seed"], 10) << ten;
  }
  EXPECT_EQ(run("minimize --function sphere --starts 1 --steps 0 --json --seed 019").status, 0) << "not octal either";
  const auto twice = run("minimize --function sphere --lr ++0.5 --starts 4 --quiet");
  EXPECT_EQ(twice.status, 2);
  EXPECT_NE(twice.out.find("--lr: '++0.5' is not a number"), std::string::npos) << twice.out;
  const auto both = run("minimize --function sphere --dim +-3 --starts 4 --quiet");
  EXPECT_EQ(both.status, 2);
  EXPECT_NE(both.out.find("--dim: '+-3' is not a whole number"), std::string::npos) << both.out;
}

TEST_F(Cli, AnotherUsersFileInAStickyFolderIsRefusedBeforeTheRun) {
  // Only its owner (or the folder's, or root) may replace it there: the rename failed after the run.
  if (::geteuid() != 0) GTEST_SKIP() << "skipped: making another user's file needs root";
  const fs::path sticky = dir_ / "sticky";
  fs::create_directories(sticky);
  fs::permissions(sticky, fs::perms::all | fs::perms::sticky_bit);
  std::ofstream(sticky / "w.csv") << "old\n";
  fs::permissions(sticky / "w.csv", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                        fs::perms::group_write | fs::perms::others_read | fs::perms::others_write);
  const std::string out = path("said.txt"), target = (sticky / "w.csv").string();
  const pid_t child = ::fork();
  if (child == 0) {  // as nobody, its output in a file root opened
    std::FILE* said = std::fopen(out.c_str(), "w");
    if (!said || ::dup2(::fileno(said), 1) < 0 || ::dup2(::fileno(said), 2) < 0) ::_exit(100);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(101);
    ::execl(FDGD_CLI, FDGD_CLI, "minimize", "--function", "sphere", "--starts", "5", "--backend", "cpu", "--out", target.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(102);
  }
  int status = -1;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  std::ifstream said(out);
  const std::string message(std::istreambuf_iterator<char>(said), {});
  ASSERT_TRUE(WIFEXITED(status)) << message;
  EXPECT_EQ(WEXITSTATUS(status), 2) << "100-102: the child could not start as nobody\n" << message;
  EXPECT_EQ(message, "fdgd: error: --out: cannot replace '" + target + "': another user's file in a sticky folder ('" +
                         sticky.string() + "')\n");
  std::ifstream kept(target);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "old\n");
}

TEST_F(Cli, AnyNameTheFolderAcceptsCanBeWritten) {
  // The temporary name is short and hidden, not the target's name plus a suffix that made it too long.
  const std::string name = std::string(247, 'a') + ".csv";
  const auto r = run("minimize --function sphere --starts 3 --out " + path(name));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(fs::exists(path(name)));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(Cli, ASignalDuringAWriteLeavesNoFile) {
  // A trace of many starts writes for minutes; killed while its temporary file is open, nothing stays.
  fs::create_directories(path("out"));
  const std::string out = path("out/trace.csv");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::freopen("/dev/null", "w", stdout);
    ::execl(FDGD_CLI, FDGD_CLI, "trace", "--function", "sphere", "--sample", "1000", "--steps", "1e9", "--backend", "cpu",
            "--threads", "1", "--out", out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  bool writing = false;
  for (int k = 0; k < 1000 && !writing; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    writing = !fs::is_empty(path("out"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(writing) << "no temporary file appeared";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
  EXPECT_TRUE(fs::is_empty(path("out"))) << fs::directory_iterator(path("out"))->path();
}

TEST_F(Cli, AFailedWriteToStandardOutputFails) {
  for (const std::string args :
       {"functions", "minimize --function sphere --starts 3", "minimize --function sphere --starts 3 --json"}) {
    const auto r = run(args, "2>&1 >/dev/full");
    EXPECT_EQ(r.status, 1) << args << "\n" << r.out;
    EXPECT_EQ(r.out, "fdgd: error: could not write to standard output: No space left on device\n") << args;
  }
}

TEST_F(Cli, AClosedStandardStreamIsNeverTheOutFile) {
  // Closed (>&-), stdout or stderr was the next file opened: the --out's temporary file, which the
  // summary or a warning went into.
  const auto closed_err = run("trace --function sphere --start 1e200,1 --steps 2 --out " + path("t.csv"), ">/dev/null 2>&-");
  EXPECT_EQ(closed_err.status, 0) << closed_err.out;
  std::ifstream trace(path("t.csv"));
  std::string first;
  std::getline(trace, first);
  EXPECT_EQ(first, "start,step,x0,x1,f");
  // All three closed: each held, and the file is the trace's alone.
  const auto all_closed = run("trace --function sphere --start 1e200,1 --steps 2 --out " + path("t3.csv"), "<&- >&- 2>&-");
  EXPECT_EQ(all_closed.status, 1) << "standard output was closed";
  std::ifstream trace3(path("t3.csv"));
  std::getline(trace3, first);
  EXPECT_EQ(first, "start,step,x0,x1,f");
  const auto closed_out = run("minimize --function sphere --starts 3 --out " + path("m.csv"), "2>&1 >&-");
  EXPECT_EQ(closed_out.status, 1);
  EXPECT_EQ(closed_out.out, "fdgd: error: could not write to standard output: Bad file descriptor\n");
  EXPECT_EQ(read_csv(path("m.csv")).rows, 3);
}

TEST_F(Cli, AWarningThatCannotBeWrittenDoesNotEndTheRun) {
  std::ofstream(path("far.csv")) << "1e308,1e308\n3,4\n";  // --h vanishes at 1e308: a warning
  const auto full = run("minimize --function sphere --init-file " + path("far.csv") + " --steps 2 --out " + path("m.csv"),
                        ">/dev/null 2>/dev/full");
  EXPECT_EQ(full.status, 0);
  EXPECT_EQ(read_csv(path("m.csv")).rows, 2);
}

TEST_F(Cli, TheFileStandardOutputGoesToIsNotAnOut) {
  // The rename would have put the results in place of the summary and of what the file held.
  std::ofstream(path("log.csv")) << "precious\n";
  const auto same = run_shell(std::string(FDGD_CLI) + " minimize --function sphere --starts 2 --out " + path("log.csv") + " >>" +
                              path("log.csv") + " 2>" + path("err"));
  EXPECT_EQ(same.status, 2);
  std::ifstream log(path("log.csv")), err(path("err"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(log), {}), "precious\n");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(err), {}),
            "fdgd: error: --out: '" + path("log.csv") +
                "' is the file standard output is written to: give another file for the results\n");
  const auto errors = run_shell(std::string(FDGD_CLI) + " minimize --function sphere --starts 2 --out " + path("log.csv") + " 2>>" +
                                path("log.csv"));
  EXPECT_EQ(errors.status, 2);
  std::ifstream log_after(path("log.csv"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(log_after), {}),
            "precious\nfdgd: error: --out: '" + path("log.csv") +
                "' is the file standard error is written to: give another file for the results\n");
  // Through a link to /dev/stdout, into a pipe: said to be no regular file, not "No such file".
  fs::create_symlink("/dev/stdout", path("so.csv"));
  const auto piped =
      run_shell(std::string(FDGD_CLI) + " minimize --function sphere --starts 2 --out " + path("so.csv") + " 2>&1 | cat");
  EXPECT_NE(piped.out.find("not a regular file"), std::string::npos) << piped.out;
}

TEST_F(Cli, TheTextShowsALongPointCutShortAndTheJsonWhole) {
  const auto text = run("minimize --function sphere --dim 40 --starts 10 --steps 1 --backend cpu");
  ASSERT_EQ(text.status, 0) << text.out;
  const auto best = text.out.find("best: f = ");
  ASSERT_NE(best, std::string::npos) << text.out;
  const std::string line = text.out.substr(best, text.out.find('\n', best) - best);
  EXPECT_NE(line.find(", ... and 24 more)"), std::string::npos) << line;
  EXPECT_EQ(std::count(line.begin(), line.end(), ','), 17) << line;  // one before x, 15 between the 16 shown, one before ...

  const auto json = run("minimize --function sphere --dim 40 --starts 10 --steps 1 --backend cpu --json");
  ASSERT_EQ(json.status, 0) << json.out;
  EXPECT_EQ(nlohmann::json::parse(json.out)["best"]["x"].size(), 40u);
  // The best f in the fewest digits that read back, as the JSON and CSV write it (it had 17 digits;
  // the forms may differ, 0.0001 and 1e-04, the digits not).
  const double f = nlohmann::json::parse(json.out)["best"]["f"].get<double>();
  const std::size_t at = line.find("best: f = ") + 10;
  const std::string shown = line.substr(at, line.find(" at start ") - at);
  EXPECT_EQ(std::strtod(shown.c_str(), nullptr), f) << line;
  const auto significant = [](const std::string& number) {
    const std::string mantissa = number.substr(0, number.find_first_of("eE"));
    std::string digits;
    for (const char c : mantissa)
      if (std::isdigit(static_cast<unsigned char>(c)) && !(digits.empty() && c == '0')) digits += c;
    return digits.size();
  };
  char shortest[64];
  EXPECT_EQ(significant(shown), significant(std::string(shortest, std::to_chars(shortest, shortest + sizeof shortest, f).ptr)))
      << line;
  // The minima table's first row, the same minimum, shows the same digits (it had 15).
  EXPECT_NE(text.out.find("\n    1  " + std::string(22 - std::min<std::size_t>(22, shown.size()), ' ') + shown + "  "),
            std::string::npos)
      << text.out;
}

TEST_F(Cli, AClosedPipeIsNamedOnceWhereSigpipeIsIgnored) {
  // About 1 MB of summary (5000 minima of d = 8) into a reader that stops after one byte.
  const auto r =
      run_shell("trap '' PIPE; (" + std::string(FDGD_CLI) + " minimize --function sphere --dim 8 --starts 1e4 --steps 1 " +
                "--backend cpu --top 5000 2>" + path("err") + "; echo \"status $?\" >" + path("status") +
                ") | head -c 1 >/dev/null; " + "cat " + path("err") + " " + path("status"));
  EXPECT_EQ(r.out, "fdgd: error: could not write to standard output: Broken pipe\nstatus 1\n");
}

TEST_F(Cli, TheMemoryEstimateHonoursAnAddressSpaceLimit) {
  // Under `ulimit -v` (about 0.95 GiB) the system's free memory is not what the run can get.
  const auto r =
      run_shell("ulimit -v 1000000 && " + std::string(FDGD_CLI) + " minimize --function sphere --starts 3e7 --backend cpu 2>&1");
  EXPECT_EQ(r.status, 1) << r.out;
  const auto at = r.out.find(" GiB are available");
  ASSERT_NE(at, std::string::npos) << r.out;
  const double available = std::stod(r.out.substr(r.out.rfind(' ', at - 1) + 1));
  EXPECT_LE(available, 0.95) << r.out;
}

TEST_F(Cli, ThreadStacksBeyondAnAddressSpaceLimitAreRefusedBeforeTheRun) {
  // 4096 threads' stacks (8 MB each under ulimit -s 8192) in about 0.95 GiB: libgomp said only "Thread
  // creation failed"; and OMP_STACKSIZE, which sets them, is read in libgomp's forms.
  const std::string limit = "ulimit -v 1000000 && ";
  const auto r =
      run_shell(limit + std::string(FDGD_CLI) + " minimize --function sphere --starts 1e4 --threads 4096 --backend cpu 2>&1");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(r.out.rfind("fdgd: error: not enough address space for 4096 CPU threads under ulimit -v: their stacks take ", 0), 0u)
      << r.out;
  EXPECT_NE(r.out.find("; use fewer --threads (or a smaller OMP_STACKSIZE)\n"), std::string::npos) << r.out;
  const auto big = run_shell(limit + "OMP_STACKSIZE=1g " + std::string(FDGD_CLI) +
                             " minimize --function sphere --starts 10 --threads 2 --backend cpu 2>&1");
  EXPECT_EQ(big.out.rfind("fdgd: error: not enough address space for 2 CPU threads under ulimit -v: their stacks take 1.0 GiB", 0),
            0u)
      << big.out;
}

TEST_F(Cli, ATraceBeyondMemoryIsRefusedWithItsEstimateBeforeItStarts) {
  // 2e7 paths of d = 2 under about 0.95 GiB: a run of them fits (0.8 GiB), not with the trace's points
  // held beside it; the trace once started and ended in a bare "out of memory".
  const auto r = run_shell("ulimit -v 1000000 && " + std::string(FDGD_CLI) +
                           " trace --function sphere --sample 2e7 --steps 1 --out " + path("trace.csv") + " 2>&1");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(r.out.rfind("fdgd: error: not enough memory for 20000000 starts of dimension 2: the run needs about ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("use fewer --sample"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(path("trace.csv")));
  // Where not even the run fits, the figure is still the run's with the points held beside it (it was
  // minimize's alone): 10^12 points of 2 doubles, 14901.2 GiB more.
  const auto needs = [](const std::string& out) {
    const auto at = out.find("needs about ");
    return at == std::string::npos ? -1.0 : std::stod(out.substr(at + 12));
  };
  const auto trace = run("trace --function sphere --sample 1e12 --backend cpu --out " + path("trace.csv"));
  const auto minimize = run("minimize --function sphere --starts 1e12 --backend cpu");
  EXPECT_NEAR(needs(trace.out) - needs(minimize.out), 1e12 * 2 * 8 / double(1 << 30), 0.2) << trace.out << minimize.out;
}

TEST_F(Cli, AnExpressionsProgramBeyondMemoryIsNamedAndAFormulaOfFewCoordinatesAtALargeDIsWarnedOf) {
  // x0 at d = 3e7 under about 0.95 GiB: it ended in a bare "out of memory", then was named once its
  // program's change lists (one a coordinate) had taken what there was; now the run's own needs are
  // named before the program is made. The warning comes first: 1 coordinate named of 3e7.
  const auto r = run_shell("ulimit -v 1000000 && " + std::string(FDGD_CLI) +
                           " minimize --expr x0 --dim 30000000 --box=-1:1 --starts 1 --steps 0 2>&1");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(r.out.rfind("fdgd: warning: --expr names 1 of the d = 30000000 coordinates (--dim 30000000): the other 29999999 "
                        "do not enter f",
                        0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("\nfdgd: error: not enough memory for 1 start of dimension 30000000: the run needs about "),
            std::string::npos)
      << r.out;
  // A mistyped index implies a large d, said so; a formula of every coordinate is not warned of.
  const auto typo = run("minimize --expr \"x0^2 + x2000^2\" --box=-1:1 --starts 2 --steps 1 --quiet");
  EXPECT_EQ(typo.status, 0) << typo.out;
  EXPECT_NE(typo.out.find("fdgd: warning: --expr names 2 of the d = 2001 coordinates (d = 2001 from x2000)"), std::string::npos)
      << typo.out;
  const auto every = run("minimize --expr \"sum(i=0..d-1, x[i]^2)\" --dim 2000 --box=-1:1 --starts 2 --steps 1 --quiet");
  EXPECT_EQ(every.status, 0) << every.out;
  EXPECT_EQ(every.out.find("warning"), std::string::npos) << every.out;
}

TEST_F(Cli, APerCoordinateBoxGivesAnExpressionOfDItsDimension) {
  // A built-in of any d the same (it said "--box has 3 coordinates but the dimension is 2").
  for (const std::string f : {"--expr \"sum(i=0..d-1, x[i]^2)\"", "--function sphere"}) {
    const auto r = run("minimize " + f + " --box=-1:1,-2:2,-3:3 --starts 2 --steps 1 --json");
    ASSERT_EQ(r.status, 0) << r.out;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["dim"].get<int>(), 3) << f;
    EXPECT_EQ(j["box"]["hi"], nlohmann::json::parse("[1.0, 2.0, 3.0]")) << f;
  }
  // An expression whose coordinates imply its dimension keeps it: a box of another one is refused.
  const auto other = run("minimize --expr \"x0 + x1\" --box=-1:1,-2:2,-3:3 --starts 2");
  EXPECT_EQ(other.status, 2) << other.out;
  EXPECT_NE(other.out.find("--box has 3 coordinates but the dimension is 2"), std::string::npos) << other.out;
}

TEST_F(Cli, GroupingScatteredPointsBeyondMemoryIsWarnedOfAndNamedWithTheResultsKept) {
  // 1.2e7 starts of d = 2 under about 0.95 GiB: the run's arrays fit (0.5 GiB), but grouping 1.2e7
  // scattered final points does not (up to 64 bytes each): a warning before the run, the results
  // written, and one error naming the grouping (it was a bare "out of memory"). 1.2e6 of d = 32 do
  // not get there since the keys of cells are no longer kept (they did: 0.31 GiB of keys).
  const auto r =
      run_shell("ulimit -v 1000000 && " + std::string(FDGD_CLI) + " minimize --function sphere --dim 2 --starts 1.2e7 --steps 1 " +
                "--backend cpu --quiet --out " + path("out.npy") + " 2>&1");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(
      r.out.rfind(
          "fdgd: warning: if the final points stay scattered, grouping them into distinct minima needs up to 0.74 GiB, more than the ",
          0),
      0u)
      << r.out;  // the whole need (it said what it needs beyond what is left: "0.0 GiB more" in one case)
  EXPECT_NE(
      r.out.find("\nfdgd: error: out of memory grouping the 12000000 final points into distinct minima; the run's results are in " +
                 path("out.npy") + "\n"),
      std::string::npos)
      << r.out;
  EXPECT_EQ(read_npy(path("out.npy")).rows, 12000000);
  const auto d32 =
      run_shell("ulimit -v 1000000 && " + std::string(FDGD_CLI) + " minimize --function sphere --dim 32 --starts 1.2e6 --steps 1 " +
                "--backend cpu --quiet --json 2>&1");
  EXPECT_EQ(d32.status, 0) << d32.out.substr(0, 500);
  EXPECT_EQ(nlohmann::json::parse(d32.out)["minima"].size(), 10u);
}

TEST_F(Cli, EveryMinimumListedIsWrittenAsItComesNotHeldAsJson) {
  // 6e5 scattered final points of d = 8, all listed, under about 0.95 GiB: the whole summary as JSON
  // values and then as text took about 1.5 KB a minimum (1.7 GB max RSS for 1e6); written one minimum at
  // a time, 0.2 GB.
  for (const std::string mode : {"--json", ""}) {
    const auto r = run_shell("ulimit -v 1000000 && " + std::string(FDGD_CLI) +
                             " minimize --function sphere --dim 8 --starts 6e5 --steps 1 --backend cpu --quiet --top 1000000 " +
                             mode + " 2>&1 | grep -c '\"count\"\\|%  ('");
    EXPECT_EQ(r.out, "600000\n") << mode;
  }
}

TEST_F(Cli, AWritePastTheFileSizeLimitIsNamedAndLeavesTheOldFileAndTheSummary) {
  // Under `ulimit -f` the write fails ("File too large") instead of SIGXFSZ killing the process, which
  // left the temporary file behind; as a disk that filled during the run does, it leaves the old file,
  // and the summary is printed before the error (it was not printed at all).
  const std::string limited =
      "ulimit -f 1000 && " + std::string(FDGD_CLI) + " minimize --function sphere --starts 1e6 --quiet --out ";
  for (const std::string out : {"out.npy", "out.csv"}) {
    std::ofstream(path(out)) << "old\n";
    const auto r = run_shell(limited + path(out) + " 2>&1; echo status $?");
    const auto error = r.out.find("fdgd: error: cannot write " + path(out) +
                                  ": File too large (the trajectories are not saved: the summary is all the run left)\nstatus 1\n");
    EXPECT_NE(error, std::string::npos) << r.out;
    EXPECT_LT(r.out.find("\nbest: f = "), error) << r.out;
    EXPECT_EQ(r.out.find("written:"), std::string::npos) << r.out;
    std::ifstream old(path(out));
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(old), {}), "old\n");
  }
  const auto json = run_shell(limited + path("out.csv") + " --json 2>/dev/null");
  EXPECT_EQ(json.status, 1);
  EXPECT_EQ(nlohmann::json::parse(json.out)["starts"], 1000000) << json.out;
  const auto trace = run_shell("ulimit -f 1000 && " + std::string(FDGD_CLI) + " trace --function sphere --sample 1000 --out " +
                               path("trace.csv") + " 2>&1 >/dev/null; echo status $?");
  EXPECT_EQ(trace.out, "fdgd: error: cannot write " + path("trace.csv") + ": File too large\nstatus 1\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(path("")), fs::directory_iterator()), 2) << "the old files: no temporary one";
}

TEST_F(Cli, AnInitFileLargerThanMemoryIsNamed) {
  // A pipe whose one line never ends (1.5 GB of digits) under a 1 GiB address space: getline fails
  // as at the end of the file; the reader must not take that for the end ("no starts", or rows lost).
  const auto r = run_shell("ulimit -v 1000000 && (printf '1,2\\n3,4\\n'; head -c 1500000000 /dev/zero | tr '\\0' '1') | " +
                           std::string(FDGD_CLI) + " minimize --function sphere --init-file /dev/stdin 2>&1");
  EXPECT_EQ(r.status, 1) << r.out << "(what the machine lacks, as for many rows: not a mistake, status 2)";
  EXPECT_EQ(r.out, "fdgd: error: --init-file: /dev/stdin does not fit in memory (or under ulimit -v) as it is read\n");
  // A .npy is sized by its header before it is read: one start of d = 10^8 (800 MB of values, a sparse
  // file here) under a 1 GiB address space is refused with the run's estimate, unread (it was read, into
  // twice its size, and did not fit).
  const std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 100000000), }";
  const std::string padded = header + std::string(63 - (10 + header.size()) % 64, ' ') + "\n";
  {
    std::ofstream big(path("big.npy"), std::ios::binary);
    big << "\x93NUMPY" << char(1) << char(0) << char(padded.size() & 0xff) << char(padded.size() >> 8) << padded;
  }
  fs::resize_file(path("big.npy"), fs::file_size(path("big.npy")) + 800000000);
  const auto npy = run_shell("ulimit -v 1000000 && " + std::string(FDGD_CLI) + " minimize --function sphere --init-file " +
                             path("big.npy") + " 2>&1");
  EXPECT_EQ(npy.status, 1) << npy.out;
  EXPECT_NE(npy.out.find("fdgd: error: not enough memory for 1 start of dimension 100000000: the run needs about"),
            std::string::npos)
      << npy.out << "(read, it did not fit: 'does not fit in memory ... as it is read')";
  const std::string advice = "; use fewer starts in the file\n";  // not "or a smaller --dim": the file's width is d
  EXPECT_EQ(npy.out.substr(npy.out.size() - std::min(npy.out.size(), advice.size())), advice) << npy.out;
  // From a pipe the header's shape is checked as it comes, before the values: 10^12 starts were read
  // until memory ran out (without ulimit -v, gigabytes and on).
  ASSERT_EQ(mkfifo(path("pipe.npy").c_str(), 0600), 0);
  const std::string endless = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 2), }";
  const std::string endless_padded = endless + std::string(63 - (10 + endless.size()) % 64, ' ') + "\n";
  {
    std::ofstream head(path("header.bin"), std::ios::binary);
    head << "\x93NUMPY" << char(1) << char(0) << char(endless_padded.size() & 0xff) << char(endless_padded.size() >> 8)
         << endless_padded;
  }
  // (The writer under a timeout too: should fdgd never open the pipe, its open would wait for ever.)
  const auto pipe =
      run_shell("timeout 60 sh -c '(cat " + path("header.bin") + "; head -c 100000000 /dev/zero) > " + path("pipe.npy") +
                "' & timeout 60 " + std::string(FDGD_CLI) + " minimize --function sphere --init-file " + path("pipe.npy") +
                " 2>&1; status=$?; wait; exit $status");
  EXPECT_EQ(pipe.status, 1) << pipe.out;
  EXPECT_EQ(pipe.out.rfind("fdgd: error: not enough memory for 1000000000000 starts of dimension 2: the run needs about", 0), 0u)
      << pipe.out;
}

TEST_F(Cli, TheThreadsSaidAreTheThreadsThatRan) {
  // OMP_THREAD_LIMIT holds every team to one thread: the device line said "3 threads" all the same.
  const auto r = run_shell("OMP_THREAD_LIMIT=1 " + std::string(FDGD_CLI) +
                           " minimize --function sphere --starts 10 --threads 3 --backend cpu --json");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["device"], "1 thread") << r.out;
}

TEST_F(Cli, AnHSoLargeThatXIsLostIsWarnedAbout) {
  // 5.12 + 1e17 is 1e17: f(h) - f(-h) is 0 for sphere, whatever x, and every start "converged".
  EXPECT_EQ(warnings_of("minimize --function sphere --starts 10 --h 1e17"),
            "fdgd: warning: --h 1e+17 is so large that x + h and x - h round to h and -h at every start (|x| <= 5.12), so the "
            "central differences do not see x; the default is 0.0001\n");
  EXPECT_EQ(warnings_of("minimize --function sphere --starts 10 --h 1e9"), "") << "large, but x still counts";
  // The default h itself, next to starts of 1e-320: no default to suggest.
  EXPECT_EQ(warnings_of("minimize --function sphere --box 1e-320:2e-320 --starts 3 --steps 1"),
            "fdgd: warning: --h 0.0001 is so large that x + h and x - h round to h and -h at every start (|x| <= 2e-320), so the "
            "central differences do not see x\n");
}

TEST_F(Cli, AnHTooSmallForTheStartsIsWarnedAbout) {
  // Next to |x| = 5.12, x + 1e-17 and x - 1e-17 are the same double: every difference would be 0.
  EXPECT_EQ(warnings_of("minimize --function rastrigin --starts 10 --h 1e-17"),
            "fdgd: warning: --h 1e-17 is below the spacing of doubles near |x| = 5.12 (x + h and x - h round "
            "to the same number there), so the central differences are 0 there; the default is 0.0001\n");
  // The default h itself vanishes next to starts far out: then no other h is suggested.
  const std::string far_out = warnings_of("minimize --expr \"x0^2\" --box 1e13:2e13 --starts 3 --steps 1");
  EXPECT_EQ(far_out.rfind("fdgd: warning: --h 0.0001 is below the spacing of doubles near |x| = 20000000000000 (", 0), 0u)
      << far_out;
  EXPECT_EQ(far_out.substr(far_out.size() - std::min<std::size_t>(far_out.size(), 12)), "are 0 there\n") << far_out;
  // In single precision the spacing is wider: 1e-7 vanishes next to 5.12 in float, not in double.
  const std::string f32 = warnings_of("minimize --function rastrigin --starts 10 --h 1e-7 --precision f32");
  EXPECT_NE(f32.find("fdgd: warning: --h 1e-07 is below the spacing of floats near |x| = 5.12"), std::string::npos) << f32;
  EXPECT_EQ(warnings_of("minimize --function rastrigin --starts 10 --h 1e-7"), "");
  // Given starts: their largest coordinate; and trace warns the same way.
  std::ofstream(path("far.csv")) << "1,1e6\n";
  const std::string far = warnings_of("minimize --function sphere --init-file " + path("far.csv") + " --h 1e-11");
  EXPECT_NE(far.find("--h 1e-11 is below the spacing of doubles near |x| = 1000000"), std::string::npos) << far;
  const std::string trace = warnings_of("trace --function sphere --start 1,1e6 --h 1e-11 --steps 1 --out " + path("t.csv"));
  EXPECT_NE(trace.find("fdgd: warning: --h 1e-11"), std::string::npos) << trace;
  EXPECT_EQ(warnings_of("minimize --function rastrigin --starts 10"), "") << "no warning by default";
}

TEST_F(Cli, AnExpressionOfNoCoordinateAtItsDimensionIsWarnedAbout) {
  // Rosenbrock's formula at d = 1 is an empty sum: f is 0 everywhere, and no start would move.
  const std::string formula = " --expr \"sum(i=0..d-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)\" --box -2:2 --starts 3";
  EXPECT_EQ(warnings_of("minimize" + formula + " --dim 1"),
            "fdgd: warning: --expr names no coordinate at d = 1 (--dim 1): f is constant there, every gradient 0, and no start "
            "moves\n");
  EXPECT_EQ(warnings_of("minimize" + formula + " --dim 2"), "");
  const std::string traced = warnings_of("trace --expr \"sum(i=1..0, x[i])\" --start 1 --out " + path("t.csv"));
  EXPECT_NE(traced.find("fdgd: warning: --expr names no coordinate at d = 1 (--start: 1 coordinate)"), std::string::npos) << traced;
}

TEST_F(Cli, HelpGivesEachNumbersLimits) {
  // "FLOAT:a number" said nothing of what --lr, --h and --gtol take.
  for (const std::string command : {"minimize", "trace"}) {
    const auto help = run(command + " --help");
    ASSERT_EQ(help.status, 0) << help.out;
    EXPECT_NE(help.out.find("--lr FLOAT:finite and > 0"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--h FLOAT:finite and > 0"), std::string::npos) << help.out;
  }
  EXPECT_NE(run("minimize --help").out.find("--gtol FLOAT:0 or from 2^-511 (2^-63 in f32)"), std::string::npos);
}

TEST_F(Cli, VersionIsTheProjectsWithTheBackendsBuilt) {
  const auto r = run("--version");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.rfind("fdgd " FDGD_VERSION "\nCPU backend: ", 0), 0u) << r.out;
  std::string why;
  const bool cuda_built = cuda_device_available(0, &why) || why.find("built without CUDA") == std::string::npos;
  EXPECT_NE(r.out.find(cuda_built ? "\nCUDA backend: nvcc " : "\nno CUDA backend: "), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
}

TEST_F(Cli, EveryMistakeGetsOneLineAndTheRightStatusAndNoFile) {
  std::ofstream(path("ragged.csv")) << "1,2\n3\n";
  std::ofstream(path("word.csv")) << "1,2\n3,x\n";
  std::ofstream(path("nan.csv")) << "1,nan\n";
  std::ofstream(path("empty.csv")) << "";
  std::ofstream(path("bad.npy")) << "not numpy";
  std::ofstream(path("typo.csv")) << "5x,2\n3,4\n";
  std::ofstream(path("huge_shape.npy")) << std::string("\x93NUMPY\x01\x00\x76\x00", 10)
                                        << "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 2), }"
                                        << std::string(118 - 78 - 1, ' ') << "\n";
  fs::create_directories(path("folder.csv"));
  fs::create_symlink("loop.npy", path("loop.npy"));  // a .npy is sized from its header first: it threw there
  std::ofstream(path("big39.csv")) << "1e39,0\n";
  fs::create_symlink("/dev/null", path("to_null.csv"));
  fs::create_symlink("nowhere/x.csv", path("dangling.csv"));
  {
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }";
    header += std::string(118 - header.size() - 1, ' ') + "\n";  // the data starts at byte 128
    const double values[2] = {1.0, std::nan("")};
    std::ofstream npy(path("nan.npy"), std::ios::binary);
    npy << std::string("\x93NUMPY\x01\x00", 8) << char(header.size()) << char(0) << header;
    npy.write(reinterpret_cast<const char*>(values), sizeof values);
  }
  const std::string out = " --out " + path("out.csv");
  const struct {
    std::string args;
    int status;
    std::string message;
  } cases[] = {
      {"frobnicate", 2, "fdgd: error: unknown command 'frobnicate' (the command comes first: minimize, trace or functions)"},
      {"--bogus", 2, "fdgd: error: unknown option '--bogus' (the command comes first"},
      {"minimize --function sphere --bogus 1", 2, "--bogus"},
      {"minimize --function sphere --lr", 2, "--lr"},
      {"minimize --function sphere --lr abc", 2, "--lr: 'abc' is not a number"},
      // An empty value is a mistake, not 0, the default or nothing.
      {"minimize --function sphere --lr ''", 2, "--lr: empty value"},
      {"minimize --function sphere --gtol ''", 2, "--gtol: empty value"},
      {"minimize --function sphere --box ''", 2, "--box: empty value"},
      {"minimize --function sphere --init-file ''", 2, "--init-file: empty value"},
      {"minimize --function sphere --out ''", 2, "--out: empty value"},
      {"minimize --function sphere --seed 99999999999999999999", 2,
       "--seed: '99999999999999999999' is not a seed: decimal digits, 0..2^64-1"},
      {"minimize --function sphere --seed 1.5", 2, "--seed: '1.5' is not a seed"},
      {"minimize --function sphere --seed 1e3", 2, "--seed: '1e3' is not a seed: decimal digits, 0..2^64-1"},
      {"minimize --function sphere --init-file " + path("typo.csv") + " --starts 5", 2,
       "--starts and --init-file exclude each other"},
      {"minimize --function sphere --cluster-tol inf", 2, "--cluster-tol: inf must be finite and > 0"},
      {"minimize --function sphere --lr 0", 2, "--lr = 0"},
      {"minimize --function sphere --lr 1 --lr 2", 2, "--lr: given 2 times; give it once"},
      {"minimize --function sphere --json --json", 2, "--json: given 2 times; give it once"},
      {"minimize --function sphere --json=abc", 2, "--json: 'abc' is not on or off; give --json alone"},
      {"minimize --function sphere --quiet=maybe", 2, "--quiet: 'maybe' is not on or off; give --quiet alone"},
      {"minimize --function sphere --lr inf", 2, "--lr = inf"},
      {"minimize --function sphere --h -1", 2, "--h = -1"},
      {"minimize --function sphere --h 1e-50 --precision f32", 2, "--h = 1e-50 (is 0 in single precision"},
      {"minimize --function sphere --starts 0", 2, "--starts: 0 must be >= 1"},
      // A mistake is named before the memory check of a run too large (which said status 1 alone).
      {"minimize --function sphere --starts 1e10 --box 5:-5 --dry-run", 2, "--box coordinate 0: '5:-5' is empty or inverted"},
      {"minimize --function sphere --starts 1e10 --box -1:1,-1:1,-1:1 --dim 2", 2, "--box has 3 coordinates but the dimension"},
      {"minimize --function sphere --starts 1e12 --box -1.7e308:1.7e308", 2, "--box"},  // hi - lo overflows
      {"minimize --function sphere --starts 1e12 --box -1e39:1e39 --precision f32", 2, "beyond single precision's range"},
      {"minimize --function sphere --starts 1e10 --gtol 1e-300", 2, "--gtol = 1e-300 (is below 2^-511"},
      {"minimize --function sphere --gtol 1e-320", 2, "--gtol = 1e-320 (is below"},  // a subnormal as typed: not 9.99989e-321
      {"minimize --expr x0^2 --starts 1e10", 2, "--expr: give the search box with --box LO:HI"},
      {"trace --function sphere --sample 1e10 --lr -1 --out " + path("t.csv"), 2, "--lr = -1 (must be finite and > 0)"},
      {"minimize --function sphere --starts 0^99999999999999999999999", 2,
       "--starts: 0^99999999999999999999999 must be >= 1"},  // read as 0^0 = 1 where the exponent had too many digits
      {"minimize --function sphere --starts 12x", 2, "--starts: '12x'"},
      {"minimize --function sphere --steps -1", 2, "--steps: -1 must be >= 0"},
      {"", 2, "give a command: minimize, trace or functions"},
      {"--version extra 'a b'", 2, "--version: not expected beside it: extra 'a b' (give --version alone)"},  // was status 0
      {"-h --version", 2, "--version: not expected beside it: -h (give --version alone)"},                    // printed the version
      {"--version=", 2, "--version takes no value: give --version alone"},
      {"minimize --function sphere --dry-run=", 2, "--dry-run: empty value; give --dry-run alone"},
      {"minimize --functoin sphere", 2,
       "minimize: not expected: --functoin sphere; --functoin is no option of minimize (did you mean --function?)"},
      // As given, quoted where blanks or nothing would hide them (the words came reversed: x1 - x0^2).
      {"minimize \"x0^2 - x1\" --box -1:1", 2, "minimize: not expected: 'x0^2 - x1'"},
      {"minimize --function sphere a ''", 2, "minimize: not expected: a ''"},
      {"minimize --function sphere foo -- bar", 2, "minimize: not expected: foo bar"},  // the command's, then after --
      {"trace --function sphere --start 1,2 --gtol 1e-3 --out " + path("t.csv"), 2, "--gtol is no option of trace"},
      // A flag cut short, run on, or in other case: the one meant (--expression was taken for --precision).
      {"minimize --expression x0 --box -1:1", 2, "--expression is no option of minimize (did you mean --expr?)"},
      {"minimize --func sphere", 2, "--func is no option of minimize (did you mean --function?)"},
      {"minimize --function sphere --LR 1", 2, "--LR is no option of minimize (did you mean --lr?)"},
      {"minimize --function sphere --every=5", 2, "; --every is no option of minimize"},  // the flag, not --every=5
      // The other subcommand's flag says whose it is, not a near spelling.
      {"minimize --function sphere --every 5", 2, "--every is no option of minimize (it is trace's)"},
      {"trace --function sphere --start 1,2 --cluster-tol 1e-3 --out " + path("t.csv"), 2,
       "--cluster-tol is no option of trace (it is minimize's)"},
      {"minimize --function sphere --start 3", 2,
       "--start is no option of minimize (it is trace's; did you mean --starts N, or --init-file PATH?)"},
      {"minimize --function sphere --sample 5", 2,
       "--sample is no option of minimize (it is trace's; did you mean --starts N, or --init-file PATH?)"},
      {"minimize --function sphere --version", 2, "--version is no option of minimize (it is fdgd's own: fdgd --version, alone)"},
      {"minimize --function sphere -- --steps=5", 2, "; --steps=5 and --out follow --"},
      {"minimize --function sphere -- --json", 2,
       "; --json and --out follow --, after which nothing is read as an option"},  // (--out is added to each)
      {"minimize --function sphere --steps -0.5", 2, "--steps: '-0.5' is not a whole number"},
      {"minimize --function sphere --steps 1.2345e3", 2, "--steps: '1.2345e3' is not a whole number"},
      {"minimize --function sphere --starts 9000000000000000001", 2, "--starts: 9000000000000000001 is too large"},
      {"minimize --function sphere --starts 2^63", 2, "--starts: 2^63 is too large"},
      {"minimize --function sphere --steps 1.5", 2, "--steps: '1.5' is not a whole number"},
      {"minimize --function sphere --starts 1e20", 2, "--starts: 1e20 is too large"},
      {"minimize --function sphere --dim 0", 2, "--dim: 0 must be >= 1"},
      {"minimize --function sphere --dim abc", 2, "--dim: 'abc' is not a whole number"},
      // Decimal only: CLI11 read 010 as octal 8 and 0x10 as 16, and 1e-400 as 0 (gtol off).
      {"minimize --function sphere --dim 0x10", 2, "--dim: '0x10' is not a whole number"},
      {"minimize --function sphere --dim ' 2'", 2, "--dim: ' 2' is not a whole number"},
      {"minimize --function sphere --dim nan", 2, "--dim: 'nan' is not a whole number"},
      {"minimize --function sphere --top 4294967296", 2, "--top: 4294967296 must be <= 2147483647"},
      {"minimize --function sphere --lr 0x10", 2, "--lr: '0x10' is not a number"},
      {"minimize --function sphere --lr ' 1'", 2, "--lr: ' 1' is not a number"},
      {"minimize --function sphere --gtol 1e-400", 2, "--gtol: 1e-400 is beyond the range of a double"},
      {"minimize --function sphere --init-file " + path("typo.csv") + " --seed 5", 2,
       "--seed draws starts in the box; it has no use with --init-file"},
      {"minimize --function sphere --top 0", 2, "--top: 0 must be >= 1"},
      {"minimize --function sphere --seed -1", 2, "--seed: '-1' is not a seed: decimal digits, 0..2^64-1"},
      // The box alone would take 32 GB: refused before anything is allocated (it was killed by the OOM killer).
      {"minimize --function sphere --dim 2000000000 --starts 1000", 1, "not enough memory for 1000 starts of dimension 2000000000"},
      {"minimize --function sphere --threads -1", 2, "--threads: -1 must be >= 0"},
      {"minimize --function sphere --threads 100000", 2, "--threads: 100000 must be <= 4096"},  // crashed libgomp
      {"minimize --function sphere --threads 2^13", 2, "--threads: 2^13 must be <= 4096"},
      {"minimize --function sphere --dim 2.5", 2, "--dim: '2.5' is not a whole number (forms: 1000, 1e6, 2^20)"},
      // Named before the memory check (which it inflated into "not enough memory").
      {"minimize --function sphere --starts 10 --threads 2147483646", 2, "--threads: 2147483646 must be <= 4096"},
      {"minimize --function sphere --cluster-tol 0", 2, "--cluster-tol: 0 must be finite and > 0"},
      {"minimize --function sphere --box 3:1", 2, "--box coordinate 0: '3:1' is empty or inverted"},
      {"minimize --function sphere --box 0:1e-400", 2,
       "--box coordinate 0: '0:1e-400' is empty or inverted (need LO < HI); 1e-400 reads as 0, below the least double"},
      {"minimize --function sphere --box 5:1e-400", 2, "--box coordinate 0: '5:1e-400' is empty or inverted (need LO < HI)\n"},
      {"minimize --function sphere --box -1e308:1e308", 2, "fdgd: error: --box coordinate 0 is [-1e+308, 1e+308] (bounds must be"},
      {"minimize --function himmelblau --box -1:1,-2:2,-3:3", 2, "--box has 3 coordinates but the dimension is 2"},
      {"minimize --function rosenbrock --box -1:1,-2:2,-3:3 --dim 4", 2, "--box has 3 coordinates but the dimension is 4"},
      {"minimize --function sphere --box -1e39:1e39 --precision f32", 2, "beyond single precision's range"},
      // The starts' own checks name where the starts came from.
      {"minimize --function sphere --init-file " + path("nan.npy"), 2,
       "fdgd: error: --init-file: " + path("nan.npy") + ": start 0 coordinate 1 is not finite"},
      {"minimize --function sphere --init-file " + path("big39.csv") + " --precision f32", 2,
       "fdgd: error: --init-file: " + path("big39.csv") + ": start 0 coordinate 0 is 1e+39, beyond single precision's range"},
      {"minimize --function sphere --dim 3 --box 0:1,0:1", 2, "--box has 2 coordinates but the dimension is 3"},
      {"minimize --function himmelblau --dim 3", 2, "--dim 3 but himmelblau is 2-D"},
      {"minimize --function spere", 2, "unknown function 'spere' (did you mean 'sphere'?)"},
      {"minimize --function sphere --init-file " + path("missing.csv"), 2, "missing.csv: No such file or directory"},
      {"minimize --function sphere --init-file " + path("ragged.csv"), 2, "ragged.csv:2:1"},
      {"minimize --function sphere --init-file " + path("word.csv"), 2, "word.csv:2:3: 'x' is not a number"},
      {"minimize --function sphere --init-file " + path("nan.csv"), 2, "nan.csv:1:3"},
      {"minimize --function sphere --init-file " + path("empty.csv"), 2, "no starts"},
      {"minimize --function sphere --init-file " + path("bad.npy"), 2, "not a .npy file"},
      {"minimize --function sphere --init-file " + path("typo.csv"), 2, "typo.csv:1:1: '5x' is not a number"},
      {"minimize --function sphere --init-file " + path("huge_shape.npy"), 2, "huge_shape.npy: bad shape"},
      {"minimize --function sphere --init-file " + path("folder.csv"), 2, "folder.csv: it is a directory"},
      {"minimize --function sphere --init-file " + path("loop.npy"), 2, "loop.npy: cannot read: Too many levels of symbolic links"},
      {"minimize --function sphere --out " + path("nowhere/out.csv"), 2, "does not exist"},
      // A link whose folder is missing: the folder alone did not say why.
      {"minimize --function sphere --out " + path("dangling.csv"), 2,
       "--out: folder '" + path("nowhere") + "' does not exist (where the link '" + path("dangling.csv") + "' leads)"},
      {"minimize --function sphere --out " + path("out.txt"), 2, "must be a file name ending in .csv or .npy"},
      {"minimize --function sphere --out " + path(".csv"), 2,
       "must be a file name ending in .csv or .npy (a name that is only '.csv' is a hidden file's"},
      {"trace --function sphere --start 1,2 --out " + path(".csv"), 2,
       "must be a file name ending in .csv (a name that is only '.csv' is a hidden file's"},
      {"trace --function sphere --start 1,2 --out " + path("t.npy"), 2, "must be a file name ending in .csv"},
      {"minimize --function sphere --out /dev/null/out.csv", 2, "--out: '/dev/null' is not a folder"},
      // /proc takes no new file, which root's access() does not tell: the temporary file is tried first.
      {"minimize --function sphere --out /proc/fdgd-out.csv", 2, "--out: cannot write"},
      // Found before the run, where the write would find it after (and replace /dev/null as root).
      {"minimize --function sphere --out " + path("to_null.csv"), 2,
       "--out: cannot write '" + path("to_null.csv") + "': it leads to /dev/null, not a regular file"},
      {"minimize --function sphere --out " + path(std::string(300, 'a') + ".csv"), 2, "--out: the file name is longer"},
      {"minimize --box -1:1", 2, "give the function with --function NAME or --expr TEXT"},
      // CLI11 alone said "not expected: x0^2": the value of the option that follows.
      {"minimize --function --expr x0^2 --box -1:1", 2, "fdgd: error: --function: no value given (--expr follows it)"},
      {"minimize --function sphere --lr", 2, "fdgd: error: --lr: no value given (--out follows it)"},
      // A text option took the next option as its value: "--quiet" as the box, "--json" as the file.
      {"minimize --function sphere --box --quiet", 2, "fdgd: error: --box: no value given (--quiet follows it)"},
      {"minimize --expr --json --box -1:1", 2, "fdgd: error: --expr: no value given (--json follows it)"},
      {"minimize --function sphere --init-file --lr=0.1", 2, "fdgd: error: --init-file: no value given (--lr=0.1 follows it)"},
      {"trace --function sphere --start --every 2", 2, "fdgd: error: --start: no value given (--every follows it)"},
      {"minimize --function sphere -- --lr", 2, "; --lr and --out follow --"},  // not "--lr: no value given"
      {"minimize --function sphere --expr x0 --box -1:1", 2, "--function and --expr exclude each other: give one"},
      {"minimize --expr \"x0 + x1\"", 2, "--expr: give the search box with --box"},
      {"minimize --expr \"sum(i=0..d-1, x[i])\" --box -1:1", 2,
       "the expression uses d, a sum or a product: give its dimension with --dim (or a --box of LO:HI for each coordinate)"},
      {"trace --function sphere --starts 5 --out " + path("t.csv"), 2,
       "(it is minimize's; did you mean --sample K, or --start x0,x1,...?)"},
      // trace's --out, required, is asked after parsing: a mistyped flag is named first.
      {"trace --function sphere --start 1,2 --stpes 5", 2, "--stpes is no option of trace (did you mean --steps?)"},
      {"trace --function sphere --start 1,2", 2, "fdgd: error: --out is required: trace writes the paths to a .csv file"},
      {"minimize --expr \"prod(i=1..0, x0) + x0\" --box -1:1", 2, "the expression uses d, a sum or a product"},
      {"minimize --expr 3 --box -1:1", 2, "--expr: no dimension follows from the expression's coordinates"},
      {"minimize --expr x[2000000000] --box -1:1", 2, "--expr: no dimension follows from the expression's coordinates"},
      {"minimize --expr x[10^10] --box -1:1", 2, "--expr: no dimension follows from the expression's coordinates"},
      {"minimize --function sphere --box -5:5,", 2, "--box: '-5:5,' has an empty coordinate (a comma at an end, or two in a row)"},
      {"minimize --function sphere --box -5:5,,-1:1", 2, "--box: '-5:5,,-1:1' has an empty coordinate"},
      {"minimize --function sphere --dim ''", 2, "--dim: empty value"},
      {"minimize --function sphere --seed=", 2, "fdgd: error: --seed: empty value"},
      {"minimize --function sphere --seed= --quiet", 2, "fdgd: error: --seed: empty value"},
      {"minimize --function sphere --json=", 2, "fdgd: error: --json: empty value; give --json alone"},  // was on
      {"minimize --function sphere --top 99999999999999999999", 2, "--top: 99999999999999999999 must be <= 2147483647"},
      // A newline typed in a value (or a file's name) is escaped: printed, it broke the one line.
      {"minimize --function sphere --lr \"$(printf '1\\nx')\"", 2, "--lr: '1\\x0ax' is not a number"},
      {"minimize --function \"$(printf 'sph\\nere')\"", 2, "--function: unknown function 'sph\\x0aere'"},
      {"minimize --function sphere --init-file \"$(printf 'no\\nfile.csv')\"", 2, "cannot read no\\x0afile.csv"},
      {"minimize --function sphere \"$(printf 'a\\nb')\"", 2, "minimize: not expected: 'a\\x0ab'"},
      {"minimize --function sphere --threads -99999999999999999999", 2, "--threads: -99999999999999999999 must be >= 0"},
  };
  for (const auto& c : cases) {
    const auto r = run(c.args + (c.args.find("--out") == std::string::npos && c.args.rfind("minimize", 0) == 0 ? out : ""));
    EXPECT_EQ(r.status, c.status) << c.args << "\n" << r.out;
    EXPECT_EQ(r.out.rfind("fdgd: error: ", 0), 0u) << c.args << "\n" << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << c.args << "\n" << r.out;
    EXPECT_FALSE(fs::exists(path("out.csv"))) << c.args;
  }
  const auto huge = run("minimize --function sphere --starts 1e12 --backend cpu" + out);
  EXPECT_EQ(huge.status, 1) << huge.out;
  EXPECT_NE(huge.out.find("fdgd: error: not enough memory for 1000000000000 starts of dimension 2"), std::string::npos) << huge.out;
  EXPECT_FALSE(fs::exists(path("out.csv")));
  std::string why;
  if (!cuda_device_available(0, &why)) {
    const auto r = run("minimize --function sphere --backend cuda" + out);
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.out.find("CUDA backend cannot run"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(path("out.csv")));
    const auto e = run("minimize --expr x0^2 --box -1:1 --backend cuda" + out);
    EXPECT_EQ(e.status, 1) << e.out;
    EXPECT_NE(e.out.find("CUDA backend cannot run"), std::string::npos) << e.out;
    EXPECT_FALSE(fs::exists(path("out.csv")));
    // Found while a .npy is sized by its header: still what the machine lacks (status 1), not the file's
    // mistake ("--init-file: the CUDA backend ...", status 2).
    table two;
    two.rows = 2, two.cols = 2, two.values = {1, 2, 3, 4};
    write_csv(path("two.csv"), {"x0", "x1"}, two);
    ASSERT_EQ(run("minimize --function sphere --init-file " + path("two.csv") + " --steps 0 --backend cpu --out " + path("two.npy"))
                  .status,
              0);
    const auto npy = run("minimize --expr \"x0^2 + x1^2\" --init-file " + path("two.npy") + " --dim 3 --backend cuda" + out);
    EXPECT_EQ(npy.status, 1) << npy.out;
    EXPECT_EQ(npy.out.rfind("fdgd: error: the CUDA backend cannot run", 0), 0u) << npy.out;
  }
}

}  // namespace
}  // namespace fdgd::test
