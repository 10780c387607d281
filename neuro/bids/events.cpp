#include "neuro/bids/events.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>

#include "core/io/atomic_file.h"
#include "core/io/text_fields.h"

namespace neuro {

namespace {

constexpr std::string_view kNotAvailable = "n/a";

// Onsets are often written as sums of a TR that is not a binary fraction
// (0.72 s): a microsecond of slack keeps a frame that lands exactly on a block
// edge from falling on either side by rounding.
constexpr double kTimeSlack = 1e-6;

// Cells are trimmed of spaces only (tabs separate them).
std::string_view trim_spaces(std::string_view text) {
  return core::trim(text, " ");
}

// Seconds, with padding spaces and a leading '+' tolerated.
std::optional<double> parse_number(std::string_view text) {
  return core::parse_double(trim_spaces(text), core::LeadingPlus::kAccepted);
}

std::string where(const std::filesystem::path& source) {
  return source.empty() ? std::string("events") : source.string();
}

}  // namespace

EventsTable read_events_tsv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open the file");
  const auto fail = [&](int64_t line, const std::string& problem) {
    throw std::runtime_error(path.string() + ": line " + std::to_string(line) + ": " + problem);
  };

  std::string line;
  if (!std::getline(in, line)) {
    throw std::runtime_error(path.string() + ": the file is empty (a header row is required)");
  }
  if (line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // UTF-8 byte-order mark
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const auto header = core::split(line, '\t');
  const auto column = [&](std::string_view name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      throw std::runtime_error(path.string() + ": no '" + std::string(name) +
                               "' column (the header names the columns, tab-separated)");
    }
    return static_cast<size_t>(it - header.begin());
  };
  const size_t onset_column = column("onset");
  const size_t duration_column = column("duration");
  const size_t trial_type_column = column("trial_type");

  EventsTable table;
  table.source = path;
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
    const auto trial_type = trim_spaces(fields[trial_type_column]);
    const auto skip = [&](const std::string& why) {
      table.notes.push_back(path.string() + ": line " + std::to_string(number) + ": " + why +
                            "; the event is skipped");
    };
    if (duration_text == kNotAvailable) {
      skip("duration is n/a");
      continue;
    }
    const auto duration = parse_number(duration_text);
    if (!duration || !std::isfinite(*duration) || *duration < 0) {
      fail(number,
           "duration '" + std::string(duration_text) + "' is not a non-negative number of seconds");
    }
    if (trial_type == kNotAvailable || trial_type.empty()) {
      skip("trial_type is n/a");
      continue;
    }
    table.events.push_back({*onset, *duration, std::string(trial_type), number});
  }
  if (in.bad()) throw std::runtime_error(path.string() + ": cannot read the file");
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

const std::string& TrLabels::name_of(int64_t t) const {
  static const std::string unlabelled = "unlabelled";
  const int state = frames.at(static_cast<size_t>(t));
  return state == kUnlabelled ? unlabelled : states.at(static_cast<size_t>(state));
}

std::vector<int64_t> TrLabels::counts() const {
  std::vector<int64_t> counts(states.size() + 1, 0);
  for (const int state : frames) {
    ++counts[state == kUnlabelled ? states.size() : static_cast<size_t>(state)];
  }
  return counts;
}

TrLabels labels_per_tr(const EventsTable& table, int64_t frames, double tr_seconds,
                       const LabelOptions& options) {
  if (frames < 0) throw std::invalid_argument("labels per TR: negative number of frames");
  if (!std::isfinite(tr_seconds) || tr_seconds <= 0) {
    throw std::invalid_argument("labels per TR: the TR must be a positive number of seconds, got " +
                                core::format_double(tr_seconds));
  }
  if (!std::isfinite(options.hrf_lag_seconds)) {
    throw std::invalid_argument("labels per TR: the haemodynamic lag must be finite");
  }

  const double run_end = static_cast<double>(frames) * tr_seconds;
  for (const auto& event : table.events) {
    if (event.onset >= run_end) {
      throw std::runtime_error(
          where(table.source) + ": " +
          (event.line > 0 ? "line " + std::to_string(event.line) + ": " : std::string()) +
          "onset " + core::format_double(event.onset) + " s is at or past the end of the run (" +
          std::to_string(frames) + " frames x TR " + core::format_double(tr_seconds) +
          " s = " + core::format_double(run_end) + " s)");
    }
  }

  TrLabels labels;
  if (options.states.empty()) {
    const std::set<std::string> types = [&] {
      std::set<std::string> s;
      for (const auto& event : table.events)
        s.insert(event.trial_type);
      return s;
    }();
    labels.states.assign(types.begin(), types.end());
  } else {
    labels.states = options.states;
    auto sorted = options.states;
    std::sort(sorted.begin(), sorted.end());
    const auto twice = std::adjacent_find(sorted.begin(), sorted.end());
    if (twice != sorted.end()) {
      throw std::invalid_argument("labels per TR: state '" + *twice + "' is listed twice");
    }
  }
  std::map<std::string, int> index;
  for (size_t i = 0; i < labels.states.size(); ++i)
    index[labels.states[i]] = static_cast<int>(i);

  struct Interval {
    double start;
    double end;
    int state;
  };
  std::vector<Interval> intervals;
  std::map<std::string, int> left_out;
  for (const auto& event : table.events) {
    const auto it = index.find(event.trial_type);
    if (it == index.end()) {
      ++left_out[event.trial_type];
      continue;
    }
    intervals.push_back({event.onset, event.onset + event.duration, it->second});
  }
  for (const auto& [type, count] : left_out) {
    labels.notes.push_back(where(table.source) + ": trial type '" + type +
                           "' is not in the state list; its " + std::to_string(count) +
                           " event(s) label no frame");
  }

  labels.frames.assign(static_cast<size_t>(frames), kUnlabelled);
  for (int64_t t = 0; t < frames; ++t) {
    const double time = static_cast<double>(t) * tr_seconds - options.hrf_lag_seconds;
    double latest_start = 0;
    int& state = labels.frames[static_cast<size_t>(t)];
    for (const auto& interval : intervals) {
      const bool inside = time >= interval.start - kTimeSlack && time < interval.end - kTimeSlack;
      if (inside && (state == kUnlabelled || interval.start >= latest_start)) {
        state = interval.state;
        latest_start = interval.start;
      }
    }
  }
  return labels;
}

}  // namespace neuro
