#pragma once
// A decoding results folder read back (what app/jobs/decoding_outputs writes):
// the scores JSON of a model and its confusion-matrix TSV. No Qt here, so
// that what the results panel shows can be checked against the files alone.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gui {

struct DecodingResults {
  std::filesystem::path scores_file;     // model-<name>_scores.json
  std::filesystem::path confusion_file;  // model-<name>_confusion.tsv
  std::string model;
  std::vector<std::string> states;
  std::vector<std::string> subjects;
  int folds = 0;
  long windows = 0;
  double accuracy = 0;
  double balanced_accuracy = 0;
  double macro_f1 = 0;
  double chance = 0;
  double binomial_p = 1;
  std::optional<double> permutation_p;
  int permutations = 0;
  std::vector<double> precision;   // [K]
  std::vector<double> recall;      // [K]
  std::vector<double> f1;          // [K]
  std::vector<int64_t> confusion;  // [K * K] from the TSV: row true, column decoded
  std::vector<int64_t> support;    // [K] windows of each true state (row sums)
};

// The scores files of a results folder (model-*_scores.json), sorted by name.
// Throws std::runtime_error "<folder>: ..." when the folder is missing or
// holds none.
std::vector<std::filesystem::path> find_scores_files(const std::filesystem::path& folder);

// Reads a scores JSON and the confusion TSV beside it. Throws
// std::runtime_error with one line "<file>: <problem>" for a file that is
// missing, not valid JSON/TSV, lacks a field or disagrees with the other.
DecodingResults read_decoding_results(const std::filesystem::path& scores_file);

}  // namespace gui
