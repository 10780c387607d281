#pragma once
// Scores of a decoder: accuracy, balanced accuracy, macro-F1 and the
// confusion matrix, defined as scikit-learn defines them.

#include <span>
#include <vector>

namespace core {

struct ClassificationScores {
  int classes = 0;
  std::vector<long> confusion;  // [K, K]: row = true class, column = predicted
  double accuracy = 0;
  double balanced_accuracy = 0;   // mean recall over classes that occur
  double macro_f1 = 0;            // mean F1 over classes that occur or are predicted
  std::vector<double> recall;     // [K]
  std::vector<double> precision;  // [K]
  std::vector<double> f1;         // [K]
};

ClassificationScores score_classification(std::span<const int> truth,
                                          std::span<const int> predicted, int classes);

// One-sided binomial test of `correct` successes in `trials` against a chance
// rate: P(X >= correct) under Binomial(trials, chance).
double binomial_p_value(long correct, long trials, double chance);

}  // namespace core
