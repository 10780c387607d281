#include "neuro/glm/design_matrix.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "neuro/bids/frame_labels.h"
#include "neuro/signal/cosine_drift.h"

namespace neuro {

namespace {

std::string events_name(const EventsTable& events) {
  return events.source.empty() ? std::string("events") : events.source.string();
}

std::vector<std::string> state_order(const EventsTable& events, const DesignOptions& options) {
  if (!options.states.empty()) {
    std::set<std::string> seen;
    for (const auto& s : options.states) {
      if (!seen.insert(s).second) {
        throw std::invalid_argument("design matrix: state '" + s + "' is listed twice");
      }
    }
    return options.states;
  }
  std::set<std::string> types;
  for (const auto& e : events.events)
    types.insert(e.trial_type);
  return {types.begin(), types.end()};
}

}  // namespace

int64_t DesignMatrix::column_of(const std::string& name) const {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    throw std::invalid_argument("design matrix: no column named '" + name + "'");
  }
  return static_cast<int64_t>(it - names.begin());
}

DesignMatrix make_design_matrix(const EventsTable& events, int64_t frames, double tr_seconds,
                                const DesignOptions& options, const ConfoundTable* confounds) {
  if (frames < 2) throw std::invalid_argument("design matrix: needs at least 2 frames");
  if (!(tr_seconds > 0.0) || !std::isfinite(tr_seconds)) {
    throw std::invalid_argument("design matrix: the TR must be a positive finite number");
  }
  DesignMatrix design;
  design.frames = frames;
  design.tr_seconds = tr_seconds;
  design.states = state_order(events, options);

  // Events grouped by state; trial types not asked for are noted once each,
  // and so are events that start after the last frame.
  const double end_of_run = static_cast<double>(frames) * tr_seconds;
  std::map<std::string, EventsTable> by_state;
  std::set<std::string> left_out;
  int64_t past_end = 0;
  for (const auto& e : events.events) {
    if (e.onset >= end_of_run) {
      ++past_end;
      continue;
    }
    if (std::find(design.states.begin(), design.states.end(), e.trial_type) ==
        design.states.end()) {
      left_out.insert(e.trial_type);
      continue;
    }
    by_state[e.trial_type].events.push_back(e);
  }
  for (const auto& type : left_out) {
    design.notes.push_back(events_name(events) + ": trial type '" + type +
                           "' is not a modelled state; its events are left out");
  }
  if (past_end > 0) {
    design.notes.push_back(events_name(events) + ": " + std::to_string(past_end) +
                           " event(s) start at or past the end of the run (" +
                           std::to_string(end_of_run) + " s) and are left out");
  }

  // Columns gathered as [K][T] and interleaved at the end.
  std::vector<std::vector<double>> columns;
  for (const auto& state : design.states) {
    const auto it = by_state.find(state);
    if (it == by_state.end()) {
      design.notes.push_back(events_name(events) + ": state '" + state +
                             "' has no events in this run; its column is zero");
      columns.emplace_back(static_cast<size_t>(frames), 0.0);
    } else {
      columns.push_back(state_regressors(it->second, {state}, frames, tr_seconds,
                                         options.microtime_bins, options.hrf)
                            .front());
    }
    design.names.push_back(state);
  }
  if (confounds != nullptr) {
    if (confounds->frames != frames) {
      throw std::invalid_argument("design matrix: confounds " + confounds->source + " have " +
                                  std::to_string(confounds->frames) + " frames, expected " +
                                  std::to_string(frames));
    }
    ConfoundTable filled = *confounds;
    fill_missing_confounds(filled);
    for (int64_t c = 0; c < filled.columns(); ++c) {
      std::vector<double> column(static_cast<size_t>(frames));
      for (int64_t t = 0; t < frames; ++t)
        column[static_cast<size_t>(t)] = filled.at(t, c);
      columns.push_back(std::move(column));
      design.names.push_back(filled.names[static_cast<size_t>(c)]);
    }
  }
  if (options.high_pass_hz > 0.0) {
    const auto drift = cosine_drift(frames, tr_seconds, options.high_pass_hz);
    for (int64_t c = 0; c < drift.columns(); ++c) {
      std::vector<double> column(static_cast<size_t>(frames));
      for (int64_t t = 0; t < frames; ++t)
        column[static_cast<size_t>(t)] = drift.at(t, c);
      columns.push_back(std::move(column));
      design.names.push_back(drift.names[static_cast<size_t>(c)]);
    }
  }
  if (options.add_constant) {
    columns.emplace_back(static_cast<size_t>(frames), 1.0);
    design.names.push_back("constant");
  }

  std::set<std::string> unique;
  for (const auto& name : design.names) {
    if (!unique.insert(name).second) {
      throw std::invalid_argument("design matrix: two columns are named '" + name + "'");
    }
  }
  const auto k = static_cast<int64_t>(columns.size());
  design.values.assign(static_cast<size_t>(frames * k), 0.0);
  for (int64_t c = 0; c < k; ++c) {
    for (int64_t t = 0; t < frames; ++t)
      design.values[static_cast<size_t>(t * k + c)] =
          columns[static_cast<size_t>(c)][static_cast<size_t>(t)];
  }
  return design;
}

}  // namespace neuro
