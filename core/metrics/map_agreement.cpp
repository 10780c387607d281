#include "core/metrics/map_agreement.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace core {

namespace {

void require_pair(size_t a, size_t b, const std::string& who) {
  if (a != b) {
    throw std::invalid_argument(who + ": the inputs differ in length (" + std::to_string(a) +
                                " and " + std::to_string(b) + ")");
  }
  if (a == 0) throw std::invalid_argument(who + ": empty input");
}

void require_no_nan(std::span<const double> v, const std::string& who) {
  if (std::any_of(v.begin(), v.end(), [](double x) { return std::isnan(x); }))
    throw std::invalid_argument(who + ": NaN value");
}

// Indices of the k top keys, ties by lower index.
std::vector<size_t> top_indices(const std::vector<double>& key, size_t k) {
  std::vector<size_t> idx(key.size());
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](size_t u, size_t v) { return key[u] > key[v]; });
  idx.resize(k);
  std::sort(idx.begin(), idx.end());
  return idx;
}

std::vector<double> ranked_keys(std::span<const double> v, TopMode mode, const char* which) {
  std::vector<double> key(v.begin(), v.end());
  if (mode == TopMode::kAbsolute)
    for (double& x : key)
      x = std::fabs(x);
  if (std::all_of(key.begin(), key.end(), [&](double x) { return x == key.front(); }))
    throw std::invalid_argument(std::string("top_dice: map ") + which + " is constant");
  return key;
}

}  // namespace

double pearson_r(std::span<const double> a, std::span<const double> b) {
  require_pair(a.size(), b.size(), "pearson_r");
  std::vector<double> x, y;
  for (size_t i = 0; i < a.size(); ++i)
    if (!std::isnan(a[i]) && !std::isnan(b[i])) x.push_back(a[i]), y.push_back(b[i]);
  if (x.size() < 2) {
    throw std::invalid_argument("pearson_r: " + std::to_string(x.size()) +
                                " pairs without NaN; need at least 2");
  }
  const auto n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0 || syy == 0) throw std::invalid_argument("pearson_r: a map is constant");
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

double top_dice(std::span<const double> a, std::span<const double> b, double fraction,
                TopMode mode) {
  require_pair(a.size(), b.size(), "top_dice");
  if (!(fraction > 0 && fraction <= 1)) {
    throw std::invalid_argument("top_dice: fraction must lie in (0, 1], got " +
                                std::to_string(fraction));
  }
  require_no_nan(a, "top_dice");
  require_no_nan(b, "top_dice");
  const size_t n = a.size();
  const auto k = std::clamp<size_t>(
      static_cast<size_t>(std::ceil(fraction * static_cast<double>(n) - 1e-9)), 1, n);
  const std::vector<size_t> ta = top_indices(ranked_keys(a, mode, "a"), k);
  const std::vector<size_t> tb = top_indices(ranked_keys(b, mode, "b"), k);
  std::vector<size_t> both;
  std::set_intersection(ta.begin(), ta.end(), tb.begin(), tb.end(), std::back_inserter(both));
  return static_cast<double>(both.size()) / static_cast<double>(k);
}

double auroc(std::span<const double> score, std::span<const int> truth) {
  require_pair(score.size(), truth.size(), "auroc");
  require_no_nan(score, "auroc");
  const size_t n = score.size();
  double positives = 0;
  for (int t : truth) {
    if (t != 0 && t != 1)
      throw std::invalid_argument("auroc: truth must be 0 or 1, got " + std::to_string(t));
    positives += t;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0)
    throw std::invalid_argument("auroc: the truth needs both positives and negatives");
  std::vector<size_t> idx(n);
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::sort(idx.begin(), idx.end(), [&](size_t u, size_t v) { return score[u] < score[v]; });
  double positive_rank_sum = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && score[idx[j]] == score[idx[i]])
      ++j;
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // 1-based
    for (size_t m = i; m < j; ++m)
      positive_rank_sum += rank * truth[idx[m]];
    i = j;
  }
  const double u = positive_rank_sum - positives * (positives + 1) / 2;
  return u / (positives * negatives);
}

}  // namespace core
