#include "neuro/atlas/region_names.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "core/io/text_fields.h"

namespace neuro {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& path, const std::string& problem) {
  throw std::runtime_error(path.string() + ": " + problem);
}

[[noreturn]] void fail_at(const fs::path& path, int64_t line, const std::string& problem) {
  fail(path, "line " + std::to_string(line) + ": " + problem);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open the region names file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(path, "cannot read the region names file");
  return text.str();
}

// A region value: whitespace around it and a leading '+' are allowed; it must fit an int.
std::optional<int> parse_int(std::string_view s) {
  const auto value = core::parse_integer(core::trim(s), core::LeadingPlus::kAccepted);
  if (!value || !std::in_range<int>(*value)) return std::nullopt;
  return static_cast<int>(*value);
}

// Lines without their end-of-line, whatever the platform wrote (aal.nii.txt has CRLF).
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::vector<std::string_view> split_whitespace(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])))
      ++i;
    const size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])))
      ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

void add_name(RegionNames& names, const fs::path& path, int64_t line, int region,
              std::string_view name) {
  if (region == 0 || name.empty()) return;  // background, or a region left unnamed
  const auto [it, inserted] = names.emplace(region, std::string(name));
  if (!inserted) {
    fail_at(path, line,
            "region " + std::to_string(region) + " is named twice (\"" + it->second + "\" and \"" +
                std::string(name) + "\")");
  }
}

int64_t line_of(std::string_view text, size_t position) {
  return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(position), '\n');
}

std::string decode_xml_entities(std::string_view s, const fs::path& path, int64_t line) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t end = s.find(';', i);
    if (end == std::string_view::npos) fail_at(path, line, "unterminated XML entity");
    const std::string_view entity = s.substr(i + 1, end - i - 1);
    if (entity == "amp") {
      out += '&';
    } else if (entity == "lt") {
      out += '<';
    } else if (entity == "gt") {
      out += '>';
    } else if (entity == "quot") {
      out += '"';
    } else if (entity == "apos") {
      out += '\'';
    } else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      unsigned code = 0;
      const auto [p, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (error != std::errc() || p != digits.data() + digits.size() || code == 0 ||
          code > 0x10FFFF) {
        fail_at(path, line, "bad character reference &" + std::string(entity) + ";");
      }
      // UTF-8, so that names with accents survive into TSV headers.
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      }
    } else {
      fail_at(path, line, "unknown XML entity &" + std::string(entity) + ";");
    }
    i = end;
  }
  return out;
}

// The value of attribute `name` inside the text of one start tag.
std::optional<std::string_view> xml_attribute(std::string_view tag, std::string_view name) {
  size_t i = 0;
  while (i < tag.size()) {
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i])))
      ++i;
    const size_t key_start = i;
    while (i < tag.size() && tag[i] != '=' && !std::isspace(static_cast<unsigned char>(tag[i])))
      ++i;
    const std::string_view key = tag.substr(key_start, i - key_start);
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i])))
      ++i;
    if (i >= tag.size() || tag[i] != '=') {
      if (key.empty()) ++i;
      continue;  // an attribute without a value: not well-formed, but not ours to judge
    }
    ++i;
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i])))
      ++i;
    if (i >= tag.size() || (tag[i] != '"' && tag[i] != '\'')) return std::nullopt;
    const char quote = tag[i++];
    const size_t value_end = tag.find(quote, i);
    if (value_end == std::string_view::npos) return std::nullopt;
    if (key == name) return tag.substr(i, value_end - i);
    i = value_end + 1;
  }
  return std::nullopt;
}

}  // namespace

RegionNames read_fsl_xml_names(const fs::path& path) {
  const std::string text = read_text(path);
  const std::string_view all(text);
  RegionNames names;
  bool any_label = false;
  size_t pos = 0;
  while (pos < all.size()) {
    const size_t open = all.find('<', pos);
    if (open == std::string_view::npos) break;
    if (all.substr(open, 4) == "<!--") {
      const size_t close = all.find("-->", open + 4);
      if (close == std::string_view::npos) fail_at(path, line_of(all, open), "unclosed comment");
      pos = close + 3;
      continue;
    }
    const bool is_label = all.substr(open, 6) == "<label" && open + 6 < all.size() &&
                          (std::isspace(static_cast<unsigned char>(all[open + 6])) ||
                           all[open + 6] == '>' || all[open + 6] == '/');
    if (!is_label) {
      pos = open + 1;
      continue;
    }
    const int64_t line = line_of(all, open);
    const size_t tag_end = all.find('>', open);
    if (tag_end == std::string_view::npos) fail_at(path, line, "unclosed <label> tag");
    std::string_view tag = all.substr(open + 6, tag_end - open - 6);
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.remove_suffix(1);
    const auto index_text = xml_attribute(tag, "index");
    if (!index_text) fail_at(path, line, "a <label> has no index attribute");
    const auto index = parse_int(*index_text);
    if (!index || *index < 0) {
      fail_at(path, line,
              "label index \"" + std::string(*index_text) + "\" is not a non-negative integer");
    }
    any_label = true;
    if (self_closing) {
      pos = tag_end + 1;
      continue;
    }
    const size_t close = all.find("</label>", tag_end);
    if (close == std::string_view::npos) fail_at(path, line, "a <label> is never closed");
    const std::string name =
        decode_xml_entities(core::trim(all.substr(tag_end + 1, close - tag_end - 1)), path, line);
    add_name(names, path, line, *index + 1, name);
    pos = close + 8;
  }
  if (!any_label) fail(path, "no <label index=\"...\"> element: not an FSL atlas XML file");
  return names;
}

RegionNames read_mricron_names(const fs::path& path) {
  const std::string text = read_text(path);
  RegionNames names;
  int64_t line_number = 0;
  for (const std::string_view raw : split_lines(text)) {
    ++line_number;
    const std::string_view line = core::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> fields;
    if (line.find('\t') != std::string_view::npos) {
      fields = core::split(line, '\t');
      for (auto& f : fields)
        f = core::trim(f);
    } else {
      fields = split_whitespace(line);
    }
    const auto value = parse_int(fields[0]);
    if (!value || fields.size() < 2) {
      fail_at(path, line_number,
              "expected \"<value> <name>\", found \"" + std::string(line.substr(0, 60)) + "\"");
    }
    add_name(names, path, line_number, *value, fields[1]);
  }
  if (names.empty()) fail(path, "no region names in the file");
  return names;
}

std::vector<RegionRow> read_tsv_rows(const fs::path& path) {
  const std::string text = read_text(path);
  std::vector<RegionRow> rows;
  size_t index_column = 0;
  size_t name_column = 1;
  bool first = true;
  int64_t line_number = 0;
  for (const std::string_view line : split_lines(text)) {
    ++line_number;
    if (core::trim(line).empty()) continue;
    std::vector<std::string_view> fields = core::split(line, '\t');
    for (auto& f : fields)
      f = core::trim(f);
    if (first) {
      first = false;
      if (!parse_int(fields[0])) {
        // A header row: use the named columns when it names them. BIDS atlas
        // tables call the name "label" in places; "name" wins when both exist.
        std::optional<size_t> name_at;
        std::optional<size_t> label_at;
        for (size_t c = 0; c < fields.size(); ++c) {
          std::string lower(fields[c]);
          std::transform(lower.begin(), lower.end(), lower.begin(),
                         [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
          if (lower == "index") index_column = c;
          if (lower == "name") name_at = c;
          if (lower == "label") label_at = c;
        }
        if (name_at) {
          name_column = *name_at;
        } else if (label_at) {
          name_column = *label_at;
        }
        continue;
      }
    }
    if (fields.size() <= std::max(index_column, name_column)) {
      fail_at(path, line_number,
              "expected " + std::to_string(std::max(index_column, name_column) + 1) +
                  " tab-separated columns, found " + std::to_string(fields.size()));
    }
    const auto value = parse_int(fields[index_column]);
    if (!value) {
      fail_at(path, line_number,
              "index \"" + std::string(fields[index_column]) + "\" is not an integer");
    }
    const std::string_view name = fields[name_column];
    rows.push_back({*value, name == "n/a" ? std::string() : std::string(name), line_number});
  }
  return rows;
}

RegionNames read_tsv_names(const fs::path& path) {
  RegionNames names;
  for (const auto& row : read_tsv_rows(path)) {
    add_name(names, path, row.line, row.index, row.name);
  }
  if (names.empty()) fail(path, "no region names in the file");
  return names;
}

RegionNames read_region_names(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (extension == ".xml") return read_fsl_xml_names(path);
  if (extension == ".tsv") return read_tsv_names(path);
  return read_mricron_names(path);
}

std::optional<fs::path> find_names_beside(const fs::path& atlas_file) {
  std::string name = atlas_file.filename().string();
  if (name.ends_with(".gz")) name.resize(name.size() - 3);
  std::vector<std::string> bases{name};
  for (const char* image_extension : {".nii", ".hdr", ".img"}) {
    if (name.ends_with(image_extension)) {
      bases.push_back(name.substr(0, name.size() - std::string_view(image_extension).size()));
    }
  }
  for (const auto& base : bases) {
    for (const char* extension : {".xml", ".tsv", ".txt"}) {
      const fs::path candidate = atlas_file.parent_path() / (base + extension);
      std::error_code error;
      if (fs::is_regular_file(candidate, error)) return candidate;
    }
  }
  return std::nullopt;
}

std::optional<fs::path> find_shipped_names(const fs::path& atlas_file,
                                           const fs::path& resources_dir) {
  if (resources_dir.empty()) return std::nullopt;
  // Image-name prefix -> names file in resources/atlases.
  static const std::array<std::pair<std::string_view, std::string_view>, 1> kKnown{{
      {"HarvardOxford-cort", "HarvardOxford-Cortical.xml"},
  }};
  const std::string name = atlas_file.filename().string();
  for (const auto& [prefix, file] : kKnown) {
    if (!name.starts_with(prefix)) continue;
    const fs::path candidate = resources_dir / "atlases" / file;
    std::error_code error;
    if (fs::is_regular_file(candidate, error)) return candidate;
  }
  return std::nullopt;
}

RegionNames find_region_names(const fs::path& atlas_file,
                              const std::optional<fs::path>& explicit_file,
                              const fs::path& resources_dir) {
  if (explicit_file) return read_region_names(*explicit_file);
  if (auto beside = find_names_beside(atlas_file)) return read_region_names(*beside);
  if (auto shipped = find_shipped_names(atlas_file, resources_dir)) {
    return read_region_names(*shipped);
  }
  return {};
}

}  // namespace neuro
