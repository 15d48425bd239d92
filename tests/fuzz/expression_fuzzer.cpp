// libFuzzer target for expressions: arbitrary bytes must never crash or hang the parser; every
// accepted expression must print to text that parses to the same tree; and where it binds to a small
// d, its program must run, on one value and on a 64-lane block, to the same bits, and its patches
// must give the gradient of whole evaluations, to the same bits.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "fdgd/expression_program.hpp"
#include "fdgd/point.hpp"

namespace {

/// The same bits, or both NaN: which NaN comes out of an operation on two NaNs depends on the operand
/// order the compiler picks for a commutative instruction, and no result depends on it.
bool same_value(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (a != a && b != b); }

template <int D>
void check_patches(const fdgd::expr::program& p) {
  using namespace fdgd;
  using L = lanes<double, 64>;
  const auto patched = expr::program_objective::of(p);
  const expr::program_objective whole{p.code.data(), int(p.code.size())};
  if (!patched.patches) {  // made unless too large: D patches of at most the program's length each
    if (std::size_t(D) * p.code.size() <= expr::patch_instruction_cap(D)) std::abort();
    return;
  }
  fixed_point<L, D> x, g;
  for (int j = 0; j < D; ++j)
    for (int w = 0; w < 64; ++w) x[j].v[w] = 0.61 * (j + 1) - 0.03 * w;
  gradient(central_difference{}, patched, x, g, L(1e-3));
  for (int w = 0; w < 64; w += 9) {
    fixed_point<double, D> one, reference;
    for (int j = 0; j < D; ++j) one[j] = x[j][w];
    gradient(central_difference{}, whole, one, reference, 1e-3);
    for (int i = 0; i < D; ++i)
      if (!same_value(reference[i], g[i][w])) std::abort();
  }
}

template <int... Ds>
void check_patches_at(const fdgd::expr::program& p, std::integer_sequence<int, Ds...>) {
  ((p.dim == Ds + 1 ? check_patches<Ds + 1>(p) : void()), ...);
}

void check_program(const fdgd::expr::node& tree) {
  using namespace fdgd;
  const int implied = expr::implied_dim(tree);
  const int d = implied ? implied : 3;
  if (d > 8) return;
  expr::program p;
  try {
    p = expr::compile(expr::bind(tree, d), d);
  } catch (const expr::expression_error&) {
    return;  // an index out of range, a sum too large: reported, which is all that is asked
  }
  // A sum of 10^5 terms checks nothing a few do, and its 64-lane runs under the sanitizers took
  // longer than the fuzzer's timeout (a sum from 2 - d to 13^4).
  if (p.code.size() > 20000) return;
  const expr::program_objective f{p.code.data(), int(p.code.size())};
  using L = lanes<double, 64>;
  fixed_point<L, 8> x;
  for (int j = 0; j < 8; ++j)
    for (int w = 0; w < 64; ++w) x[j].v[w] = 0.37 * (j + 1) - 0.05 * w;
  const L all = f(x);
  for (int w = 0; w < 64; w += 7) {
    fixed_point<double, 8> one;
    for (int j = 0; j < 8; ++j) one[j] = x[j][w];
    if (!same_value(f(one), all[w])) std::abort();
  }
  check_patches_at(p, std::make_integer_sequence<int, 8>{});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  fdgd::expr::node tree;
  try {
    tree = fdgd::expr::parse(text);
  } catch (const fdgd::expr::expression_error&) {
    return 0;
  }
  const std::string printed = fdgd::expr::print(tree);
  try {
    if (!fdgd::expr::same_tree(fdgd::expr::parse(printed), tree)) std::abort();
  } catch (const fdgd::expr::expression_error&) {
    std::abort();  // printed text that does not parse
  }
  check_program(tree);
  return 0;
}
