#include "app/jobs/run_labels.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace jobs {

neuro::StateMap dataset_states(const neuro::DatasetIndex& index, const LabelRecipe& recipe) {
  std::set<std::string> types;
  bool any_events = false;
  for (const auto& run : index.runs) {
    if (run.events.empty()) continue;
    any_events = true;
    for (const auto& e : neuro::read_events_tsv(run.events, recipe.events).events)
      types.insert(e.trial_type);
  }
  const auto root = index.raw_root.empty() ? index.derivatives_root : index.raw_root;
  if (!any_events) {
    std::string fix;
    if (index.raw_root.empty()) {
      fix =
          "; a derivatives folder holds no events: give the raw dataset as DATASET and this "
          "folder with --derivatives";
    }
    throw std::runtime_error(root.string() + ": no run has events: nothing to decode" + fix);
  }
  if (types.empty()) {
    throw std::runtime_error(root.string() + ": every event has " + recipe.events.state_column +
                             " n/a: no state to decode");
  }
  return neuro::map_states({types.begin(), types.end()}, recipe.states);
}

RunLabels label_run(const neuro::BoldRun& run, int64_t frames, double tr_seconds,
                    const LabelRecipe& recipe, const neuro::StateMap& map,
                    const std::vector<std::string>& states) {
  RunLabels out;
  out.events = neuro::apply_state_map(neuro::read_events_tsv(run.events, recipe.events), map);
  neuro::LabelOptions options = recipe.rule;
  options.states = states;
  out.labels = neuro::labels_per_tr(out.events, frames, tr_seconds, options);
  return out;
}

void NoteOnce::operator()(const std::string& note) {
  if (std::find(said_.begin(), said_.end(), note) != said_.end()) return;
  said_.push_back(note);
  say_(note);
}

}  // namespace jobs
