#include "app/jobs/cross_validation.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "core/random/philox.h"

namespace jobs {

WindowTable collect_windows(const std::vector<RunSeries>& runs, const neuro::WindowSpec& spec) {
  WindowTable t;
  for (const auto& r : runs) {
    auto it = std::find(t.subjects.begin(), t.subjects.end(), r.run->subject);
    if (it == t.subjects.end()) it = t.subjects.insert(t.subjects.end(), r.run->subject);
    const int subject = static_cast<int>(it - t.subjects.begin());
    for (const auto& w : neuro::labelled_windows(r.labels.frames, spec)) {
      t.run.push_back(&r);
      t.start.push_back(w.start);
      t.states.push_back(w.state);
      t.subject.push_back(subject);
    }
  }
  return t;
}

void require_every_state(const WindowTable& table, const std::vector<std::string>& states,
                         const std::filesystem::path& dataset, int64_t window_length) {
  if (table.states.empty()) {
    throw std::runtime_error(dataset.string() + ": no labelled window of " +
                             std::to_string(window_length) + " frames in any run");
  }
  for (size_t s = 0; s < states.size(); ++s) {
    if (std::find(table.states.begin(), table.states.end(), static_cast<int>(s)) ==
        table.states.end()) {
      throw std::runtime_error(dataset.string() + ": state '" + states[s] + "' has no window of " +
                               std::to_string(window_length) + " frames");
    }
  }
}

std::vector<int> subject_folds(size_t subjects, int folds, const std::filesystem::path& dataset) {
  if (subjects < 2) {
    throw std::runtime_error(dataset.string() +
                             ": cross-validation across subjects needs at least 2 subjects");
  }
  const size_t k = folds == 0 ? subjects : std::min<size_t>(static_cast<size_t>(folds), subjects);
  std::vector<int> fold(subjects);
  for (size_t s = 0; s < subjects; ++s)
    fold[s] = static_cast<int>(s % k);
  return fold;
}

namespace {

int subject_index(const WindowTable& table, const std::string& label,
                  const std::filesystem::path& dataset) {
  const auto it = std::find(table.subjects.begin(), table.subjects.end(), label);
  if (it == table.subjects.end()) {
    throw std::runtime_error(dataset.string() + ": subject '" + label + "' has no labelled window");
  }
  return static_cast<int>(it - table.subjects.begin());
}

}  // namespace

std::vector<Fold> make_folds(const SubjectSplit& split, const WindowTable& table,
                             const std::filesystem::path& dataset) {
  std::vector<std::vector<int>> train_subjects, test_subjects;
  if (!split.train.empty() || !split.test.empty()) {
    if (split.train.empty() || split.test.empty()) {
      throw std::runtime_error("decode: give both training and test subjects, or neither");
    }
    std::set<std::string> train(split.train.begin(), split.train.end());
    for (const auto& s : split.test) {
      if (train.contains(s)) {
        throw std::runtime_error("decode: subject '" + s +
                                 "' is in both training and test; a test subject must be unseen");
      }
    }
    train_subjects.emplace_back();
    test_subjects.emplace_back();
    for (const auto& s : split.train)
      train_subjects[0].push_back(subject_index(table, s, dataset));
    for (const auto& s : split.test)
      test_subjects[0].push_back(subject_index(table, s, dataset));
  } else {
    const auto fold_of = subject_folds(table.subjects.size(), split.folds, dataset);
    const int folds = *std::max_element(fold_of.begin(), fold_of.end()) + 1;
    train_subjects.resize(static_cast<size_t>(folds));
    test_subjects.resize(static_cast<size_t>(folds));
    for (size_t s = 0; s < fold_of.size(); ++s)
      for (int f = 0; f < folds; ++f)
        (fold_of[s] == f ? test_subjects : train_subjects)[static_cast<size_t>(f)].push_back(
            static_cast<int>(s));
  }
  std::vector<Fold> folds(train_subjects.size());
  for (size_t f = 0; f < folds.size(); ++f) {
    auto& train = train_subjects[f];
    if (split.max_train > 0 && static_cast<int>(train.size()) > split.max_train) {
      train.resize(static_cast<size_t>(split.max_train));
    }
    for (size_t i = 0; i < table.subject.size(); ++i) {
      const int s = table.subject[i];
      if (std::find(train.begin(), train.end(), s) != train.end()) folds[f].train.push_back(i);
      const auto& test = test_subjects[f];
      if (std::find(test.begin(), test.end(), s) != test.end()) folds[f].test.push_back(i);
    }
  }
  return folds;
}

std::vector<int> permute_within_runs(const WindowTable& table, std::span<const size_t> rows,
                                     uint64_t seed) {
  std::vector<int> labels(rows.size());
  core::RandomStream rng(seed, 0x5045524Du);  // "PERM"
  std::vector<size_t> positions;
  std::vector<const RunSeries*> seen;
  for (size_t i = 0; i < rows.size(); ++i)
    labels[i] = table.states[rows[i]];
  for (size_t i = 0; i < rows.size(); ++i) {
    const RunSeries* run = table.run[rows[i]];
    if (std::find(seen.begin(), seen.end(), run) != seen.end()) continue;
    seen.push_back(run);
    positions.clear();
    for (size_t j = i; j < rows.size(); ++j)
      if (table.run[rows[j]] == run) positions.push_back(j);
    for (size_t a = positions.size(); a > 1; --a) {
      const size_t b = rng.below(a);
      std::swap(labels[positions[a - 1]], labels[positions[b]]);
    }
  }
  return labels;
}

long count_correct(std::span<const int> truth, std::span<const int> predicted) {
  long correct = 0;
  for (size_t i = 0; i < truth.size(); ++i)
    correct += truth[i] == predicted[i];
  return correct;
}

double permutation_p_value(double observed, std::span<const double> null_scores) {
  long at_least = 0;
  for (double s : null_scores)
    at_least += s >= observed - 1e-12;
  return static_cast<double>(1 + at_least) / static_cast<double>(1 + null_scores.size());
}

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

}  // namespace jobs
