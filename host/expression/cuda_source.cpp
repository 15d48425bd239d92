#include "host/expression/cuda_source.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace fdgd::expr {
namespace {

std::string literal(const instruction& in, bool f32) {
  char buf[64];
  if (f32) {
    if (!std::isfinite(in.value32)) {
      std::uint32_t bits;
      std::memcpy(&bits, &in.value32, sizeof bits);
      std::snprintf(buf, sizeof buf, "__int_as_float(0x%08x)", bits);
    } else {
      std::snprintf(buf, sizeof buf, "(%af)", double(in.value32));
    }
  } else if (!std::isfinite(in.value)) {
    unsigned long long bits;
    std::memcpy(&bits, &in.value, sizeof bits);
    std::snprintf(buf, sizeof buf, "__longlong_as_double(0x%016llxll)", bits);
  } else {
    std::snprintf(buf, sizeof buf, "(%a)", in.value);
  }
  return buf;
}

const char* libm_name(opcode op) {
  switch (op) {
    case opcode::tan: return "tan";
    case opcode::asin: return "asin";
    case opcode::acos: return "acos";
    case opcode::atan: return "atan";
    case opcode::sinh: return "sinh";
    case opcode::cosh: return "cosh";
    case opcode::tanh: return "tanh";
    case opcode::log: return "log";
    case opcode::log2: return "log2";
    case opcode::log10: return "log10";
    case opcode::cbrt: return "cbrt";
    case opcode::floor: return "floor";
    default: return "ceil";
  }
}

/// The call for a unary opcode applied to `a`, in the working precision.
std::string unary_text(opcode op, const std::string& a, bool f32) {
  const std::string f = f32 ? "f" : "";
  switch (op) {
    case opcode::load: return a;
    case opcode::negate: return "-" + a;
    case opcode::square: return a + " * " + a;
    case opcode::cube: return a + " * " + a + " * " + a;
    case opcode::fourth: return "(" + a + " * " + a + ") * (" + a + " * " + a + ")";
    case opcode::sin: return "fdgd::math::sin(" + a + ")";  // as the built-ins call them
    case opcode::cos: return "fdgd::math::cos(" + a + ")";
    case opcode::exp: return "fdgd::math::exp(" + a + ")";
    case opcode::sqrt: return "fdgd::math::sqrt(" + a + ")";
    case opcode::abs: return "fdgd::math::fabs(" + a + ")";
    default: return "::" + std::string(libm_name(op)) + f + "(" + a + ")";  // float: the f-suffixed one
  }
}

std::string binary_text(opcode op, const std::string& a, const std::string& b, bool f32) {
  const std::string f = f32 ? "f" : "";
  switch (op) {
    case opcode::add: return a + " + " + b;
    case opcode::subtract: return a + " - " + b;
    case opcode::multiply: return a + " * " + b;
    case opcode::divide: return a + " / " + b;
    case opcode::power: return "::pow" + f + "(" + a + ", " + b + ")";
    case opcode::atan2: return "::atan2" + f + "(" + a + ", " + b + ")";
    case opcode::min: return "::fmin" + f + "(" + a + ", " + b + ")";
    default: return "::fmax" + f + "(" + a + ", " + b + ")";
  }
}

/// Appends `code` as straight-line CUDA, one `const T <prefix><k> = ...;` a value; returns the name
/// of f's value. Coordinate j reads `coordinate(j)`, kept slot s the value named kept[s].
template <class Coordinate>
std::string straight_line(const instruction* code, int size, bool f32, const std::string& prefix, Coordinate coordinate,
                          const std::vector<std::string>& kept, std::string& body) {
  std::vector<std::string> stack;
  for (int k = 0; k < size; ++k) {
    const instruction& in = code[k];
    std::string operand;
    if (in.from == operand_kind::constant) {
      operand = literal(in, f32);
    } else if (in.from == operand_kind::coordinate) {
      operand = coordinate(in.index);
    } else if (in.from == operand_kind::kept) {
      operand = kept[std::size_t(in.index)];
    } else {
      operand = stack.back();
      if (in.op >= opcode::add) stack.pop_back();
    }
    std::string value;
    if (in.op < opcode::add) {
      if (in.from == operand_kind::stack) stack.pop_back();
      value = unary_text(in.op, operand, f32);
    } else {
      value = in.reversed ? binary_text(in.op, operand, stack.back(), f32) : binary_text(in.op, stack.back(), operand, f32);
      stack.pop_back();
    }
    const std::string name = prefix + std::to_string(k);
    body += "    const T " + name + " = " + value + ";\n";
    stack.push_back(name);
  }
  return stack.back();
}

std::string x_at(int j) { return "x[" + std::to_string(j) + "]"; }

/// The objective's own central difference from the program's patches (program::patches): the values
/// at x once, then each coordinate's patch at x_i + h and x_i - h, all in straight lines.
std::string central_gradient_source(const program& p, bool f32) {
  std::vector<std::string> kept(std::size_t(p.kept_slots));
  for (std::size_t k = 0; k < p.code.size(); ++k)
    if (p.code[k].keep >= 0) kept[std::size_t(p.code[k].keep)] = "v" + std::to_string(k);
  std::string body;
  straight_line(p.code.data(), int(p.code.size()), f32, "v", x_at, kept, body);
  for (int i = 0; i < p.dim; ++i) {
    const instruction* patch = p.patches.data() + p.patch_begin[std::size_t(i)];
    const int size = p.patch_begin[std::size_t(i) + 1] - p.patch_begin[std::size_t(i)];
    const std::string c = std::to_string(i);
    std::string f[2];
    for (int side = 0; side < 2; ++side) {
      const std::string moved = (side ? "m" : "p") + c + "_x";
      body += "    const T " + moved + " = x[" + c + "] " + (side ? "-" : "+") + " h;\n";
      f[side] = straight_line(patch, size, f32, (side ? "m" : "p") + c + "_", [&](int j) { return j == i ? moved : x_at(j); },
                              kept, body);
    }
    body += "    g[" + c + "] = fdgd::detail::central_quotient(" + f[0] + " - " + f[1] + ", two_h);\n";
  }
  return "  static constexpr bool own_central_difference = true;  // to the bits of whole evaluations\n"
         "  template <class P, class G>\n"
         "  __device__ void central_gradient(const P& x, G& g, T h, T two_h) const {\n" + body + "  }\n";
}

}  // namespace

std::string objective_source(const program& p, precision prec) {
  const bool f32 = prec == precision::f32;
  std::string body;
  const std::string result = straight_line(p.code.data(), int(p.code.size()), f32, "v", x_at, {}, body);
  return "struct fdgd_expression {\n"
         "  template <class P>\n"
         "  __device__ T operator()(const P& x) const {\n" + body +
         "    return " + result + ";\n"
         "  }\n" +
         (p.patch_begin.empty() || p.dim > max_generated_patch_dim ? std::string() : central_gradient_source(p, f32)) +
         "};\n";
}

std::string cuda_source(const program& p, precision prec, int fixed_dim) {
  const std::string T = prec == precision::f32 ? "float" : "double";
  return "// Generated by fdgd from an expression's syntax tree.\n"
#if defined(FDGD_CUDA_RECIPROCAL_DIVISION)
         "#define FDGD_CUDA_RECIPROCAL_DIVISION 1  // as the built-ins were compiled (CMake option)\n"
#endif
         "#include \"fdgd/cuda/kernels.cuh\"\n\n"
         "using T = " + T + ";\n"
         "constexpr int D = " + std::to_string(fixed_dim) + ";\n\n" +
         objective_source(p, prec) + "\n"
         "using view = fdgd::detail::device_batch_view<T>;\n"
         "extern \"C\" __global__ void fdgd_generate_starts(view v, const double* lo, const double* hi, std::uint64_t seed,\n"
         "                                              std::int64_t first, fdgd::trajectory_status initial) {\n"
         "  fdgd::detail::generate_starts_all(v, lo, hi, seed, first, initial);\n"
         "}\n"
         "extern \"C\" __global__ void fdgd_reset(view v, fdgd::trajectory_status initial) { fdgd::detail::reset_all(v, initial); }\n"
         "extern \"C\" __global__ void fdgd_advance(view v, fdgd::step_params<T> p, std::int64_t k) {\n"
         "  fdgd::detail::advance_all<T, D>(fdgd_expression{}, v, p, k);\n"
         "}\n"
         "extern \"C\" __global__ void fdgd_evaluate(view v, T h) { fdgd::detail::evaluate_all<T, D>(fdgd_expression{}, v, h); }\n";
}

}  // namespace fdgd::expr
