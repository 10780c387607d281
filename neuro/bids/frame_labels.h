#pragma once
// From events to one mental-state label per volume (TR): the labels decoders
// train and are scored on.
//
// Two rules:
//  - kHrf (the default): each state's events, with their real onsets and
//    durations, are convolved with the canonical double-gamma HRF that the GLM
//    models them with; frame t takes state s where s's predicted response is
//    at least `min_peak_fraction` of its own peak in the run and at least
//    `dominance` times the next state's response. Short events (0.5 s
//    pictures, 1-3 s trials) and rapid designs label the frames where their
//    response is, and events of one state close in time merge into one block
//    through the convolution itself.
//  - kLag: frame t takes the state of the event whose interval holds
//    t * TR - lag; events of one state closer than `merge_gap_seconds` form
//    one block. Where events overlap, the one that started last wins (ties:
//    the later row). Impulse events (duration 0) label nothing.
//
// Events that start at or past the end of the run are dropped with a note,
// events that run past it are cut at it, and events with a negative onset
// (before the first kept volume) still shape the response they cause.

#include <cstdint>
#include <string>
#include <vector>

#include "neuro/bids/events.h"
#include "neuro/sim/hrf.h"

namespace neuro {

inline constexpr int kUnlabelled = -1;
inline constexpr double kDefaultHrfLagSeconds = 5.0;

enum class LabelRule { kHrf, kLag };

// "hrf" or "lag", as the command line and the results name them.
const char* label_rule_name(LabelRule rule);

struct LabelOptions {
  LabelRule rule = LabelRule::kHrf;
  // kHrf: a frame is a state's when its response reaches this fraction of the
  // state's peak in the run ...
  double min_peak_fraction = 0.5;
  // ... and is at least this many times the response of any other state.
  double dominance = 2.0;
  HrfParameters hrf;
  int microtime_bins = 16;
  // kLag: seconds from an event to the volumes that show it, and the gap
  // below which events of one state are one block (0: no merging); 3 s joins
  // the pictures of a block shown every 2 s and the trials of most
  // event-related blocks, not blocks apart by a rest.
  double hrf_lag_seconds = kDefaultHrfLagSeconds;
  double merge_gap_seconds = 3.0;
  // The state order shared by every run. Empty: the sorted set of the run's
  // trial types. When given, events of trial types not in the list label
  // nothing (and do not hide the events they overlap); a note names them.
  std::vector<std::string> states;
};

struct TrLabels {
  std::vector<std::string> states;  // index -> state name
  std::vector<int> frames;          // one per frame: an index into states, or kUnlabelled
  std::vector<std::string> notes;   // trial types left out, events past the run

  // The state name of frame t, "unlabelled" for kUnlabelled.
  const std::string& name_of(int64_t t) const;
  // Frames per state, in state order, and then the unlabelled count last.
  std::vector<int64_t> counts() const;
};

// Throws std::invalid_argument for frames < 0, a TR that is not a positive
// finite number, non-finite options or a state list with a name twice.
TrLabels labels_per_tr(const EventsTable& events, int64_t frames, double tr_seconds,
                       const LabelOptions& options = {});

// The predicted response of each of `states` ([S][T]): its events convolved
// with the canonical HRF (hrf_regressor), events with negative onsets
// included. Events of other trial types are ignored; onsets at or past the end
// of the run contribute nothing.
std::vector<std::vector<double>> state_regressors(const EventsTable& events,
                                                  const std::vector<std::string>& states,
                                                  int64_t frames, double tr_seconds,
                                                  int microtime_bins = 16,
                                                  const HrfParameters& hrf = {});

}  // namespace neuro
