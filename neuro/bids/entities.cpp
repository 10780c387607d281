#include "neuro/bids/entities.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include "core/io/text_fields.h"

namespace neuro {

namespace {

// The filename order of the BIDS schema (rules/entities.yaml), by key; "prov",
// the one left out, falls just before desc as an unknown key, where it belongs.
constexpr std::array<std::string_view, 35> kEntityOrder = {
    "sub",   "tpl",   "ses", "cohort", "sample", "task", "tracksys", "acq",   "nuc",
    "voi",   "ce",    "trc", "stain",  "rec",    "dir",  "run",      "mod",   "echo",
    "flip",  "inv",   "mt",  "part",   "proc",   "hemi", "space",    "split", "recording",
    "chunk", "atlas", "seg", "scale",  "res",    "den",  "label",    "desc"};

constexpr int kDescRank = static_cast<int>(kEntityOrder.size()) - 1;

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Unknown keys sort between "label" and "desc", keeping their given order
// (the sort is stable), so that desc stays last as the specification asks.
double sort_rank(std::string_view key) {
  if (const auto rank = entity_rank(key)) return *rank;
  return kDescRank - 0.5;
}

void check_label(std::string_view what, std::string_view text) {
  if (!is_bids_label(text)) {
    throw std::invalid_argument("BIDS name: " + std::string(what) + " '" + std::string(text) +
                                "' is not a label (letters and digits only)");
  }
}

// Returns the problem with `filename`, or an empty string when it parsed.
std::string parse_into(std::string_view filename, BidsName& name) {
  const auto slash = filename.find_last_of('/');
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  const auto dot = filename.find('.');
  std::string_view stem = filename.substr(0, dot);
  name.extension = dot == std::string_view::npos ? "" : std::string(filename.substr(dot));
  if (stem.empty()) return "no name before the extension";

  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const auto end = stem.find('_', start);
    parts.push_back(stem.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  const std::string_view suffix = parts.back();
  parts.pop_back();
  if (!is_bids_label(suffix)) {
    return "'" + std::string(suffix) + "' is not a suffix (letters and digits after the last _)";
  }
  name.suffix = std::string(suffix);
  for (const auto part : parts) {
    const auto dash = part.find('-');
    if (dash == std::string_view::npos) {
      return "'" + std::string(part) + "' is not a key-value entity";
    }
    const auto key = part.substr(0, dash);
    const auto value = part.substr(dash + 1);
    if (!is_bids_label(key) || !is_bids_label(value)) {
      return "'" + std::string(part) + "' is not a key-value entity (letters and digits only)";
    }
    if (name.has(key)) return "entity '" + std::string(key) + "' is given twice";
    name.entities.push_back({std::string(key), std::string(value)});
  }
  return {};
}

}  // namespace

std::optional<int> entity_rank(std::string_view key) {
  const auto it = std::find(kEntityOrder.begin(), kEntityOrder.end(), key);
  if (it == kEntityOrder.end()) return std::nullopt;
  return static_cast<int>(it - kEntityOrder.begin());
}

bool is_bids_label(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_alnum);
}

bool same_bids_label(std::string_view a, std::string_view b) {
  if (a == b) return true;
  const auto x = core::parse_integer(a);
  const auto y = core::parse_integer(b);
  return x && y && *x == *y;
}

std::string to_bids_label(std::string_view text) {
  std::string label;
  bool capitalise = false;
  for (const char c : text) {
    if (!is_alnum(c)) {
      capitalise = !label.empty();
      continue;
    }
    label += capitalise ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    capitalise = false;
  }
  if (label.empty()) {
    throw std::invalid_argument("'" + std::string(text) +
                                "' has no letters or digits to make a BIDS label from");
  }
  return label;
}

bool BidsName::has(std::string_view key) const {
  return get(key).has_value();
}

std::optional<std::string> BidsName::get(std::string_view key) const {
  for (const auto& entity : entities) {
    if (entity.key == key) return entity.value;
  }
  return std::nullopt;
}

std::string BidsName::value_or(std::string_view key, std::string_view fallback) const {
  const auto value = get(key);
  return value ? *value : std::string(fallback);
}

BidsName& BidsName::set(std::string_view key, std::string_view value) {
  check_label("key", key);
  check_label("value of " + std::string(key), value);
  for (auto& entity : entities) {
    if (entity.key == key) {
      entity.value = std::string(value);
      return *this;
    }
  }
  entities.push_back({std::string(key), std::string(value)});
  return *this;
}

BidsName& BidsName::erase(std::string_view key) {
  std::erase_if(entities, [&](const BidsEntity& entity) { return entity.key == key; });
  return *this;
}

std::vector<BidsEntity> BidsName::ordered_entities() const {
  auto ordered = entities;
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return sort_rank(a.key) < sort_rank(b.key);
  });
  return ordered;
}

std::string BidsName::filename() const {
  check_label("suffix", suffix);
  std::string name;
  for (const auto& entity : ordered_entities()) {
    check_label("key", entity.key);
    check_label("value of " + entity.key, entity.value);
    name += entity.key + "-" + entity.value + "_";
  }
  return name + suffix + extension;
}

BidsName parse_bids_name(std::string_view filename) {
  BidsName name;
  const auto problem = parse_into(filename, name);
  if (!problem.empty()) {
    throw std::runtime_error(std::string(filename) + ": not a BIDS file name: " + problem);
  }
  return name;
}

std::optional<BidsName> try_parse_bids_name(std::string_view filename) {
  BidsName name;
  if (!parse_into(filename, name).empty()) return std::nullopt;
  return name;
}

}  // namespace neuro
