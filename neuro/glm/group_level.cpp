#include "neuro/glm/group_level.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace neuro {

ContrastResult one_sample_t(std::span<const double> effects, int64_t subjects, int64_t columns,
                            std::string name) {
  if (subjects < 2) {
    throw std::invalid_argument("one-sample t: needs at least 2 subjects, got " +
                                std::to_string(subjects));
  }
  if (columns < 0 || effects.size() != static_cast<size_t>(subjects * columns)) {
    throw std::invalid_argument("one-sample t: " + std::to_string(effects.size()) +
                                " estimates, expected " + std::to_string(subjects) +
                                " subjects x " + std::to_string(columns) + " columns");
  }
  for (size_t i = 0; i < effects.size(); ++i) {
    if (!std::isfinite(effects[i])) {
      throw std::invalid_argument("one-sample t: the estimate of subject " +
                                  std::to_string(i / static_cast<size_t>(columns)) + " in column " +
                                  std::to_string(i % static_cast<size_t>(columns)) +
                                  " is not finite");
    }
  }
  const auto v = static_cast<size_t>(columns);
  const auto n = static_cast<double>(subjects);
  ContrastResult out;
  out.name = std::move(name);
  out.dof = n - 1.0;
  out.effect.assign(v, 0.0);
  out.variance.assign(v, 0.0);
  for (int64_t s = 0; s < subjects; ++s) {
    for (size_t c = 0; c < v; ++c)
      out.effect[c] += effects[static_cast<size_t>(s) * v + c];
  }
  for (auto& mean : out.effect)
    mean /= n;
  // Two passes (centred sums) rather than sum of squares minus square of sums.
  for (int64_t s = 0; s < subjects; ++s) {
    for (size_t c = 0; c < v; ++c) {
      const double d = effects[static_cast<size_t>(s) * v + c] - out.effect[c];
      out.variance[c] += d * d;
    }
  }
  for (auto& var : out.variance)
    var /= (n - 1.0) * n;
  fill_t_and_z(out);
  return out;
}

ContrastResult one_sample_t(std::span<const ContrastResult> subjects) {
  if (subjects.empty()) throw std::invalid_argument("one-sample t: no subjects");
  const int64_t v = subjects.front().columns();
  std::vector<double> effects;  // [S, V]
  effects.reserve(subjects.size() * static_cast<size_t>(v));
  for (size_t s = 0; s < subjects.size(); ++s) {
    if (subjects[s].columns() != v) {
      throw std::invalid_argument("one-sample t: subject " + std::to_string(s) + " has " +
                                  std::to_string(subjects[s].columns()) + " columns, expected " +
                                  std::to_string(v));
    }
    effects.insert(effects.end(), subjects[s].effect.begin(), subjects[s].effect.end());
  }
  return one_sample_t(effects, static_cast<int64_t>(subjects.size()), v, subjects.front().name);
}

}  // namespace neuro
