#include "app/jobs/decode_linear_job.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "app/jobs/labelled_data.h"
#include "app/jobs/provenance.h"
#include "core/io/atomic_file.h"
#include "core/linear/softmax_regression.h"
#include "neuro/bids/derivatives.h"

namespace jobs {

namespace {

// The mean parcel vector of each window: [W, P].
std::vector<float> window_features(const WindowTable& table, int64_t length) {
  std::vector<float> features;
  for (size_t i = 0; i < table.run.size(); ++i) {
    const auto& series = table.run[i]->series;
    const neuro::LabelledWindow w{table.start[i], table.states[i]};
    const auto mean = neuro::window_means(series, std::span(&w, 1), length);
    features.insert(features.end(), mean.begin(), mean.end());
  }
  return features;
}

// One cross-validation split, features scaled with the training rows only.
struct Split {
  std::vector<float> train, test;
  std::vector<size_t> train_rows, test_rows;
};

std::vector<Split> make_splits(const std::vector<float>& features, int64_t p,
                               const std::vector<Fold>& folds) {
  std::vector<Split> splits(folds.size());
  const auto gather = [&](const std::vector<size_t>& rows, std::vector<float>& values) {
    for (size_t i : rows) {
      const auto row = features.begin() + static_cast<std::ptrdiff_t>(i * static_cast<size_t>(p));
      values.insert(values.end(), row, row + p);
    }
  };
  for (size_t f = 0; f < folds.size(); ++f) {
    Split& s = splits[f];
    s.train_rows = folds[f].train;
    s.test_rows = folds[f].test;
    gather(s.train_rows, s.train);
    gather(s.test_rows, s.test);
    standardize_with_training(s.train, s.test, p);
  }
  return splits;
}

// Cross-validated predictions with training labels `train_labels(split)`.
std::vector<int> cross_validate(const std::vector<Split>& splits, const WindowTable& table,
                                int64_t p, int k, double l2,
                                const std::function<std::vector<int>(const Split&)>& train_labels) {
  std::vector<int> predicted(table.states.size(), -1);
  for (const Split& s : splits) {
    core::SoftmaxRegression model;
    core::SoftmaxRegressionOptions options;
    options.l2 = l2;
    options.balanced_classes = true;
    model.fit(s.train, static_cast<int64_t>(s.train_rows.size()), p, train_labels(s), k, options);
    const auto fold_predicted = model.predict(s.test, static_cast<int64_t>(s.test_rows.size()));
    for (size_t i = 0; i < s.test_rows.size(); ++i)
      predicted[s.test_rows[i]] = fold_predicted[i];
  }
  return predicted;
}

// Accuracy over the windows that some fold tested (predicted >= 0).
double accuracy_of(const std::vector<int>& predicted, const std::vector<int>& truth) {
  long correct = 0, tested = 0;
  for (size_t i = 0; i < predicted.size(); ++i) {
    if (predicted[i] < 0) continue;
    ++tested;
    correct += predicted[i] == truth[i];
  }
  return tested > 0 ? static_cast<double>(correct) / static_cast<double>(tested) : 0.0;
}

}  // namespace

LinearDecodeResult run_decode_linear(const LinearDecodeConfig& config, const JobContext& context) {
  const LabelledData data = load_labelled_data(config.dataset, config.filters, config.recipe,
                                               config.windows, {}, context.slice(0.0, 0.6));
  const WindowTable& table = data.table;
  LinearDecodeResult result;
  result.model = "linear";
  result.states = data.states;
  const int k = static_cast<int>(result.states.size());
  result.subjects = table.subjects;
  const auto folds = make_folds(
      {config.folds, config.train_subjects, config.test_subjects, config.max_train_subjects}, table,
      config.dataset);
  result.folds = static_cast<int>(folds.size());
  const int64_t p = data.runs.front().series.parcels;
  const auto splits = make_splits(window_features(table, config.windows.length), p, folds);
  context.report(0.6, "fitting " + std::to_string(result.folds) + " folds");
  const auto true_labels = [&](const Split& s) {
    std::vector<int> y;
    for (size_t i : s.train_rows)
      y.push_back(table.states[i]);
    return y;
  };
  const auto predicted = cross_validate(splits, table, p, k, config.l2, true_labels);
  score_tested_windows(result, table.states, predicted);
  if (config.permutations > 0) {
    std::vector<double> null_scores;
    for (int i = 0; i < config.permutations; ++i) {
      context.check_cancel();
      context.report(
          0.65 + 0.35 * i / config.permutations,
          "permutation " + std::to_string(i + 1) + " of " + std::to_string(config.permutations));
      const auto shuffled = [&](const Split& s) {
        return permute_within_runs(table, s.train_rows, config.seed + static_cast<uint64_t>(i));
      };
      null_scores.push_back(
          accuracy_of(cross_validate(splits, table, p, k, config.l2, shuffled), table.states));
    }
    result.permutations = config.permutations;
    result.permutation_p = permutation_p_value(result.scores.accuracy, null_scores);
  }
  nlohmann::json resolved = decoding_config_record(config, data.windows);
  resolved["l2"] = config.l2;
  write_decoding_outputs(config.output, result, table, predicted, data.windows.length, resolved,
                         provenance_record({config.recipe.atlas}));
  write_windows_per_state(config.output, data.runs, data.windows);
  context.report(1.0, "decoded " + std::to_string(result.windows) + " windows");
  return result;
}

}  // namespace jobs
