#pragma once
// What every decoder writes into its BIDS-derivatives results folder, so that
// the linear baseline and the encoders can be compared file by file:
//   model-<name>_scores.json       scores, p-values, resolved config, provenance
//   model-<name>_confusion.tsv     rows: true state, columns: decoded state
//   model-<name>_predictions.tsv   one row per test window
//   model-<name>_timeline.tsv      per run and frame, the decoded state (encoders)
//   windows_per_state.tsv          per run and state: frames labelled, windows made

#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "app/jobs/cross_validation.h"
#include "core/metrics/classification.h"

namespace jobs {

struct DecodingSummary {
  std::string model;  // "linear", "longconv", ...
  std::vector<std::string> states;
  core::ClassificationScores scores;
  double chance = 0;
  double binomial_p = 1;
  double permutation_p = -1;  // < 0: not run
  int permutations = 0;
  int folds = 0;
  long windows = 0;
  std::vector<std::string> subjects;
};

// Scores `predicted` against `truth` into the summary, whose states give the
// number of classes: the scores, the window count, chance and the binomial
// test of the accuracy against it.
void score_decisions(DecodingSummary& summary, std::span<const int> truth,
                     std::span<const int> predicted);

// The same over the windows some fold tested: those whose `predicted` is
// not -1 (an explicit split leaves the other subjects' windows out).
void score_tested_windows(DecodingSummary& summary, std::span<const int> states,
                          std::span<const int> predicted);

nlohmann::json summary_json(const DecodingSummary& summary);

// Writes dataset_description.json, the confusion matrix, the predictions and
// the scores JSON (summary + `config` + `provenance`), each atomically.
void write_decoding_outputs(const std::filesystem::path& folder, const DecodingSummary& summary,
                            const WindowTable& table, const std::vector<int>& predicted,
                            int64_t window_length, const nlohmann::json& config,
                            const nlohmann::json& provenance);

// Per run and state, the frames labelled and the windows made with `spec`
// (the states the runs' labels list), atomically.
void write_windows_per_state(const std::filesystem::path& folder,
                             const std::vector<RunSeries>& runs, const neuro::WindowSpec& spec);

// What every decoder's results record of its config: the dataset, the
// windows as used, the split of subjects, the permutations and the recipe;
// each decoder adds its own fields.
template <typename Config>
nlohmann::json decoding_config_record(const Config& config, const neuro::WindowSpec& windows);

// "whole" or "last-frame": how the windows were labelled, for the results.
const char* window_labelling_name(neuro::WindowLabelling labelling);

template <typename Config>
nlohmann::json decoding_config_record(const Config& config, const neuro::WindowSpec& windows) {
  return {{"dataset", config.dataset.string()},
          {"window_length", windows.length},
          {"window_stride", windows.stride},
          {"window_labelling", window_labelling_name(windows.labelling)},
          {"folds", config.folds},
          {"train_subjects", config.train_subjects},
          {"test_subjects", config.test_subjects},
          {"max_train_subjects", config.max_train_subjects},
          {"permutations", config.permutations},
          {"seed", std::to_string(config.seed)},
          {"recipe", recipe_record(config.recipe)}};
}

}  // namespace jobs
