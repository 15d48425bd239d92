// The `fdgd` command's flags as CLI11 reads them: checks that say what is wrong in plain words, the
// flags minimize and trace share, and CLI11's own parse errors put plainly.
#pragma once
#include <CLI/CLI.hpp>
#include <limits>
#include <string>

#include "args.hpp"

namespace fdgd::cli {

/// The largest value of an int flag (--dim, --top).
inline constexpr long long int_max = std::numeric_limits<int>::max();

/// A whole number in least..most (most at most 9e18) in --starts' forms (1000, 1e3, 2^10), rewritten
/// in decimal digits as CLI11 then reads it: CLI11 alone would read 010 as octal 8 and 0x10 as 16, and
/// refuse 1e3.
CLI::Validator whole_number(long long least, long long most);

/// A finite number > 0 (NaN is not). A decimal number, read exactly, as a_number.
extern const CLI::Validator positive_finite;

/// Any number, so that a typo is "--lr: '5x' is not a number", not CLI11's "Could not convert: --lr = 5x".
/// Decimal only, as --starts and --box read numbers, and rewritten as the exact double read.
extern const CLI::Validator a_number;

/// An option given with an empty value would otherwise read as 0, as its default, or as nothing.
extern const CLI::Validator non_empty;

/// An option with a value, which must not be empty (checks run after it; transforms, which CLI11 runs
/// first, say "empty value" themselves).
template <class T>
CLI::Option* add_value(CLI::App* c, const std::string& name, T& value, const std::string& help) {
  return c->add_option(name, value, help)->check(non_empty);
}

/// The flags `minimize` and `trace` share: the function, where the starts come from, the descent.
void add_common_flags(CLI::App* c, minimize_args& a);

/// Where an option that takes a value is followed at once by another of `command`'s options (or ends
/// the line), what was meant: CLI11 would take the value of the next one as an unexpected argument
/// ("--function --expr x0^2": "not expected: x0^2"), or the next option itself as a text option's value
/// ("--out --json"); or where any option is given as "--name=" (an on/off flag CLI11 would read as
/// on). Empty where no option lacks its value (up to a "--").
std::string option_without_value(const CLI::App& command, int argc, char** argv);

/// Command-line words as given, one space between, those with blanks, none or control bytes quoted
/// and escaped: `a 'x0 - x1' ''`.
std::string words_as_given(const std::vector<std::string>& words);

/// CLI11's message in plain words ("--lr: At Most 1 required but received 2": given 2 times); for
/// unexpected arguments, in the order given, with for each unknown option the command it belongs to, or
/// else `command`'s option (the subcommand it was parsing; nullptr: none) nearest to it.
std::string plain_parse_error(std::string what, const CLI::App* command);

}  // namespace fdgd::cli
