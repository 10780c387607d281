#include "app/gui/run_annotations.h"

#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string_view>

#include "core/io/text_fields.h"
#include "neuro/bids/entities.h"
#include "neuro/bids/events.h"

namespace gui {

std::optional<std::filesystem::path> events_file_for(const std::filesystem::path& bold) {
  const auto name = neuro::try_parse_bids_name(bold.filename().string());
  if (!name || !name->has("sub") || !name->has("task")) return std::nullopt;
  neuro::BidsName events;
  for (const char* key : {"sub", "ses", "task", "acq", "ce", "dir", "rec", "run", "echo"})
    if (const auto value = name->get(key)) events.set(key, *value);
  events.suffix = "events";
  events.extension = ".tsv";
  const auto path = bold.parent_path() / events.filename();
  if (!std::filesystem::exists(path)) return std::nullopt;
  return path;
}

std::vector<viewers::StateInterval> read_event_intervals(const std::filesystem::path& events) {
  std::vector<viewers::StateInterval> intervals;
  for (const auto& e : neuro::read_events_tsv(events).events)
    intervals.push_back({e.onset, e.duration, e.trial_type});
  return intervals;
}

std::vector<viewers::StateInterval> read_decoded_intervals(const std::filesystem::path& timeline,
                                                           const std::filesystem::path& bold,
                                                           double tr) {
  const auto name = neuro::try_parse_bids_name(bold.filename().string());
  if (!name) return {};
  std::ifstream in(timeline);
  if (!in) throw std::runtime_error(timeline.string() + ": cannot be read");
  std::string line;
  std::getline(in, line);
  std::map<std::string, size_t, std::less<>> column;
  const auto header = core::split(line, '\t');
  const size_t columns = header.size();
  for (size_t c = 0; c < columns; ++c)
    column[std::string(header[c])] = c;
  for (const char* needed : {"subject", "task", "run", "onset_s", "decoded_state"}) {
    if (!column.count(needed)) {
      throw std::runtime_error(timeline.string() + ": no column '" + needed +
                               "' (is it a decoding timeline?)");
    }
  }
  std::vector<viewers::StateInterval> intervals;
  for (int64_t number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const auto fields = core::split(line, '\t');
    if (fields.size() != columns) {
      throw std::runtime_error(timeline.string() + ": line " + std::to_string(number) + " has " +
                               std::to_string(fields.size()) + " fields, the header " +
                               std::to_string(columns));
    }
    if (fields[column["subject"]] != name->value_or("sub") ||
        fields[column["task"]] != name->value_or("task") ||
        !neuro::same_bids_label(fields[column["run"]], name->value_or("run")))
      continue;
    const std::string state(fields[column["decoded_state"]]);
    if (state == "n/a" || state.empty()) continue;
    const auto parsed_onset = core::parse_double(fields[column["onset_s"]]);
    if (!parsed_onset) {
      throw std::runtime_error(timeline.string() + ": line " + std::to_string(number) +
                               ": onset_s is not a number");
    }
    const double onset = *parsed_onset;
    if (!intervals.empty() && intervals.back().state == state &&
        std::abs(intervals.back().onset + intervals.back().duration - onset) < 0.01 * tr) {
      intervals.back().duration += tr;
    } else {
      intervals.push_back({onset, tr, state});
    }
  }
  return intervals;
}

}  // namespace gui
