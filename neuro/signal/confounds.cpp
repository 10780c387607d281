#include "neuro/signal/confounds.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

#include "core/io/atomic_file.h"
#include "core/io/text_fields.h"

namespace neuro {

namespace {

std::string_view strip_carriage_return(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Matches a bracket set starting just after '['; on success `p` ends after ']'.
// Returns false with p unchanged when the set is not closed (then '[' is literal).
bool match_set(std::string_view pattern, size_t& p, char c, bool& matched) {
  size_t i = p;
  bool negate = false;
  if (i < pattern.size() && pattern[i] == '!') {
    negate = true;
    ++i;
  }
  bool hit = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    const char lo = pattern[i];
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      const char hi = pattern[i + 2];
      hit = hit || (lo <= c && c <= hi);
      i += 3;
    } else {
      hit = hit || lo == c;
      ++i;
    }
  }
  if (i >= pattern.size()) return false;
  p = i + 1;
  matched = hit != negate;
  return true;
}

bool is_pattern(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

}  // namespace

bool confound_name_matches(const std::string& pattern_string, const std::string& name_string) {
  const std::string_view pattern(pattern_string), name(name_string);
  size_t p = 0, n = 0;
  // Where to resume after the last '*' when a later literal fails to match.
  size_t star_p = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size()) {
      const char c = pattern[p];
      if (c == '*') {
        star_p = ++p;
        star_n = n;
        continue;
      }
      if (c == '?') {
        ++p;
        ++n;
        continue;
      }
      if (c == '[') {
        size_t after = p + 1;
        bool matched = false;
        if (match_set(pattern, after, name[n], matched)) {
          if (matched) {
            p = after;
            ++n;
            continue;
          }
        } else if (name[n] == '[') {
          ++p;
          ++n;
          continue;
        }
      } else if (c == name[n]) {
        ++p;
        ++n;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

ConfoundTable read_confounds_tsv(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(file + ": cannot open the confounds file");
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(file + ": the confounds file is empty");

  ConfoundTable table;
  table.source = file;
  std::unordered_set<std::string> seen;
  for (std::string_view name : core::split(strip_carriage_return(line), '\t')) {
    if (name.empty()) throw std::runtime_error(file + ": the header has an empty column name");
    if (!seen.emplace(name).second) {
      throw std::runtime_error(file + ": column '" + std::string(name) + "' appears twice");
    }
    table.names.emplace_back(name);
  }

  const size_t columns = table.names.size();
  int64_t row = 0;
  while (std::getline(in, line)) {
    const std::string_view text = strip_carriage_return(line);
    if (text.empty()) continue;
    ++row;
    const auto fields = core::split(text, '\t');
    if (fields.size() != columns) {
      throw std::runtime_error(file + ": row " + std::to_string(row) + " has " +
                               std::to_string(fields.size()) + " cells, the header has " +
                               std::to_string(columns));
    }
    for (size_t c = 0; c < columns; ++c) {
      const std::string_view cell = fields[c];
      double v = std::numeric_limits<double>::quiet_NaN();
      if (!cell.empty() && cell != "n/a") {
        const auto number = core::parse_double(cell);
        if (!number || std::isinf(*number)) {
          throw std::runtime_error(file + ": row " + std::to_string(row) + ", column '" +
                                   table.names[c] + "': not a finite number: '" +
                                   std::string(cell) + "'");
        }
        v = *number;
      }
      table.values.push_back(v);
    }
  }
  table.frames = row;
  return table;
}

ConfoundTable select_confounds(const ConfoundTable& table,
                               const std::vector<std::string>& names_or_patterns) {
  const std::string& file = table.source.empty() ? std::string("confounds") : table.source;
  std::vector<int64_t> chosen;
  std::unordered_set<int64_t> taken;
  for (const std::string& request : names_or_patterns) {
    bool found = false;
    for (int64_t c = 0; c < table.columns(); ++c) {
      const std::string& name = table.names[static_cast<size_t>(c)];
      const bool hit = is_pattern(request) ? confound_name_matches(request, name) : name == request;
      if (!hit) continue;
      found = true;
      if (taken.insert(c).second) chosen.push_back(c);
    }
    if (!found) {
      throw std::runtime_error(file + ": no confound column " +
                               (is_pattern(request) ? "matches '" : "named '") + request + "'");
    }
  }

  ConfoundTable out;
  out.source = table.source;
  out.frames = table.frames;
  for (int64_t c : chosen)
    out.names.push_back(table.names[static_cast<size_t>(c)]);
  out.values.reserve(static_cast<size_t>(out.frames) * chosen.size());
  for (int64_t t = 0; t < table.frames; ++t) {
    for (int64_t c : chosen)
      out.values.push_back(table.at(t, c));
  }
  return out;
}

void fill_missing_confounds(ConfoundTable& table) {
  const int64_t columns = table.columns();
  for (int64_t c = 0; c < columns; ++c) {
    double sum = 0.0;
    int64_t count = 0;
    for (int64_t t = 0; t < table.frames; ++t) {
      const double v = table.at(t, c);
      if (!std::isnan(v)) {
        sum += v;
        ++count;
      }
    }
    if (count == table.frames) continue;
    if (count == 0) {
      throw std::runtime_error((table.source.empty() ? std::string("confounds") : table.source) +
                               ": column '" + table.names[static_cast<size_t>(c)] +
                               "' has no values, only n/a");
    }
    const double mean = sum / static_cast<double>(count);
    for (int64_t t = 0; t < table.frames; ++t) {
      double& v = table.values[static_cast<size_t>(t * columns + c)];
      if (std::isnan(v)) v = mean;
    }
  }
}

void check_confound_table_shape(const ConfoundTable& table, const std::string& file) {
  if (table.frames < 0 ||
      table.values.size() != static_cast<size_t>(table.frames) * table.names.size()) {
    throw std::invalid_argument(file + ": the confounds table holds " +
                                std::to_string(table.values.size()) + " values, expected " +
                                std::to_string(table.frames) + " frames x " +
                                std::to_string(table.names.size()) + " columns");
  }
}

void write_confounds_tsv(const ConfoundTable& table, const std::filesystem::path& path) {
  const std::string file = path.string();
  check_confound_table_shape(table, file);
  std::string text;
  for (size_t c = 0; c < table.names.size(); ++c) {
    const std::string& name = table.names[c];
    if (name.empty() || name.find_first_of("\t\r\n") != std::string::npos) {
      throw std::invalid_argument(file + ": confound name '" + name +
                                  "' is empty or holds a tab or a line break");
    }
    if (c) text += '\t';
    text += name;
  }
  text += '\n';
  char buf[64];
  for (int64_t t = 0; t < table.frames; ++t) {
    for (int64_t c = 0; c < table.columns(); ++c) {
      if (c) text += '\t';
      const double v = table.at(t, c);
      if (std::isnan(v)) {
        text += "n/a";
        continue;
      }
      if (std::isinf(v)) {
        throw std::invalid_argument(file + ": frame " + std::to_string(t) + ", column '" +
                                    table.names[static_cast<size_t>(c)] + "' is infinite");
      }
      // Shortest representation that reads back to the same double.
      const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
      text.append(buf, end);
    }
    text += '\n';
  }
  core::write_text_atomically(path, text);
}

}  // namespace neuro
