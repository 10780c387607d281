#pragma once
// Cross-validation across subjects: the labelled windows with their subject
// and run, folds of whole subjects, training-only feature scaling, and the
// label-permutation test, shared by every decoder.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "app/jobs/run_series.h"
#include "neuro/series/labelled_windows.h"

namespace jobs {

// The labelled windows of a set of runs, with the subject of each.
struct WindowTable {
  std::vector<const RunSeries*> run;  // [W]
  std::vector<int64_t> start;         // [W] first frame
  std::vector<int> states;            // [W]
  std::vector<int> subject;           // [W] index into subjects
  std::vector<std::string> subjects;  // in order of first appearance
};

WindowTable collect_windows(const std::vector<RunSeries>& runs, const neuro::WindowSpec& spec);

// Throws std::runtime_error "<dataset>: <problem>" when there is no window or
// a state has none.
void require_every_state(const WindowTable& table, const std::vector<std::string>& states,
                         const std::filesystem::path& dataset, int64_t window_length);

// The fold of each subject (round robin in subject order); `folds` 0 means
// one subject per fold. Throws std::runtime_error for fewer than 2 subjects.
std::vector<int> subject_folds(size_t subjects, int folds, const std::filesystem::path& dataset);

// The window rows (of a WindowTable) one fold trains and tests on.
struct Fold {
  std::vector<size_t> train, test;
};

// Which subjects train and which test: either k folds of whole subjects
// (`folds`, 0: one subject per fold), or one explicit split when `train` and
// `test` name subjects; `max_train` > 0 keeps the first that many training
// subjects of each fold.
struct SubjectSplit {
  int folds = 0;
  std::vector<std::string> train, test;
  int max_train = 0;
};

// Throws std::runtime_error for a split naming only one side, a subject on
// both sides, or a subject with no labelled window.
std::vector<Fold> make_folds(const SubjectSplit& split, const WindowTable& table,
                             const std::filesystem::path& dataset);

// Shuffles labels within each run (Fisher-Yates from `seed`), the null
// distribution of a label-permutation test that keeps each run's state counts
// and temporal blocks of windows.
std::vector<int> permute_within_runs(const WindowTable& table, std::span<const size_t> rows,
                                     uint64_t seed);

// (1 + #{null >= observed}) / (1 + n): the permutation p-value, never 0.
double permutation_p_value(double observed, std::span<const double> null_scores);

// How many decisions equal the truth (same length).
long count_correct(std::span<const int> truth, std::span<const int> predicted);

// z-scores the columns of `train` [n, p] and applies the same scaling to
// `test`, so that no statistic of a test subject reaches training.
void standardize_with_training(std::vector<float>& train, std::vector<float>& test, int64_t p);

}  // namespace jobs
