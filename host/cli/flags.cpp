#include "flags.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <functional>
#include <system_error>
#include <vector>

#include "../expression/names.hpp"
#include "fdgd/detail/number_text.hpp"
#include "fdgd/options.hpp"
#include "parse.hpp"

namespace fdgd::cli {

namespace {

/// A number for which ok(value) holds, else "<text> must be <rule>" (CLI11's own range checks print
/// their bound as a 300-digit double). Decimal only, as --starts and --box read numbers: CLI11 alone
/// would also take hexadecimal and surrounding spaces, and read 1e-400 as 0. The text is rewritten
/// as the exact hexadecimal of the double read: CLI11 converts through long double, which rounds
/// some decimals twice (1.0000000000000001110223024625156540423631668090820312500001 became 1).
/// A transform (CLI11 runs those first), so it also says what non_empty says.
CLI::Validator number_check(const std::string& rule, std::function<bool(double)> ok) {
  return CLI::Validator(
      [rule, ok](std::string& text) -> std::string {
        if (text.empty()) return "empty value";
        double v = 0;
        const auto res = fdgd::detail::read_decimal(text.data(), text.data() + text.size(), v);
        if (res.ec == std::errc::result_out_of_range && res.ptr == text.data() + text.size())
          return text + " is beyond the range of a double";
        if (res.ec != std::errc() || res.ptr != text.data() + text.size()) return "'" + text + "' is not a number";
        if (!ok(v)) return text + " must be " + rule;
        text = fmt::format("{:a}", v);
        return "";
      },
      rule);
}

/// CLI11 reads 99999999999999999999 as 2^64-1, 1.5 as 1 and 010 as 8 (octal); a seed must be exactly the
/// number typed, so the text is rewritten as its plain decimal.
const CLI::Validator seed_check(
    [](std::string& text) -> std::string {
      std::uint64_t v = 0;
      const auto res = fdgd::detail::read_decimal(text.data(), text.data() + text.size(), v);
      if (res.ec != std::errc() || res.ptr != text.data() + text.size())
        return "'" + text + "' is not a seed: decimal digits, 0..2^64-1";
      text = std::to_string(v);
      return "";
    },
    "0..2^64-1");

}  // namespace

CLI::Validator whole_number(long long least, long long most) {
  const std::string rule = fmt::format("{}..{}", least, most);
  return CLI::Validator(
      [least, most](std::string& text) -> std::string {
        if (text.empty()) return "empty value";
        std::int64_t v = 0;
        const std::string problem = count_problem(text, least, most, v);
        if (problem.empty()) text = std::to_string(v);
        return problem;
      },
      rule);
}

const CLI::Validator positive_finite = number_check("finite and > 0", [](double v) { return v > 0 && std::isfinite(v); });

const CLI::Validator a_number = number_check("a number", [](double) { return true; });

const CLI::Validator non_empty([](std::string& text) { return text.empty() ? "empty value" : ""; }, "");

void add_common_flags(CLI::App* c, minimize_args& a) {
  add_value(c, "--function", a.function, "built-in function (see `fdgd functions`)");
  // --expr "" is parsed, to say "empty expression" with a caret like any other mistake in it.
  c->add_option("--expr", a.expression, "or the function as an expression, e.g. \"sum(i=0..d-1, x[i]^2)\" (see docs/cli.md)");
  add_value(c, "--dim", a.dim,
            "dimension (default: the starts' own where given, or a --box's LO:HI count; else the function's own, 2, or the "
            "expression's highest x + 1)")
      ->transform(whole_number(1, int_max));
  add_value(c, "--seed", a.seed, "seed of the start generator, 0..2^64-1 (default 0)")->transform(seed_check);
  add_value(c, "--box", a.box,
            "LO:HI for every coordinate, or LO0:HI0,LO1:HI1,... (default: the function's box; an --expr drawing starts needs one)");
  // Their limits, which the library checks and names, in --help beside FLOAT.
  add_value(c, "--lr", a.lr, fmt::format("learning rate (default {})", options{}.lr))
      ->transform(a_number.description("finite and > 0"));
  add_value(c, "--steps", a.steps_text,
            fmt::format("steps per start: 100, 1e4, 2^10 (default {}; 0: f", options{}.steps) +
                (c->get_name() == "trace" ? "" : " and |grad|") + " at the starts)");
  add_value(c, "--h", a.h, fmt::format("central-difference step (default {})", options{}.h))
      ->transform(a_number.description("finite and > 0"));
  add_value(c, "--precision", a.precision_name, "f64 or f32 (default f64)")->check(CLI::IsMember({"f64", "f32"}));
  add_value(c, "--backend", a.backend_name, "auto, cpu or cuda (default auto: the GPU when one is present)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  add_value(c, "--threads", a.threads, "CPU threads (default: OMP_NUM_THREADS where set, else all cores)")
      ->transform(whole_number(0, max_cpu_threads));
  c->add_flag("--dry-run", a.dry_run,
              "check the command as its run would (flags, starts, files, memory, device, warnings), say what would run, "
              "and run nothing")
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
}

std::string option_without_value(const CLI::App& command, int argc, char** argv) {
  auto option = [&](const std::string& arg) {
    return arg.rfind("--", 0) == 0 && arg.find('=') == std::string::npos ? command.get_option_no_throw(arg) : nullptr;
  };
  // The next argument names an option, "--json" or "--lr=3" (a text option would take it as its value).
  auto names_option = [&](const std::string& arg) { return option(arg.substr(0, arg.find('='))) != nullptr; };
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;  // what follows is no option
    // "--seed=": CLI11 says "1 required UINT missing", or takes the next argument as the value; it reads
    // "--json=" as on.
    if (const std::string name = arg.substr(0, arg.size() - 1); !arg.empty() && arg.back() == '=')
      if (const CLI::Option* o = option(name))
        return name + ": empty value" + (o->get_expected_min() >= 1 ? "" : "; give " + name + " alone");
    const CLI::Option* o = option(arg);
    if (!o || o->get_expected_min() < 1) continue;
    if (i + 1 == argc) return std::string(argv[i]) + ": no value given (it ends the line)";
    if (names_option(argv[i + 1])) return std::string(argv[i]) + ": no value given (" + argv[i + 1] + " follows it)";
  }
  return "";
}

namespace {
/// The flag `name` most likely meant: one it is a part of or that is a part of it (--func, --expression),
/// one it is in other case (--LR), else the nearest by spelling.
std::string nearest_flag(const std::string& name, const std::vector<std::string>& flags) {
  const auto lower = [](std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  for (const auto& f : flags)
    if (lower(f) == lower(name)) return f;
  for (const auto& f : flags)  // the shorter "--" and 3 letters at least: --hello is no --h, --s no --steps
    if (std::min(f.size(), name.size()) >= 5 && (f.rfind(name, 0) == 0 || name.rfind(f, 0) == 0)) return f;
  return expr::nearest_name(name, flags);
}
}  // namespace

std::string words_as_given(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {  // one with blanks, none or control bytes in quotes, escaped: the line stays one
    const bool plain = !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c < 0 || std::isgraph(c); });
    out += (&w == words.data() ? "" : " ") + (plain ? w : "'" + controls_escaped(w) + "'");
  }
  return out;
}

std::string plain_parse_error(std::string what, const CLI::App* command) {
  const std::string repeated = "At Most 1 required but received ";
  if (const auto at = what.find(repeated); at != std::string::npos)
    what = what.substr(0, at) + "given " + what.substr(at + repeated.size()) + " times; give it once";
  // An on/off flag given a value that is not one (--json=abc): "Could not convert: --json = abc".
  const std::string unconvertible = "Could not convert: ";
  if (const auto eq = what.find(" = "); what.rfind(unconvertible, 0) == 0 && eq != std::string::npos) {
    const std::string flag = what.substr(unconvertible.size(), eq - unconvertible.size()), value = what.substr(eq + 3);
    return flag + ": '" + value + "' is not on or off; give " + flag + " alone";
  }
  // "The following arguments were not expected: sphere --functoin" lists them last first.
  std::string extras = "The following arguments were not expected: ";
  if (what.rfind(extras, 0) != 0) extras = "The following argument was not expected: ";
  if (what.rfind(extras, 0) != 0 || command == nullptr) return what;
  // As given: the message's words, reversed, would reverse an argument's own words ("x0^2 - x1"). What
  // follows "--" is the main command's, after the command's own.
  std::vector<std::string> given = command->remaining(), flags;
  if (const CLI::App* main_command = command->get_parent())
    for (const auto& g : main_command->remaining(false)) given.push_back(g);
  if (given.empty())
    for (std::size_t a = extras.size(), b; a < what.size(); a = b + 1) {
      b = std::min(what.find(' ', a), what.size());
      given.insert(given.begin(), what.substr(a, b - a));
    }
  for (const CLI::Option* o : command->get_options())
    if (o->get_lnames().size() == 1) flags.push_back("--" + o->get_lnames()[0]);
  std::string out = command->get_name() + ": not expected: " + words_as_given(given);
  std::vector<std::string> after_end;  // options of its own, given after "--"
  for (const auto& g : given)
    if (std::find(flags.begin(), flags.end(), g.substr(0, g.find('='))) != flags.end()) after_end.push_back(g);
  for (std::size_t k = 0; k < after_end.size(); ++k)
    out += (k == 0 ? "; " : k + 1 < after_end.size() ? ", " : " and ") + after_end[k];
  if (!after_end.empty())
    out += std::string(after_end.size() == 1 ? " follows" : " follow") + " --, after which nothing is read as an option";
  for (const auto& g : given)
    if (g.rfind("--", 0) == 0 && std::find(after_end.begin(), after_end.end(), g) == after_end.end()) {
      const std::string name = g.substr(0, g.find('='));  // --every=5 is the flag --every
      // Another command's (minimize --every, or the main command's --version): whose it is.
      std::string elsewhere;
      if (const CLI::App* main_command = command->get_parent(); main_command != nullptr) {
        for (const CLI::App* other : main_command->get_subcommands({}))
          if (other != command && other->get_option_no_throw(name) != nullptr)
            elsewhere += (elsewhere.empty() ? "" : " and ") + other->get_name() + "'s";
        if (elsewhere.empty() && main_command->get_option_no_throw(name) != nullptr)
          elsewhere = "fdgd's own: fdgd " + name + ", alone";
      }
      // The other command's way to give starts means this one's, which the spelling may not tell: trace's
      // --sample and --start (nearer to --starts, but it gives one), minimize's --starts and --init-file.
      const bool trace = command->get_name() == "trace";
      const std::string near = trace && name == "--starts"                           ? "--sample K, or --start x0,x1,..."
                               : !trace && (name == "--start" || name == "--sample") ? "--starts N, or --init-file PATH"
                                                                                     : nearest_flag(name, flags);
      // Both where both are likely: minimize --start 3 (trace's; --starts here).
      std::string hint = elsewhere.empty() ? "" : "it is " + elsewhere;
      if (!near.empty()) hint += (hint.empty() ? "" : "; ") + std::string("did you mean ") + near + "?";
      out += "; " + name + " is no option of " + command->get_name() + (hint.empty() ? "" : " (" + hint + ")");
    }
  return out;
}

}  // namespace fdgd::cli
