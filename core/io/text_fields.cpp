#include "core/io/text_fields.h"

#include <charconv>
#include <system_error>

namespace core {
namespace {

template <typename T>
std::optional<T> parse_whole(std::string_view text, LeadingPlus plus) {
  if (plus == LeadingPlus::kAccepted && !text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  T value{};
  const char* const last = text.data() + text.size();
  const auto [end, error] = std::from_chars(text.data(), last, value);
  if (error != std::errc() || end != last) return std::nullopt;
  return value;
}

}  // namespace

std::string_view trim(std::string_view text, std::string_view characters) {
  const size_t first = text.find_first_not_of(characters);
  if (first == std::string_view::npos) return text.substr(text.size());
  const size_t last = text.find_last_not_of(characters);
  return text.substr(first, last - first + 1);
}

std::vector<std::string_view> split(std::string_view line, char separator) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t end = line.find(separator, start);
    if (end == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, end - start));
    start = end + 1;
  }
}

std::optional<double> parse_double(std::string_view text, LeadingPlus plus) {
  return parse_whole<double>(text, plus);
}

std::optional<float> parse_float(std::string_view text, LeadingPlus plus) {
  return parse_whole<float>(text, plus);
}

std::optional<int64_t> parse_integer(std::string_view text, LeadingPlus plus) {
  return parse_whole<int64_t>(text, plus);
}

std::string format_double(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end);
}

}  // namespace core
