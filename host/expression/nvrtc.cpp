#include <nvrtc.h>

#include <string>
#include <vector>

#include "fdgd/error.hpp"
#include "host/expression/cuda_source.hpp"
#include "host/expression/rtc_headers.hpp"

namespace fdgd::expr {
namespace {

void check(nvrtcResult r, const char* call) {
  if (r != NVRTC_SUCCESS) throw error(std::string("fdgd: NVRTC call ") + call + " failed: " + nvrtcGetErrorString(r));
}

/// The built-ins' CUDA flags: no FMA contraction (-fmad=false), C++17; unannotated functions (the
/// objective's lambdas) are device code.
std::vector<std::string> nvrtc_options(const std::string& arch) {
  return {"--gpu-architecture=" + arch, "-std=c++17", "--fmad=false", "-default-device"};
}

}  // namespace

std::string nvrtc_arch(int major, int minor) {
  int count = 0;
  check(nvrtcGetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
  std::vector<int> known(std::size_t(count > 0 ? count : 0));
  if (count > 0) check(nvrtcGetSupportedArchs(known.data()), "nvrtcGetSupportedArchs");
  const int device = major * 10 + minor;
  int below = 0;
  for (const int a : known) {
    if (a == device) return "sm_" + std::to_string(a);
    if (a < device) below = std::max(below, a);
  }
  if (below == 0)
    throw error("fdgd: NVRTC compiles for none of the architectures up to the device's, sm_" + std::to_string(device) +
                " (compute capability " + std::to_string(major) + "." + std::to_string(minor) + ")");
  return "compute_" + std::to_string(below);
}

std::string nvrtc_cache_key(const std::string& source, const std::string& arch) {
  int major = 0, minor = 0;
  check(nvrtcVersion(&major, &minor), "nvrtcVersion");
  std::string key = source + "\nNVRTC " + std::to_string(major) + "." + std::to_string(minor);
  for (const auto& option : nvrtc_options(arch)) key += " " + option;
  for (const auto& h : rtc_headers()) key += "\n// " + std::string(h.name) + "\n" + h.text;
  return key;
}

std::string nvrtc_compile(const std::string& source, const std::string& arch) {
  std::vector<const char*> names, texts;
  for (const auto& h : rtc_headers()) names.push_back(h.name), texts.push_back(h.text);
  nvrtcProgram prog = nullptr;
  check(nvrtcCreateProgram(&prog, source.c_str(), "fdgd_expression.cu", int(names.size()), texts.data(), names.data()),
        "nvrtcCreateProgram");
  struct destroy {
    nvrtcProgram& p;
    ~destroy() { nvrtcDestroyProgram(&p); }
  } guard{prog};
  const std::vector<std::string> option_texts = nvrtc_options(arch);
  std::vector<const char*> options;
  for (const auto& option : option_texts) options.push_back(option.c_str());
  const nvrtcResult compiled = nvrtcCompileProgram(prog, int(options.size()), options.data());
  if (compiled != NVRTC_SUCCESS) {
    std::size_t size = 0;
    nvrtcGetProgramLogSize(prog, &size);
    std::string log(size, '\0');
    nvrtcGetProgramLog(prog, log.data());
    throw error("fdgd: NVRTC could not compile the expression's kernels (" + std::string(nvrtcGetErrorString(compiled)) + "):\n" +
                log);
  }
  const bool cubin = arch.rfind("sm_", 0) == 0;
  std::size_t size = 0;
  check(cubin ? nvrtcGetCUBINSize(prog, &size) : nvrtcGetPTXSize(prog, &size), "nvrtcGet{PTX,CUBIN}Size");
  std::string image(size, '\0');
  check(cubin ? nvrtcGetCUBIN(prog, image.data()) : nvrtcGetPTX(prog, image.data()), "nvrtcGet{PTX,CUBIN}");
  return image;
}

}  // namespace fdgd::expr
