#pragma once
// What the time-series plot of a BOLD run shows besides its values: the
// run's events (its BIDS events.tsv beside it) and a decoder's state at each
// frame (a decoding results folder's *_timeline.tsv), as intervals of time.
// No Qt: tested without a display.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "viewers/time_series_model.h"

namespace gui {

// sub-01[_ses-a]_task-x[_run-1]_..._bold.nii.gz -> the events.tsv of the same
// subject, session, task and run in the same folder, when it exists.
std::optional<std::filesystem::path> events_file_for(const std::filesystem::path& bold);

// The events of an events.tsv as intervals; throws std::runtime_error
// "<file>: ..." as neuro's reader does.
std::vector<viewers::StateInterval> read_event_intervals(const std::filesystem::path& events);

// The decoded state of `bold`'s run in a timeline TSV (subject, task, run,
// frame, onset_s, true_state, decoded_state): runs of frames with the same
// decoded state joined into one interval, `tr` long per frame; frames
// without a decision ("n/a") left out. Empty when the run is not in the file.
// Throws std::runtime_error "<file>: ..." for a malformed table.
std::vector<viewers::StateInterval> read_decoded_intervals(const std::filesystem::path& timeline,
                                                           const std::filesystem::path& bold,
                                                           double tr);

}  // namespace gui
