#include "neuro/bids/state_names.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "core/io/atomic_file.h"
#include "core/io/text_fields.h"
#include "neuro/signal/confounds.h"

namespace neuro {

namespace {

std::string listed(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names)
    text += (text.empty() ? "'" : ", '") + name + "'";
  return text;
}

struct Spec {
  std::string name;  // empty: each match is its own state
  std::vector<std::string> patterns;
};

Spec parse_spec(const std::string& text) {
  Spec spec;
  std::string patterns = text;
  if (const auto eq = text.find('='); eq != std::string::npos) {
    spec.name = std::string(core::trim(std::string_view(text).substr(0, eq)));
    patterns = text.substr(eq + 1);
    if (spec.name.empty()) {
      throw std::invalid_argument("--state '" + text + "': the name before '=' is empty");
    }
  }
  for (const auto part : core::split(patterns, ',')) {
    const auto pattern = core::trim(part);
    if (!pattern.empty()) spec.patterns.emplace_back(pattern);
  }
  if (spec.patterns.empty()) {
    throw std::invalid_argument("--state '" + text + "': no trial type or pattern given");
  }
  return spec;
}

}  // namespace

StateMap map_states(const std::vector<std::string>& trial_types,
                    const std::vector<std::string>& specs) {
  std::vector<std::string> types = trial_types;
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  StateMap map;
  if (specs.empty()) {
    map.states = types;
    for (const auto& type : types)
      map.state_of[type] = type;
    return map;
  }
  for (const auto& text : specs) {
    const Spec spec = parse_spec(text);
    bool matched = false;
    for (const auto& type : types) {
      const bool hit =
          std::any_of(spec.patterns.begin(), spec.patterns.end(),
                      [&](const std::string& p) { return confound_name_matches(p, type); });
      if (!hit) continue;
      matched = true;
      if (map.state_of.count(type)) continue;  // an earlier spec took it
      const std::string state = spec.name.empty() ? type : spec.name;
      map.state_of[type] = state;
      if (std::find(map.states.begin(), map.states.end(), state) == map.states.end()) {
        map.states.push_back(state);
      }
    }
    if (!matched) {
      throw std::invalid_argument("--state '" + text +
                                  "' matches no trial type (present: " + listed(types) + ")");
    }
  }
  for (const auto& type : types) {
    if (!map.state_of.count(type)) map.left_out.push_back(type);
  }
  return map;
}

EventsTable apply_state_map(const EventsTable& table, const StateMap& map) {
  EventsTable out;
  out.source = table.source;
  out.columns = table.columns;
  out.notes = table.notes;
  for (const auto& event : table.events) {
    const auto it = map.state_of.find(event.trial_type);
    if (it == map.state_of.end()) continue;
    Event renamed = event;
    renamed.trial_type = it->second;
    out.events.push_back(std::move(renamed));
  }
  return out;
}

std::vector<std::string> state_file_labels(const std::vector<std::string>& states) {
  std::vector<std::string> labels;
  std::set<std::string> taken;
  for (size_t i = 0; i < states.size(); ++i) {
    const bool has_alnum = std::any_of(states[i].begin(), states[i].end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0;
    });
    const std::string base = has_alnum ? to_bids_label(states[i]) : "state" + std::to_string(i + 1);
    std::string label = base;
    for (int n = 2; taken.count(label); ++n)
      label = base + std::to_string(n);
    taken.insert(label);
    labels.push_back(label);
  }
  return labels;
}

std::vector<std::string> write_state_labels_tsv(const std::filesystem::path& folder,
                                                const std::vector<std::string>& states) {
  const auto labels = state_file_labels(states);
  std::string text = "name\tlabel\n";
  for (size_t i = 0; i < states.size(); ++i)
    text += states[i] + "\t" + labels[i] + "\n";
  core::write_text_atomically(folder / "states.tsv", text);
  return labels;
}

}  // namespace neuro
