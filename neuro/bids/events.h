#pragma once
// BIDS events.tsv in and out, and the step from events to one mental-state
// label per volume (TR) that the decoders train on.
//
// Reading: the columns onset, duration and trial_type must be present (BIDS
// requires the first two; labelling needs the third); other columns are
// ignored. onset must be a finite number on every row. A row whose duration or
// trial_type is "n/a" (unknown length, no condition) cannot label any volume:
// it is skipped and a note saying so is kept in EventsTable::notes. A negative
// or non-numeric duration is an error.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace neuro {

struct Event {
  double onset = 0;     // seconds from the start of the first volume
  double duration = 0;  // seconds; 0 for an impulse
  std::string trial_type;
  int64_t line = 0;  // line in the file it came from (1 = header), 0 when made in memory
};

struct EventsTable {
  std::filesystem::path source;    // for messages; empty when made in memory
  std::vector<Event> events;       // in file order
  std::vector<std::string> notes;  // "<file>: line N: ... skipped"
};

// Throws std::runtime_error("<path>: <problem>"): the file cannot be read, a
// required column is missing (named), a row has the wrong number of fields or
// a non-numeric onset or duration (line given).
EventsTable read_events_tsv(const std::filesystem::path& path);

// Writes onset, duration and trial_type (an empty trial type is written as
// "n/a"); numbers written so that they read back exactly. Atomic: a temporary
// renamed into place. Throws std::invalid_argument for a non-finite onset, a
// negative or non-finite duration, or a trial type holding a tab or newline.
void write_events_tsv(const std::vector<Event>& events, const std::filesystem::path& path);

// Frame t was acquired at t * TR seconds; the BOLD response it shows peaks
// about `hrf_lag_seconds` after the neural event, so the frame is labelled
// with the event whose interval [onset, onset + duration) contains
// t * TR - lag. Where events overlap, the one that started last wins (ties: the
// later row). Impulse events (duration 0) cover no time and label nothing.
inline constexpr int kUnlabelled = -1;
inline constexpr double kDefaultHrfLagSeconds = 5.0;

struct LabelOptions {
  double hrf_lag_seconds = kDefaultHrfLagSeconds;
  // The state order shared by every run. Empty: the sorted set of the run's
  // trial types. When given, events of trial types not in the list label
  // nothing (and do not hide the events they overlap); a note names them.
  std::vector<std::string> states;
};

struct TrLabels {
  std::vector<std::string> states;  // index -> trial type
  std::vector<int> frames;          // one per frame: an index into states, or kUnlabelled
  std::vector<std::string> notes;   // trial types left out by the caller's state list

  // The state name of frame t, "unlabelled" for kUnlabelled.
  const std::string& name_of(int64_t t) const;
  // Frames per state, in state order, and then the unlabelled count last.
  std::vector<int64_t> counts() const;
};

// Throws std::invalid_argument for frames < 0, a TR that is not a positive
// finite number, a non-finite lag, or a state list with a name twice; and
// std::runtime_error("<events file>: ...") for an event with an onset at or
// past the end of the run (onset >= frames * TR).
TrLabels labels_per_tr(const EventsTable& events, int64_t frames, double tr_seconds,
                       const LabelOptions& options = {});

}  // namespace neuro
