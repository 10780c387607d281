#include "neuro/bids/frame_labels.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "core/io/text_fields.h"

namespace neuro {

namespace {

// Onsets are often written as sums of a TR that is not a binary fraction
// (0.72 s): a microsecond of slack keeps a frame that lands exactly on a block
// edge from falling on either side by rounding.
constexpr double kTimeSlack = 1e-6;

std::string where(const std::filesystem::path& source) {
  return source.empty() ? std::string("events") : source.string();
}

std::vector<std::string> state_order(const EventsTable& table, const LabelOptions& options) {
  if (options.states.empty()) {
    std::set<std::string> types;
    for (const auto& event : table.events)
      types.insert(event.trial_type);
    return {types.begin(), types.end()};
  }
  auto sorted = options.states;
  std::sort(sorted.begin(), sorted.end());
  const auto twice = std::adjacent_find(sorted.begin(), sorted.end());
  if (twice != sorted.end()) {
    throw std::invalid_argument("labels per TR: state '" + *twice + "' is listed twice");
  }
  return options.states;
}

struct Interval {
  double start;
  double end;
  int state;
};

// Events of one state whose gap is below `gap` seconds, with no event of
// another state starting in between, become one interval.
std::vector<Interval> merged(std::vector<Interval> intervals, double gap) {
  if (gap <= 0 || intervals.empty()) return intervals;
  std::stable_sort(intervals.begin(), intervals.end(),
                   [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> out{intervals.front()};
  for (size_t i = 1; i < intervals.size(); ++i) {
    Interval& last = out.back();
    const Interval& next = intervals[i];
    if (next.state == last.state && next.start - last.end < gap) {
      last.end = std::max(last.end, next.end);
    } else {
      out.push_back(next);
    }
  }
  return out;
}

std::vector<int> lag_rule(const std::vector<Interval>& intervals, int64_t frames, double tr_seconds,
                          double lag) {
  std::vector<int> labels(static_cast<size_t>(frames), kUnlabelled);
  for (int64_t t = 0; t < frames; ++t) {
    const double time = static_cast<double>(t) * tr_seconds - lag;
    double latest_start = 0;
    int& state = labels[static_cast<size_t>(t)];
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

std::vector<int> hrf_rule(const std::vector<std::vector<double>>& responses, int64_t frames,
                          const LabelOptions& options) {
  std::vector<double> peaks;
  for (const auto& r : responses)
    peaks.push_back(r.empty() ? 0.0 : *std::max_element(r.begin(), r.end()));
  std::vector<int> labels(static_cast<size_t>(frames), kUnlabelled);
  for (int64_t t = 0; t < frames; ++t) {
    const auto i = static_cast<size_t>(t);
    int best = kUnlabelled;
    double first = 0, second = 0;
    for (size_t s = 0; s < responses.size(); ++s) {
      const double value = responses[s][i];
      if (value > first) {
        second = first;
        first = value;
        best = static_cast<int>(s);
      } else if (value > second) {
        second = value;
      }
    }
    if (best == kUnlabelled || !(peaks[static_cast<size_t>(best)] > 0)) continue;
    const bool strong = first >= options.min_peak_fraction * peaks[static_cast<size_t>(best)];
    const bool dominant = first >= options.dominance * second;
    if (strong && dominant) labels[i] = best;
  }
  return labels;
}

}  // namespace

const char* label_rule_name(LabelRule rule) {
  return rule == LabelRule::kHrf ? "hrf" : "lag";
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

std::vector<std::vector<double>> state_regressors(const EventsTable& table,
                                                  const std::vector<std::string>& states,
                                                  int64_t frames, double tr_seconds,
                                                  int microtime_bins, const HrfParameters& hrf) {
  // Volumes before the first kept one are added so that events with negative
  // onsets (dummy scans) shape the response, then dropped.
  double earliest = 0;
  for (const auto& event : table.events)
    earliest = std::min(earliest, event.onset);
  const auto lead = static_cast<int64_t>(std::ceil(-earliest / tr_seconds));
  const double shift = static_cast<double>(lead) * tr_seconds;
  std::vector<std::vector<double>> out;
  for (const auto& state : states) {
    std::vector<Stimulus> stimuli;
    for (const auto& event : table.events) {
      if (event.trial_type == state) stimuli.push_back({event.onset + shift, event.duration, 1.0});
    }
    auto r = hrf_regressor(stimuli, frames + lead, tr_seconds, microtime_bins, hrf);
    out.emplace_back(r.begin() + lead, r.end());
  }
  return out;
}

TrLabels labels_per_tr(const EventsTable& table, int64_t frames, double tr_seconds,
                       const LabelOptions& options) {
  if (frames < 0) throw std::invalid_argument("labels per TR: negative number of frames");
  if (!std::isfinite(tr_seconds) || tr_seconds <= 0) {
    throw std::invalid_argument("labels per TR: the TR must be a positive number of seconds, got " +
                                core::format_double(tr_seconds));
  }
  if (!std::isfinite(options.hrf_lag_seconds) || !std::isfinite(options.merge_gap_seconds) ||
      !std::isfinite(options.min_peak_fraction) || !std::isfinite(options.dominance) ||
      options.dominance < 1 || options.min_peak_fraction <= 0 || options.min_peak_fraction > 1) {
    throw std::invalid_argument(
        "labels per TR: the lag and merge gap must be finite, the peak fraction in (0, 1] and "
        "the dominance at least 1");
  }

  TrLabels labels;
  labels.states = state_order(table, options);
  std::map<std::string, int> index;
  for (size_t i = 0; i < labels.states.size(); ++i)
    index[labels.states[i]] = static_cast<int>(i);

  // Events in the run, of listed states; the rest is noted once per kind.
  const double run_end = static_cast<double>(frames) * tr_seconds;
  EventsTable kept;
  kept.source = table.source;
  std::vector<Interval> intervals;
  std::map<std::string, int> left_out;
  int64_t past_end = 0;
  for (const auto& event : table.events) {
    if (event.onset >= run_end) {
      ++past_end;
      continue;
    }
    const auto it = index.find(event.trial_type);
    if (it == index.end()) {
      ++left_out[event.trial_type];
      continue;
    }
    kept.events.push_back(event);
    intervals.push_back({event.onset, std::min(event.onset + event.duration, run_end), it->second});
  }
  for (const auto& [type, count] : left_out) {
    labels.notes.push_back(where(table.source) + ": trial type '" + type +
                           "' is not in the state list; its " + std::to_string(count) +
                           " event(s) label no frame");
  }
  if (past_end > 0) {
    labels.notes.push_back(where(table.source) + ": " + std::to_string(past_end) +
                           " event(s) start at or past the end of the run (" +
                           std::to_string(frames) + " frames x TR " +
                           core::format_double(tr_seconds) +
                           " s = " + core::format_double(run_end) + " s) and are left out");
  }

  if (options.rule == LabelRule::kLag) {
    labels.frames = lag_rule(merged(std::move(intervals), options.merge_gap_seconds), frames,
                             tr_seconds, options.hrf_lag_seconds);
  } else {
    labels.frames = hrf_rule(state_regressors(kept, labels.states, frames, tr_seconds,
                                              options.microtime_bins, options.hrf),
                             frames, options);
  }
  return labels;
}

}  // namespace neuro
