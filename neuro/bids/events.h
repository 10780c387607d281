#pragma once
// BIDS events.tsv in and out, and the step from events to one mental-state
// label per volume (TR) that the decoders train on.
//
// Reading: the columns onset and duration must be present (BIDS requires
// them) and so must a column the caller names as the condition of each event
// (datasets use stim_type, condition, ...). trial_type, the default, is
// optional in BIDS: a file without it has one kind of event, state "event",
// and a note says so. Other columns are ignored.
// onset must be a finite number on every row; a negative onset is an event
// before the first kept volume (dummy scans) and is kept. Rows whose duration
// or condition is "n/a" (unknown length, no condition) cannot label any
// volume: they are skipped, and one note per file counts them. A negative or
// non-numeric duration is an error.
//
// The step from events to one state per volume is in frame_labels.h.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace neuro {

struct Event {
  double onset = 0;     // seconds from the start of the first volume
  double duration = 0;  // seconds; 0 for an impulse
  std::string trial_type;
  int64_t line = 0;  // line in the file it came from (1 = header), 0 when made in memory
};

struct EventsTable {
  std::filesystem::path source;      // for messages; empty when made in memory
  std::vector<std::string> columns;  // the header, in file order
  std::vector<Event> events;         // in file order
  std::vector<std::string> notes;    // "<file>: N rows ... skipped"
};

inline constexpr std::string_view kDefaultStateColumn = "trial_type";
// The state of every event of a file without the default state column.
inline constexpr std::string_view kOneKindState = "event";

struct EventsReadOptions {
  // The column whose values name the mental states (Event::trial_type).
  std::string state_column{kDefaultStateColumn};
};

// Throws std::runtime_error("<path>: <problem>"): the file cannot be read, a
// required column is missing (named, with the columns present), a row has the
// wrong number of fields or a non-numeric onset or duration (line given).
EventsTable read_events_tsv(const std::filesystem::path& path,
                            const EventsReadOptions& options = {});

// Writes onset, duration and trial_type (an empty trial type is written as
// "n/a"); numbers written so that they read back exactly. Atomic: a temporary
// renamed into place. Throws std::invalid_argument for a non-finite onset, a
// negative or non-finite duration, or a trial type holding a tab or newline.
void write_events_tsv(const std::vector<Event>& events, const std::filesystem::path& path);

}  // namespace neuro
