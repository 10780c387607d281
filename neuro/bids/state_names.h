#pragma once
// Which trial types become which mental states, and the labels their names
// take in file names.
//
// A state selection is a list of specs, each either a PATTERN (every trial
// type it matches is a state of its own) or NAME=PATTERN[,PATTERN...] (every
// trial type the patterns match is merged into one state called NAME).
// Patterns are exact names or shell-style globs ('*', '?', "[...]"). A trial
// type goes to the first spec that matches it. No spec: every trial type is a
// state.
//
// States keep their real names ("failed stop") in tables and JSON; file names
// use a BIDS label made from them: letters and digits only, words joined in
// camel case ("failed stop" -> "failedStop", "cash_demean" -> "cashDemean"),
// made unique by a number when two names give the same label.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "neuro/bids/entities.h"
#include "neuro/bids/events.h"

namespace neuro {

struct StateMap {
  std::vector<std::string> states;              // in order: specs' order, else sorted
  std::map<std::string, std::string> state_of;  // trial type -> state (selected ones only)
  std::vector<std::string> left_out;            // trial types no spec selected
};

// `trial_types`: every trial type of the dataset. Throws std::invalid_argument
// naming the spec (and listing the trial types present) when a spec is
// malformed or matches no trial type.
StateMap map_states(const std::vector<std::string>& trial_types,
                    const std::vector<std::string>& specs);

// The events of `table` renamed to their state; events of trial types the map
// leaves out are dropped.
EventsTable apply_state_map(const EventsTable& table, const StateMap& map);

// One label per state, in order (to_bids_label), unique ("a b" and "a_b" ->
// "aB", "aB2"); a name without a letter or digit becomes "state<N>".
std::vector<std::string> state_file_labels(const std::vector<std::string>& states);

// Writes <folder>/states.tsv (columns name, label: every state and the label
// its files carry), atomically, and returns the labels.
std::vector<std::string> write_state_labels_tsv(const std::filesystem::path& folder,
                                                const std::vector<std::string>& states);

}  // namespace neuro
