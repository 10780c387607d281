#pragma once
// A dataset's mental states and each run's labels, from its events: which
// column names the states, which trial types are chosen or merged, the rule
// from events to frames. Shared by the decoders, the GLM and `neuroseq ls`, so
// that what ls shows is what decoding uses.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"
#include "neuro/bids/dataset_index.h"
#include "neuro/bids/events.h"
#include "neuro/bids/frame_labels.h"
#include "neuro/bids/state_names.h"
#include "neuro/series/labelled_windows.h"

namespace jobs {

// How events become labels; part of every recipe that reads a dataset.
struct LabelRecipe {
  neuro::EventsReadOptions events;  // which column names the states
  // --state specs: trial types chosen ("face*") or merged ("faces=face*");
  // empty: every trial type is a state.
  std::vector<std::string> states;
  neuro::LabelOptions rule;  // HRF rule by default; .states is set per dataset
};

// The states of the runs with events, in order (the specs' order, else
// sorted). Throws std::runtime_error "<dataset>: no run has events ..." when
// none has, with the fix for a derivatives folder given alone.
neuro::StateMap dataset_states(const neuro::DatasetIndex& index, const LabelRecipe& recipe);

struct RunLabels {
  neuro::EventsTable events;  // renamed to their states; others dropped
  neuro::TrLabels labels;     // one per frame, over `states`
};

// The labels of one run of `frames` volumes at `tr_seconds`, over `states`.
RunLabels label_run(const neuro::BoldRun& run, int64_t frames, double tr_seconds,
                    const LabelRecipe& recipe, const neuro::StateMap& map,
                    const std::vector<std::string>& states);

// Notes said once: the same warning about the same thing is not repeated.
class NoteOnce {
 public:
  explicit NoteOnce(const JobContext& context)
      : say_([&context](const std::string& note) { context.note(note); }) {}
  explicit NoteOnce(std::function<void(const std::string&)> say) : say_(std::move(say)) {}
  void operator()(const std::string& note);

 private:
  std::function<void(const std::string&)> say_;
  std::vector<std::string> said_;
};

}  // namespace jobs
