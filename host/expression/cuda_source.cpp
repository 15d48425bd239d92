#include "host/expression/cuda_source.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace fdgd::expr {
namespace {

/// v as an exact hexadecimal literal, printf's %a in the C locale (whose own %a would write a
/// decimal comma under a locale that has one).
std::string hex_literal(double v) {
  char buf[40];
  const auto end = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::hex).ptr;
  return (std::signbit(v) ? "-0x" : "0x") + std::string(buf, end);
}

std::string literal(const instruction& in, bool f32) {
  char buf[64];
  if (f32) {
    if (std::isfinite(in.value32)) return "(" + hex_literal(double(in.value32)) + "f)";
    std::uint32_t bits;
    std::memcpy(&bits, &in.value32, sizeof bits);
    std::snprintf(buf, sizeof buf, "__int_as_float(0x%08x)", bits);
  } else if (!std::isfinite(in.value)) {
    unsigned long long bits;
    std::memcpy(&bits, &in.value, sizeof bits);
    std::snprintf(buf, sizeof buf, "__longlong_as_double(0x%016llxll)", bits);
  } else {
    return "(" + hex_literal(in.value) + ")";
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
    case opcode::min: return "fdgd::math::min_number(" + a + ", " + b + ")";
    default: return "fdgd::math::max_number(" + a + ", " + b + ")";
  }
}

/// The value of instruction `in` as CUDA text, its operands taken from `stack` (the names of the
/// stack machine's values), which it leaves with `name` on top. Coordinate j reads `coordinate(j)`,
/// kept slot s the value named kept[s].
template <class Coordinate>
std::string instruction_value(const instruction& in, const std::string& name, bool f32, Coordinate coordinate,
                              const std::vector<std::string>& kept, std::vector<std::string>& stack) {
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
  stack.push_back(name);
  return value;
}

/// Appends `code` as straight-line CUDA, one `const T <prefix><k> = ...;` a value (`<prefix><k>_<r>`
/// for each of a run's kept operands); returns the name of f's value.
template <class Coordinate>
std::string straight_line(const instruction* code, int size, bool f32, const std::string& prefix, Coordinate coordinate,
                          const std::vector<std::string>& kept, std::string& body) {
  std::vector<std::string> stack;
  for (int k = 0; k < size; ++k) {
    for (int r = 0; r < code[k].run; ++r) {  // a run of kept operands: one line each
      instruction one = code[k];
      one.index += r, one.run = 1;
      const std::string name = prefix + std::to_string(k) + (code[k].run > 1 ? "_" + std::to_string(r) : "");
      body += "    const T " + name + " = " + instruction_value(one, name, f32, coordinate, kept, stack) + ";\n";
    }
  }
  return stack.back();
}

std::string x_at(int j) { return "x[" + std::to_string(j) + "]"; }

bool same_constant(const instruction& a, const instruction& b) {
  return std::memcmp(&a.value, &b.value, sizeof a.value) == 0 && std::memcmp(&a.value32, &b.value32, sizeof a.value32) == 0;
}

bool finite_constant(const instruction& in) { return std::isfinite(in.value) && std::isfinite(in.value32); }

/// For each instruction that pushes a value, the binary operation that later pops it (-1: none, f itself).
std::vector<int> popped_by(const std::vector<instruction>& code) {
  std::vector<int> popper(code.size(), -1), open;
  for (int k = 0; k < int(code.size()); ++k) {
    if (code[std::size_t(k)].pushes()) {
      open.push_back(k);
    } else if (code[std::size_t(k)].pops()) {
      popper[std::size_t(open.back())] = k;
      open.pop_back();
    }
  }
  return popper;
}

/// `count` units from instruction `begin`, each `length` instructions that fold one more value into
/// the value on top of the stack (a sum's terms, a product's factors, min's arguments): a pushed
/// value with the operation that pops it, or one binary operation with an operand of its own. The
/// units are the same operations on the same kinds of operand; the coordinate that instruction j of
/// a unit reads moves by strides[j] from one unit to the next, and their constants may differ
/// (finite ones: they go in a table).
struct unit_run {
  int begin = 0, length = 0, count = 0;
  std::vector<int> strides;
};

/// Whether unit b is unit a with each coordinate moved by its stride (set from the first pair).
bool same_but_moved(const instruction* a, const instruction* b, int length, std::vector<int>& strides, bool first_pair) {
  for (int j = 0; j < length; ++j) {
    if (a[j].op != b[j].op || a[j].from != b[j].from || a[j].reversed != b[j].reversed || a[j].from == operand_kind::kept)
      return false;
    if (a[j].from == operand_kind::constant && !same_constant(a[j], b[j]) && !(finite_constant(a[j]) && finite_constant(b[j])))
      return false;
    if (a[j].from == operand_kind::coordinate) {
      if (first_pair) strides[std::size_t(j)] = b[j].index - a[j].index;
      if (b[j].index - a[j].index != strides[std::size_t(j)]) return false;
    }
  }
  return true;
}

/// The run of units from instruction k (count 0 where k starts no unit or no second one).
unit_run run_at(const std::vector<instruction>& code, const std::vector<int>& popper, int k) {
  const instruction& in = code[std::size_t(k)];
  const int length = in.pushes() ? (popper[std::size_t(k)] < 0 ? 0 : popper[std::size_t(k)] - k + 1)
                     : in.op >= opcode::add && in.from != operand_kind::stack ? 1
                                                                              : 0;
  if (length == 0 || k + 2 * length > int(code.size())) return {};
  unit_run r{k, length, 1, std::vector<int>(std::size_t(length))};
  const instruction* unit = code.data() + k;
  while (k + (r.count + 1) * length <= int(code.size()) &&
         same_but_moved(unit + (r.count - 1) * length, unit + r.count * length, length, r.strides, r.count == 1))
    ++r.count;
  return r;
}

/// Whether the constant of the run's instruction j differs between its units.
bool varies(const std::vector<instruction>& code, const unit_run& r, int j) {
  for (int u = 1; u < r.count; ++u)
    if (!same_constant(code[std::size_t(r.begin + j)], code[std::size_t(r.begin + u * r.length + j)])) return true;
  return false;
}

/// Runs of fewer units stay straight lines.
constexpr int min_rolled_units = 4;

/// Appends `code` to `body` as CUDA with each run of repeated units (unit_run) as a loop over its
/// units, and the rest in straight lines: the same operations on the same constants in the same order
/// as straight_line, so the same bits. A constant that differs between units goes in a table, in
/// `tables`. (For the run-time-dimension path only: a loop's index into a point in registers would
/// move the point to local memory.)
std::string rolled_line(const std::vector<instruction>& code, bool f32, std::string& tables, std::string& body) {
  const std::vector<int> popper = popped_by(code);
  std::vector<std::string> stack;
  for (int k = 0; k < int(code.size());) {
    const unit_run r = run_at(code, popper, k);
    if (r.count < min_rolled_units) {
      const std::string name = "v" + std::to_string(k);
      body += "    const T " + name + " = " + instruction_value(code[std::size_t(k)], name, f32, x_at, {}, stack) + ";\n";
      ++k;
      continue;
    }
    const std::string folded = "r" + std::to_string(k);
    body += "    T " + folded + " = " + stack.back() +
            ";\n"
            "    for (int k = 0; k < " +
            std::to_string(r.count) + "; ++k) {\n";
    std::vector<std::string> unit_stack{folded};
    for (int j = 0; j < r.length; ++j) {
      const std::string name = folded + "_" + std::to_string(j);
      instruction in = code[std::size_t(k + j)];
      std::vector<std::string> table;  // one kept slot: the table's element k
      if (in.from == operand_kind::constant && varies(code, r, j)) {
        const std::string table_name = "fdgd_constants_" + std::to_string(k) + "_" + std::to_string(j);
        tables += "__device__ const T " + table_name + "[] = {";
        for (int u = 0; u < r.count; ++u)
          tables += std::string(u == 0       ? "\n    "
                                : u % 4 == 0 ? ",\n    "
                                             : ", ") +
                    literal(code[std::size_t(k + u * r.length + j)], f32);
        tables += "};\n";
        in.from = operand_kind::kept, in.index = 0;
        table.push_back(table_name + "[k]");
      }
      const std::string step = std::to_string(r.strides[std::size_t(j)]) + " * k";
      const std::string value = instruction_value(
          in, name, f32, [&](int i) { return "x[" + std::to_string(i) + " + " + step + "]"; }, table, unit_stack);
      body += "      const T " + name + " = " + value + ";\n";
    }
    body += "      " + folded + " = " + unit_stack.back() + ";\n    }\n";
    stack.back() = folded;
    k += r.count * r.length;
  }
  return stack.back();
}

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
      f[side] = straight_line(
          patch, size, f32, (side ? "m" : "p") + c + "_", [&](int j) { return j == i ? moved : x_at(j); }, kept, body);
    }
    body += "    g[" + c + "] = fdgd::detail::central_quotient(" + f[0] + " - " + f[1] + ", two_h);\n";
  }
  return "  static constexpr bool own_central_difference = true;  // to the bits of whole evaluations\n"
         "  template <class P, class G>\n"
         "  __device__ void central_gradient(const P& x, G& g, T h, T two_h) const {\n" +
         body + "  }\n";
}

}  // namespace

std::string objective_source(const program& p, precision prec) {
  const bool f32 = prec == precision::f32;
  std::string tables, body;
  const bool patched = !p.patch_begin.empty() && p.dim <= max_generated_patch_dim;
  const std::string result = p.dim > max_generated_patch_dim
                                 ? rolled_line(p.code, f32, tables, body)
                                 : straight_line(p.code.data(), int(p.code.size()), f32, "v", x_at, {}, body);
  return tables +
         "struct fdgd_expression {\n"
         "  template <class P>\n"
         "  __device__ T operator()(const P& x) const {\n" +
         body + "    return " + result +
         ";\n"
         "  }\n" +
         (patched ? central_gradient_source(p, f32) : std::string()) + "};\n";
}

std::string cuda_source(const program& p, precision prec, int fixed_dim) {
  const std::string T = prec == precision::f32 ? "float" : "double";
  return "// Generated by fdgd from an expression's syntax tree.\n"
#if defined(FDGD_CUDA_RECIPROCAL_DIVISION)
         "#define FDGD_CUDA_RECIPROCAL_DIVISION 1  // as the built-ins were compiled (CMake option)\n"
#endif
         "#include \"fdgd/cuda/kernels.cuh\"\n\n"
         "using T = " +
         T +
         ";\n"
         "constexpr int D = " +
         std::to_string(fixed_dim) + ";\n\n" + objective_source(p, prec) +
         "\n"
         "using view = fdgd::detail::device_batch_view<T>;\n"
         "extern \"C\" __global__ void fdgd_generate_starts(view v, const double* lo, const double* hi, std::uint64_t seed,\n"
         "                                              std::int64_t first, fdgd::trajectory_status initial) {\n"
         "  fdgd::detail::generate_starts_all(v, lo, hi, seed, first, initial);\n"
         "}\n"
         "extern \"C\" __global__ void fdgd_reset(view v, fdgd::trajectory_status initial) { fdgd::detail::reset_all(v, initial); }\n"
         "extern \"C\" __global__ void fdgd_advance(view v, fdgd::step_params<T> p, std::int64_t k) {\n"
         "  fdgd::detail::advance_all<T, D>(fdgd_expression{}, v, p, k);\n"
         "}\n"
         "extern \"C\" __global__ void fdgd_evaluate(view v, fdgd::step_params<T> p) {\n"
         "  fdgd::detail::evaluate_all<T, D>(fdgd_expression{}, v, p);\n"
         "}\n";
}

}  // namespace fdgd::expr
