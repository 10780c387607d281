#include "app/jobs/decode_linear_job.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "app/jobs/provenance.h"
#include "core/io/atomic_file.h"
#include "core/linear/softmax_regression.h"
#include "neuro/bids/derivatives.h"

namespace jobs {

namespace {

struct WindowTable {
  std::vector<float> features;  // [W, P]
  std::vector<int> states;      // [W]
  std::vector<int> subject;     // [W], index into subjects
  std::vector<const RunSeries*> run;
  std::vector<int64_t> start;
  std::vector<std::string> subjects;
  int64_t parcels = 0;
};

WindowTable collect_windows(const std::vector<RunSeries>& runs, const neuro::WindowSpec& spec) {
  WindowTable t;
  for (const auto& r : runs) {
    auto it = std::find(t.subjects.begin(), t.subjects.end(), r.run->subject);
    if (it == t.subjects.end()) it = t.subjects.insert(t.subjects.end(), r.run->subject);
    const int subject = static_cast<int>(it - t.subjects.begin());
    const auto windows = neuro::labelled_windows(r.labels.frames, spec);
    const auto means = neuro::window_means(r.series, windows, spec.length);
    t.parcels = r.series.parcels;
    t.features.insert(t.features.end(), means.begin(), means.end());
    for (const auto& w : windows) {
      t.states.push_back(w.state);
      t.subject.push_back(subject);
      t.run.push_back(&r);
      t.start.push_back(w.start);
    }
  }
  return t;
}

// Fold of each subject: round robin over subjects in index order.
std::vector<int> subject_folds(size_t subjects, int folds) {
  std::vector<int> fold(subjects);
  for (size_t s = 0; s < subjects; ++s)
    fold[s] = static_cast<int>(s % static_cast<size_t>(folds));
  return fold;
}

// z-scores the columns of `train` and applies the same scaling to `test`.
void standardize_with_training(std::vector<float>& train, std::vector<float>& test, int64_t p) {
  const size_t n = train.size() / static_cast<size_t>(p);
  for (int64_t j = 0; j < p; ++j) {
    double sum = 0, sum2 = 0;
    for (size_t i = 0; i < n; ++i)
      sum += train[i * static_cast<size_t>(p) + static_cast<size_t>(j)];
    const double mean = sum / static_cast<double>(n);
    for (size_t i = 0; i < n; ++i) {
      const double d = train[i * static_cast<size_t>(p) + static_cast<size_t>(j)] - mean;
      sum2 += d * d;
    }
    const double sd = std::sqrt(sum2 / static_cast<double>(n));
    const double scale = sd > 1e-12 ? 1.0 / sd : 1.0;
    for (auto* v : {&train, &test}) {
      for (size_t i = 0; i < v->size() / static_cast<size_t>(p); ++i) {
        float& x = (*v)[i * static_cast<size_t>(p) + static_cast<size_t>(j)];
        x = static_cast<float>((x - mean) * scale);
      }
    }
  }
}

void write_outputs(const LinearDecodeConfig& config, const LinearDecodeResult& result,
                   const WindowTable& table, const std::vector<int>& predicted) {
  const auto& out = config.output;
  neuro::DerivativeDescription description;
  description.name = "NeuroSeq decoding (linear baseline)";
  description.version = neuroseq_version();
  neuro::write_dataset_description(out, description);

  const auto k = static_cast<int>(result.states.size());
  std::string confusion = "true\\predicted";
  for (const auto& s : result.states)
    confusion += "\t" + s;
  confusion += "\n";
  for (int a = 0; a < k; ++a) {
    confusion += result.states[static_cast<size_t>(a)];
    for (int b = 0; b < k; ++b) {
      confusion += "\t" + std::to_string(result.scores.confusion[static_cast<size_t>(a * k + b)]);
    }
    confusion += "\n";
  }
  core::write_text_atomically(out / "model-linear_confusion.tsv", confusion);

  std::string predictions =
      "subject\ttask\trun\tstart_frame\tonset_s\ttrue_state\tpredicted_state\n";
  char line[512];
  for (size_t i = 0; i < predicted.size(); ++i) {
    const auto* r = table.run[i];
    std::snprintf(line, sizeof(line), "%s\t%s\t%s\t%lld\t%.3f\t%s\t%s\n", r->run->subject.c_str(),
                  r->run->task.c_str(), r->run->run.empty() ? "n/a" : r->run->run.c_str(),
                  static_cast<long long>(table.start[i]),
                  static_cast<double>(table.start[i]) * r->series.tr_seconds,
                  result.states[static_cast<size_t>(table.states[i])].c_str(),
                  result.states[static_cast<size_t>(predicted[i])].c_str());
    predictions += line;
  }
  core::write_text_atomically(out / "model-linear_predictions.tsv", predictions);

  nlohmann::json j;
  j["model"] = "linear";
  j["states"] = result.states;
  j["subjects"] = result.subjects;
  j["folds"] = result.folds;
  j["windows"] = result.windows;
  j["chance"] = result.chance;
  j["accuracy"] = result.scores.accuracy;
  j["balanced_accuracy"] = result.scores.balanced_accuracy;
  j["macro_f1"] = result.scores.macro_f1;
  j["binomial_p"] = result.binomial_p;
  j["recall"] = result.scores.recall;
  j["precision"] = result.scores.precision;
  j["f1"] = result.scores.f1;
  j["confusion"] = result.scores.confusion;
  j["config"] = {{"dataset", config.dataset.string()},
                 {"atlas", config.recipe.atlas.string()},
                 {"window_length", config.windows.length},
                 {"window_stride", config.windows.stride},
                 {"l2", config.l2},
                 {"hrf_lag_seconds", config.recipe.hrf_lag_seconds},
                 {"confounds", config.recipe.confounds}};
  j["provenance"] = provenance_record({config.recipe.atlas});
  core::write_text_atomically(out / "model-linear_scores.json", j.dump(2) + "\n");
}

}  // namespace

LinearDecodeResult run_decode_linear(const LinearDecodeConfig& config, const JobContext& context) {
  neuro::IndexOptions index_options;
  index_options.filters = config.filters;
  const auto index = neuro::index_dataset(config.dataset, index_options);
  for (const auto& w : index.warnings)
    context.note(w);
  LinearDecodeResult result;
  const auto runs = prepare_task_runs(index, config.recipe, result.states, context.slice(0.0, 0.8));
  const auto table = collect_windows(runs, config.windows);
  const int k = static_cast<int>(result.states.size());
  result.subjects = table.subjects;
  result.windows = static_cast<long>(table.states.size());
  result.chance = 1.0 / k;
  if (table.states.empty()) {
    throw std::runtime_error(config.dataset.string() + ": no labelled window of " +
                             std::to_string(config.windows.length) + " frames in any run");
  }
  for (int s = 0; s < k; ++s) {
    if (std::find(table.states.begin(), table.states.end(), s) == table.states.end()) {
      throw std::runtime_error(config.dataset.string() + ": state '" +
                               result.states[static_cast<size_t>(s)] + "' has no window");
    }
  }
  const size_t n_subjects = table.subjects.size();
  if (n_subjects < 2) {
    throw std::runtime_error(config.dataset.string() +
                             ": cross-validation across subjects needs at least 2 subjects");
  }
  result.folds = config.folds == 0 ? static_cast<int>(n_subjects)
                                   : std::min<int>(config.folds, static_cast<int>(n_subjects));
  const auto fold_of_subject = subject_folds(n_subjects, result.folds);
  const int64_t p = table.parcels;
  std::vector<int> predicted(table.states.size(), -1);
  for (int fold = 0; fold < result.folds; ++fold) {
    context.check_cancel();
    context.report(0.8 + 0.2 * fold / result.folds,
                   "fold " + std::to_string(fold + 1) + " of " + std::to_string(result.folds));
    std::vector<float> train, test;
    std::vector<int> train_y;
    std::vector<size_t> test_rows;
    for (size_t i = 0; i < table.states.size(); ++i) {
      const auto row =
          table.features.begin() + static_cast<std::ptrdiff_t>(i * static_cast<size_t>(p));
      if (fold_of_subject[static_cast<size_t>(table.subject[i])] == fold) {
        test.insert(test.end(), row, row + p);
        test_rows.push_back(i);
      } else {
        train.insert(train.end(), row, row + p);
        train_y.push_back(table.states[i]);
      }
    }
    standardize_with_training(train, test, p);
    core::SoftmaxRegression model;
    core::SoftmaxRegressionOptions options;
    options.l2 = config.l2;
    options.balanced_classes = true;
    model.fit(train, static_cast<int64_t>(train_y.size()), p, train_y, k, options);
    const auto fold_predicted = model.predict(test, static_cast<int64_t>(test_rows.size()));
    for (size_t i = 0; i < test_rows.size(); ++i)
      predicted[test_rows[i]] = fold_predicted[i];
  }
  result.scores = core::score_classification(table.states, predicted, k);
  long correct = 0;
  for (size_t i = 0; i < predicted.size(); ++i)
    correct += predicted[i] == table.states[i];
  result.binomial_p = core::binomial_p_value(correct, result.windows, result.chance);
  write_outputs(config, result, table, predicted);
  context.report(1.0, "decoded " + std::to_string(result.windows) + " windows");
  return result;
}

}  // namespace jobs
