#include "neuro/bids/events.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "core/io/atomic_file.h"
#include "core/io/text_fields.h"

namespace neuro {

namespace {

constexpr std::string_view kNotAvailable = "n/a";

// Cells are trimmed of spaces only (tabs separate them).
std::string_view trim_spaces(std::string_view text) {
  return core::trim(text, " ");
}

// Seconds, with padding spaces and a leading '+' tolerated.
std::optional<double> parse_number(std::string_view text) {
  return core::parse_double(trim_spaces(text), core::LeadingPlus::kAccepted);
}

}  // namespace

namespace {

// The header row of an open events file, byte-order mark and CR removed.
std::vector<std::string> read_header(std::istream& in, const std::filesystem::path& path) {
  std::string line;
  if (!std::getline(in, line)) {
    throw std::runtime_error(path.string() + ": the file is empty (a header row is required)");
  }
  if (line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // UTF-8 byte-order mark
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> header;
  for (const auto field : core::split(line, '\t'))
    header.emplace_back(trim_spaces(field));
  return header;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names)
    text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

EventsTable read_events_tsv(const std::filesystem::path& path, const EventsReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open the file");
  const auto fail = [&](int64_t line, const std::string& problem) {
    throw std::runtime_error(path.string() + ": line " + std::to_string(line) + ": " + problem);
  };

  EventsTable table;
  table.source = path;
  table.columns = read_header(in, path);
  const auto& header = table.columns;
  const auto column = [&](std::string_view name, std::string_view fix) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      throw std::runtime_error(path.string() + ": no '" + std::string(name) +
                               "' column (columns: " + joined(header) + ")" + std::string(fix));
    }
    return static_cast<size_t>(it - header.begin());
  };
  const size_t onset_column = column("onset", "");
  const size_t duration_column = column("duration", "");
  // trial_type is optional in BIDS: without it every event is of one kind, as
  // nilearn's FirstLevelModel takes it. A column the caller named must exist.
  const bool one_kind =
      options.state_column == kDefaultStateColumn &&
      std::find(header.begin(), header.end(), options.state_column) == header.end();
  const size_t state_column =
      one_kind ? 0
               : column(options.state_column,
                        "; name the column that holds the conditions with --state-column");
  if (one_kind) {
    table.notes.push_back(path.string() + ": no '" + options.state_column +
                          "' column (columns: " + joined(header) +
                          "): every event is one state, '" + std::string(kOneKindState) +
                          "'; name the column that holds the conditions with --state-column");
  }

  int64_t no_duration = 0, no_state = 0;
  std::string line;
  for (int64_t number = 2; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim_spaces(line).empty()) continue;
    const auto fields = core::split(line, '\t');
    if (fields.size() != header.size()) {
      fail(number, "expected " + std::to_string(header.size()) + " tab-separated fields, found " +
                       std::to_string(fields.size()));
    }
    const auto onset_text = fields[onset_column];
    const auto onset = parse_number(onset_text);
    if (!onset || !std::isfinite(*onset)) {
      fail(number, "onset '" + std::string(onset_text) + "' is not a number of seconds");
    }
    const auto duration_text = trim_spaces(fields[duration_column]);
    const auto state = one_kind ? kOneKindState : trim_spaces(fields[state_column]);
    if (duration_text == kNotAvailable) {
      ++no_duration;
      continue;
    }
    const auto duration = parse_number(duration_text);
    if (!duration || !std::isfinite(*duration) || *duration < 0) {
      fail(number,
           "duration '" + std::string(duration_text) + "' is not a non-negative number of seconds");
    }
    if (state == kNotAvailable || state.empty()) {
      ++no_state;
      continue;
    }
    table.events.push_back({*onset, *duration, std::string(state), number});
  }
  if (in.bad()) throw std::runtime_error(path.string() + ": cannot read the file");
  if (no_duration > 0) {
    table.notes.push_back(path.string() + ": " + std::to_string(no_duration) +
                          " row(s) with duration n/a skipped");
  }
  if (no_state > 0) {
    table.notes.push_back(path.string() + ": " + std::to_string(no_state) + " row(s) with " +
                          options.state_column + " n/a skipped");
  }
  return table;
}

void write_events_tsv(const std::vector<Event>& events, const std::filesystem::path& path) {
  std::string text = "onset\tduration\ttrial_type\n";
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& event = events[i];
    const auto bad = [&](const std::string& problem) {
      throw std::invalid_argument(path.string() + ": event " + std::to_string(i) + ": " + problem);
    };
    if (!std::isfinite(event.onset)) bad("onset is not finite");
    if (!std::isfinite(event.duration) || event.duration < 0) {
      bad("duration must be a non-negative number");
    }
    if (event.trial_type.find_first_of("\t\r\n") != std::string::npos) {
      bad("trial_type '" + event.trial_type + "' holds a tab or a line break");
    }
    text += core::format_double(event.onset) + '\t' + core::format_double(event.duration) + '\t' +
            (event.trial_type.empty() ? std::string(kNotAvailable) : event.trial_type) + '\n';
  }
  core::write_text_atomically(path, text);
}

}  // namespace neuro
