#include "core/metrics/classification.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace core {

ClassificationScores score_classification(std::span<const int> truth,
                                          std::span<const int> predicted, int k) {
  if (truth.size() != predicted.size() || truth.empty()) {
    throw std::invalid_argument("scores: truth and predictions must be non-empty and equally long");
  }
  ClassificationScores s;
  s.classes = k;
  s.confusion.assign(static_cast<size_t>(k * k), 0);
  long correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] < 0 || truth[i] >= k || predicted[i] < 0 || predicted[i] >= k) {
      throw std::invalid_argument("scores: class index outside [0, " + std::to_string(k) + ")");
    }
    ++s.confusion[static_cast<size_t>(truth[i] * k + predicted[i])];
    correct += truth[i] == predicted[i];
  }
  s.accuracy = static_cast<double>(correct) / static_cast<double>(truth.size());
  s.recall.assign(static_cast<size_t>(k), 0);
  s.precision.assign(static_cast<size_t>(k), 0);
  s.f1.assign(static_cast<size_t>(k), 0);
  double recall_sum = 0, f1_sum = 0;
  int present = 0, scored = 0;
  for (int c = 0; c < k; ++c) {
    long row = 0, col = 0;
    for (int j = 0; j < k; ++j) {
      row += s.confusion[static_cast<size_t>(c * k + j)];
      col += s.confusion[static_cast<size_t>(j * k + c)];
    }
    const double tp = static_cast<double>(s.confusion[static_cast<size_t>(c * k + c)]);
    const size_t ci = static_cast<size_t>(c);
    s.recall[ci] = row ? tp / static_cast<double>(row) : 0.0;
    s.precision[ci] = col ? tp / static_cast<double>(col) : 0.0;
    const double denominator = static_cast<double>(row + col);
    s.f1[ci] = denominator > 0 ? 2.0 * tp / denominator : 0.0;
    if (row > 0) {
      recall_sum += s.recall[ci];
      ++present;
    }
    if (row > 0 || col > 0) {
      f1_sum += s.f1[ci];
      ++scored;
    }
  }
  s.balanced_accuracy = present ? recall_sum / present : 0.0;
  s.macro_f1 = scored ? f1_sum / scored : 0.0;
  return s;
}

double binomial_p_value(long correct, long trials, double chance) {
  if (trials <= 0 || correct < 0 || correct > trials || chance <= 0 || chance >= 1) {
    throw std::invalid_argument("binomial test: needs 0 <= correct <= trials and 0 < chance < 1");
  }
  // Sum the upper tail in log space to stay exact for thousands of trials.
  const double log_p = std::log(chance), log_q = std::log1p(-chance);
  double tail = 0;
  for (long x = correct; x <= trials; ++x) {
    const double log_term = std::lgamma(trials + 1.0) - std::lgamma(x + 1.0) -
                            std::lgamma(trials - x + 1.0) + x * log_p + (trials - x) * log_q;
    tail += std::exp(log_term);
  }
  return std::min(1.0, tail);
}

}  // namespace core
