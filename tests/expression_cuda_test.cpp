// --expr for CUDA: the generated source, compiled by NVRTC here (no GPU needed), and the run on a GPU.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include <unistd.h>
#if defined(FDGD_HAS_CUDA)
#include <nvrtc.h>
#endif

#include "host/expression/cuda_source.hpp"
#include "host/expression/kernel_cache.hpp"
#include "host/expression/rtc_headers.hpp"
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

/// Points FDGD_CACHE_DIR at a fresh folder for one test.
class KernelCache : public testing::Test {
 protected:
  void SetUp() override {
    // Per process and test: ctest -j runs the KernelCache tests side by side.
    dir_ = std::filesystem::temp_directory_path() / ("fdgd_kernel_cache_test_" + std::to_string(::getpid()) + "_" +
                                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    setenv("FDGD_CACHE_DIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("FDGD_CACHE_DIR");
    std::filesystem::remove_all(dir_);
  }
  // Each file in the cache folder with its size and time of writing.
  std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>> cache_entries() const {
    std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>> entries;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_))
      if (e.is_regular_file()) entries[e.path().string()] = {e.file_size(), e.last_write_time()};
    return entries;
  }
  std::filesystem::path dir_;
};

TEST_F(KernelCache, SecondLookupHitsAndADamagedEntryIsRebuilt) {
  EXPECT_EQ(expr::kernel_cache_folder(), dir_.string());
  int builds = 0;
  auto build = [&] {
    ++builds;
    return std::string("image\0with a zero byte", 23);
  };
  bool hit = true;
  EXPECT_EQ(expr::cached_kernel("key one", build, &hit), std::string("image\0with a zero byte", 23));
  EXPECT_FALSE(hit);
  EXPECT_EQ(expr::cached_kernel("key one", build, &hit).size(), 23u);
  EXPECT_TRUE(hit);
  EXPECT_EQ(builds, 1);
  expr::cached_kernel("key two", build, &hit);
  EXPECT_FALSE(hit) << "another key is another entry";
  EXPECT_EQ(builds, 2);

  // Flip one byte of every entry's image, then truncate one: each is detected and rebuilt.
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-3, std::ios::end);
    f.put('#');
  }
  expr::cached_kernel("key one", build, &hit);
  EXPECT_FALSE(hit);
  EXPECT_EQ(builds, 3);
  expr::cached_kernel("key one", build, &hit);
  EXPECT_TRUE(hit) << "rebuilt entry is good again";
  for (const auto& e : std::filesystem::directory_iterator(dir_))
    std::filesystem::resize_file(e.path(), std::filesystem::file_size(e.path()) - 1);
  EXPECT_EQ(expr::cached_kernel("key one", build, &hit).size(), 23u);
  EXPECT_FALSE(hit);
}

TEST_F(KernelCache, ADamagedImageSizeIsRebuiltNotAllocated) {
  auto build = [] { return std::string("image"); };
  bool hit = true;
  expr::cached_kernel("key", build, &hit);
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    const auto at = text.find("key5 ");  // the key, then the image's size
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(at, 5, "key1000000000000000 ");  // a petabyte: allocating it would throw std::bad_alloc
    std::ofstream(e.path(), std::ios::binary) << text;
  }
  EXPECT_EQ(expr::cached_kernel("key", build, &hit), "image");
  EXPECT_FALSE(hit);
}

TEST_F(KernelCache, ARebuildStoresOverAGoodEntry) {
  int builds = 0;
  auto build = [&] { return std::string(1, char('a' + builds++)); };
  bool hit = true;
  EXPECT_EQ(expr::cached_kernel("k", build, &hit), "a");
  EXPECT_EQ(expr::cached_kernel("k", build, &hit, true), "b") << "the entry is not read";
  EXPECT_FALSE(hit);
  EXPECT_EQ(expr::cached_kernel("k", build, &hit), "b") << "and the new image replaced it";
  EXPECT_TRUE(hit);
}

TEST_F(KernelCache, AnUnwritableFolderOnlyCostsACompilation) {
  setenv("FDGD_CACHE_DIR", "/proc/fdgd-cannot-be-here", 1);
  int builds = 0;
  auto build = [&] { return std::string(1, char('a' + builds++)); };
  EXPECT_EQ(expr::cached_kernel("k", build), "a");
  EXPECT_EQ(expr::cached_kernel("k", build), "b");
}

#if defined(FDGD_HAS_CUDA)
TEST(ExpressionCuda, EveryBuiltinsFormulaCompilesWithNvrtc) {
  for (const auto& b : builtin_functions()) {
    const int d = b.fixed_dim ? b.fixed_dim : 8;
    // d = 200: beyond the generated patches, sums as loops.
    for (const auto& [prec, fixed, dim] :
         {std::tuple{precision::f64, d, d}, std::tuple{precision::f32, d, d}, std::tuple{precision::f64, 0, d},
          std::tuple{precision::f64, 0, b.fixed_dim ? d : 200}}) {
      SCOPED_TRACE(b.name + (prec == precision::f32 ? " f32" : " f64") +
                   (fixed ? " fixed d" : " run-time d = " + std::to_string(dim)));
      const std::string ptx = expr::nvrtc_compile(expr::cuda_source(program_of(b.formula, dim), prec, fixed), "compute_90");
      for (const char* entry : {"fdgd_generate_starts", "fdgd_reset", "fdgd_advance", "fdgd_evaluate"})
        EXPECT_NE(ptx.find(std::string(".entry ") + entry), std::string::npos) << entry;
    }
  }
}

TEST(ExpressionCuda, MinAndMaxCompileInBothPrecisions) {
  for (const precision prec : {precision::f64, precision::f32}) {
    const std::string src = expr::cuda_source(program_of("min(x0, 3, x1) - max(2.5, -x0) + min(-x1, x1)", 2), prec, 2);
    EXPECT_NE(src.find("fdgd::math::min_number("), std::string::npos) << "the CPU's own code, not the GPU library's fmin";
    EXPECT_NE(expr::nvrtc_compile(src, "compute_90").find(".entry fdgd_advance"), std::string::npos);
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

TEST(ExpressionCuda, CacheKeyCarriesTheArchitectureAndEveryBuiltInHeader) {
  const std::string source = expr::cuda_source(program_of("x0^2 + x1^2", 2), precision::f64, 2);
  const std::string key = expr::nvrtc_cache_key(source, "sm_90");
  EXPECT_EQ(key.rfind(source, 0), 0u);
  EXPECT_NE(key, expr::nvrtc_cache_key(source, "sm_80"));
  EXPECT_NE(key.find("--fmad=false"), std::string::npos);
  // A new fdgd (any edit of the step or difference code NVRTC compiles in) never takes an old kernel.
  ASSERT_FALSE(expr::rtc_headers().empty());
  for (const auto& h : expr::rtc_headers()) EXPECT_NE(key.find(h.text), std::string::npos) << h.name;
}

// A GPU newer than NVRTC knows (an sm_120 card beside an older toolkit) gets PTX of the newest
// architecture NVRTC knows below it, which the driver compiles: passed its own "sm_" it was refused.
TEST(ExpressionCuda, AnArchitectureNvrtcDoesNotKnowGetsPtxOfTheNewestBeforeIt) {
  EXPECT_EQ(expr::nvrtc_arch(9, 0), "sm_90");
  int count = 0;
  ASSERT_EQ(nvrtcGetNumSupportedArchs(&count), NVRTC_SUCCESS);
  std::vector<int> known(static_cast<std::size_t>(count));
  ASSERT_EQ(nvrtcGetSupportedArchs(known.data()), NVRTC_SUCCESS);
  const int newest = *std::max_element(known.begin(), known.end());
  EXPECT_EQ(expr::nvrtc_arch(99, 9), "compute_" + std::to_string(newest));
  const int oldest = *std::min_element(known.begin(), known.end());
  try {
    expr::nvrtc_arch(oldest / 10 - 1, 0);
    ADD_FAILURE() << "a device older than NVRTC knows was given an architecture";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("NVRTC compiles for none of the architectures up to the device's"), std::string::npos)
        << e.what();
  }
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

TEST_F(KernelCache, EveryBuiltinsFormulaOnTheGpuGivesTheBuiltinsTrajectories) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  for (const auto& b : builtin_functions()) {
    const std::vector<int> dims =
        b.fixed_dim ? std::vector<int>{b.fixed_dim} : std::vector<int>{8, 40, 70};  // 40: run-time d; 70: sums as loops
    for (const int dim : dims) {
      SCOPED_TRACE(b.name + " d = " + std::to_string(dim));
      const auto box = b.box(dim);
      const starts s = starts::uniform(box.lo, box.hi, 3000, 5);
      options o;
      o.lr = 1e-3;
      o.backend = backend_kind::cpu;
      const result cpu = minimize(b.name, s, o);
      o.backend = backend_kind::cuda;
      const compiled_expression compiled(b.formula, dim);
      const result gpu = compiled.minimize(s, o);
      EXPECT_EQ(gpu.backend, "cuda");
      EXPECT_GT(gpu.compile_seconds, 0.0) << "compiled: the cache folder is new";
      const double scale = largest_bound(box.lo, box.hi);  // as CudaAgainstCpu: libdevice is not glibc
      for (std::size_t k = 0; k < cpu.x.size(); ++k)
        ASSERT_TRUE(near_on_scale(gpu.x[k], cpu.x[k], cuda_cpu_tolerance(b.name), scale)) << "coordinate " << k;
      for (std::size_t i = 0; i < cpu.f.size(); ++i) ASSERT_EQ(gpu.status[i], cpu.status[i]) << i;
      const result again = compiled.minimize(s, o);
      EXPECT_EQ(again.compile_seconds, 0.0) << "the same compiled_expression compiles nothing again";
      expect_identical(again, gpu);
      const auto cached = cache_entries();
      const result fresh = minimize_expression(b.formula, s, o);
      EXPECT_EQ(cache_entries(), cached) << "a new compile of the same expression takes its kernels from the cache";
      expect_identical(fresh, gpu);
    }
  }
}

TEST(ExpressionCuda, MinAndMaxGiveTheCpusBitsEvenOfZeros) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  // Arithmetic alone agrees bit for bit; min and max of two zeros must pick the same zero too.
  const starts s = starts::given({0.0, 0.0, -0.0, 0.0, 0.0, 1.0, 1e-300, -0.0, -3.0, 0.25}, 2);
  for (const char* text : {"min(-x0, x0) * (1 + x1^2)", "max(-x0, x0) - min(x1, -x1) + max(x0, 0) * x1"}) {
    SCOPED_TRACE(text);
    options o;
    o.steps = 3;
    o.backend = backend_kind::cpu;
    const result cpu = minimize_expression(text, s, o);
    o.backend = backend_kind::cuda;
    expect_identical(minimize_expression(text, s, o), cpu);
  }
}

TEST_F(KernelCache, AnEntryTheDriverWillNotLoadIsCompiledAfresh) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  options o;
  o.backend = backend_kind::cuda;
  const starts s = starts::given({-3.0, 4.0, 1.0, 2.0}, 2);
  const result first = minimize_expression("x0^2 + 3*x1^2", s, o);
  ASSERT_EQ(cache_entries().size(), 1u);
  // Its key, as stored (a line of fdgd-kernel-cache's name, one of the key's size, the key), kept
  // over an image that passes every check of the cache's but is no module.
  std::ifstream in(cache_entries().begin()->first, std::ios::binary);
  std::string magic, size;
  std::getline(in, magic);
  std::getline(in, size);
  std::string key(std::stoul(size), '\0');
  in.read(key.data(), std::streamsize(key.size()));
  in.close();
  expr::cached_kernel(
      key, [] { return std::string("no module"); }, nullptr, true);
  const result again = minimize_expression("x0^2 + 3*x1^2", s, o);
  EXPECT_GT(again.compile_seconds, 0.0) << "compiled again";
  expect_identical(again, first);
  EXPECT_EQ(minimize_expression("x0^2 + 3*x1^2", s, o).compile_seconds, 0.0) << "and the good image stored";
}

TEST(ExpressionCuda, SinglePrecisionRefusesStartsBeyondItsRangeAsTheCpuDoes) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  options o;
  o.backend = backend_kind::cuda;
  o.prec = precision::f32;
  EXPECT_THROW(minimize_expression("x0^2 + x1^2", starts::given({1, 2, -4e38, 4}, 2), o), std::invalid_argument);
  EXPECT_THROW(minimize_expression("x0^2 + x1^2", starts::uniform(2, -1e39, 1e39, 10), o), std::invalid_argument);
}
#endif

TEST(ExpressionCuda, AskingForCudaWithoutADeviceIsNamed) {
  std::string why;
  if (cuda_device_available(0, &why)) GTEST_SKIP() << "skipped: a CUDA device is present";
  options o;
  o.backend = backend_kind::cuda;
  EXPECT_THROW(minimize_expression("x0^2", starts::given({1.0}, 1), o), error);
  o.backend = backend_kind::automatic;
  EXPECT_EQ(minimize_expression("x0^2", starts::given({1.0}, 1), o).backend, "cpu");
}

}  // namespace
}  // namespace fdgd::test
