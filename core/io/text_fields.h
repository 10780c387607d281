#pragma once
// Fields of text tables and side files (TSV, mricron lists, XML attributes):
// trimming, splitting, and numbers read and written as std::from_chars and
// std::to_chars do, whatever the locale.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

// Space, tab, line feed, vertical tab, form feed and carriage return.
inline constexpr std::string_view kAsciiWhitespace = " \t\n\v\f\r";

// `text` without the leading and trailing characters found in `characters`
// (ASCII whitespace unless told otherwise; trim(text, " ") drops spaces only).
std::string_view trim(std::string_view text, std::string_view characters = kAsciiWhitespace);

// The fields of `line` between each `separator`, empty ones kept: a line with
// n separators has n + 1 fields, and an empty line has one empty field.
// Nothing is trimmed.
std::vector<std::string_view> split(std::string_view line, char separator);

// Whether a number may be written with a leading '+', which std::from_chars
// refuses. When accepted, exactly one '+' is dropped before reading, so "+-1"
// reads as -1 and "++1" is not a number.
enum class LeadingPlus { kRejected, kAccepted };

// The number that the whole of `text` spells, as std::from_chars reads it:
// decimal digits, an optional '-', and for floating point a fraction, an
// exponent, "inf" or "nan". Empty when `text` is empty, when anything stands
// before or after the number (spaces too: trim first), or when the value is
// out of the type's range. The callers decide what "n/a" or an empty cell mean.
std::optional<double> parse_double(std::string_view text,
                                   LeadingPlus plus = LeadingPlus::kRejected);
std::optional<float> parse_float(std::string_view text, LeadingPlus plus = LeadingPlus::kRejected);
std::optional<int64_t> parse_integer(std::string_view text,
                                     LeadingPlus plus = LeadingPlus::kRejected);

// The shortest text that reads back to the same double (std::to_chars), e.g.
// "0.72", "1e-06", "-3".
std::string format_double(double value);

}  // namespace core
