#include "core/attribution/faithfulness.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/random/philox.h"

namespace core {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Order = std::vector<int64_t>;

// One window with the first `count` parcels of `order` occluded.
struct Request {
  int64_t window;
  const Order* order;
  int64_t count;
};

// Logits [R, C] of the requests, flattened row-major, `chunk` at a time.
std::vector<float> occluded_logits(const LogitFunction& logits, const WindowBatch& batch,
                                   const std::vector<Request>& requests, float reference,
                                   int64_t chunk, int64_t& states) {
  const int64_t l = batch.x.size(1), p = batch.x.size(2);
  const bool has_seconds = !batch.seconds.empty(), has_mask = !batch.masked.empty();
  std::vector<float> out;
  for (size_t start = 0; start < requests.size(); start += static_cast<size_t>(chunk)) {
    const auto n =
        static_cast<int64_t>(std::min(requests.size() - start, static_cast<size_t>(chunk)));
    WindowBatch part{Tensor({n, l, p}), has_seconds ? Tensor({n, l}) : Tensor(), {}};
    if (has_mask) part.masked.resize(static_cast<size_t>(n * l));
    for (int64_t i = 0; i < n; ++i) {
      const Request& r = requests[start + static_cast<size_t>(i)];
      float* x = part.x.data() + i * l * p;
      std::copy_n(batch.x.data() + r.window * l * p, l * p, x);
      for (int64_t k = 0; k < r.count; ++k)
        for (int64_t t = 0; t < l; ++t)
          x[t * p + (*r.order)[static_cast<size_t>(k)]] = reference;
      if (has_seconds)
        std::copy_n(batch.seconds.data() + r.window * l, l, part.seconds.data() + i * l);
      if (has_mask)
        std::copy_n(batch.masked.begin() + r.window * l, l, part.masked.begin() + i * l);
    }
    const Tensor z = logits(part);
    if (z.rank() != 2 || z.size(0) != n || z.size(1) < 1 || (states && z.size(1) != states)) {
      throw std::invalid_argument("faithfulness: the model returned logits " +
                                  z.shape().to_string() + " for " + std::to_string(n) + " windows");
    }
    states = z.size(1);
    out.insert(out.end(), z.data(), z.data() + z.numel());
  }
  return out;
}

int argmax(const float* row, int64_t states) {
  int best = 0;
  for (int64_t k = 1; k < states; ++k)
    if (row[k] > row[best]) best = static_cast<int>(k);
  return best;
}

void check_common(const WindowBatch& batch, size_t labels, const Tensor& relevance, float reference,
                  int64_t chunk, const std::string& who) {
  require_window_batch(batch, who);
  const int64_t b = batch.x.size(0), p = batch.x.size(2);
  if (labels != static_cast<size_t>(b)) {
    throw std::invalid_argument(who + ": expected " + std::to_string(b) + " labels, got " +
                                std::to_string(labels));
  }
  require_shape(relevance, Shape{b, p}, (who + ": parcel relevance").c_str());
  if (!std::isfinite(reference)) throw std::invalid_argument(who + ": reference must be finite");
  if (chunk < 1) throw std::invalid_argument(who + ": chunk must be >= 1");
}

LogitFunction eval_of(WindowClassifier& model) {
  return [&model](const WindowBatch& batch) { return eval_logits(model, batch); };
}

double trapezoid(const std::vector<double>& x, const std::vector<double>& y) {
  double area = 0;
  for (size_t i = 1; i < x.size(); ++i)
    area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
  return area;
}

double finite_mean(const std::vector<double>& v) {
  double sum = 0;
  int64_t n = 0;
  for (double x : v)
    if (std::isfinite(x)) sum += x, ++n;
  return n ? sum / static_cast<double>(n) : kNaN;
}

}  // namespace

std::vector<Order> relevance_order(const Tensor& parcel_relevance) {
  if (parcel_relevance.rank() != 2) {
    throw std::invalid_argument("relevance_order: expected [B, P], got " +
                                parcel_relevance.shape().to_string());
  }
  const int64_t b = parcel_relevance.size(0), p = parcel_relevance.size(1);
  std::vector<Order> out(static_cast<size_t>(b), Order(static_cast<size_t>(p)));
  for (int64_t i = 0; i < b; ++i) {
    const float* r = parcel_relevance.data() + i * p;
    Order& order = out[static_cast<size_t>(i)];
    std::iota(order.begin(), order.end(), int64_t{0});
    std::stable_sort(order.begin(), order.end(), [r](int64_t u, int64_t v) {
      if (std::isnan(r[u]) || std::isnan(r[v])) return !std::isnan(r[u]) && std::isnan(r[v]);
      return r[u] > r[v];
    });
  }
  return out;
}

std::vector<Order> random_order(int64_t windows, int64_t parcels, uint64_t seed) {
  std::vector<Order> out(static_cast<size_t>(windows), Order(static_cast<size_t>(parcels)));
  for (int64_t i = 0; i < windows; ++i) {
    Order& order = out[static_cast<size_t>(i)];
    std::iota(order.begin(), order.end(), int64_t{0});
    RandomStream stream(seed, static_cast<uint64_t>(i));
    for (int64_t k = parcels - 1; k > 0; --k)  // Fisher-Yates
      std::swap(order[static_cast<size_t>(k)], order[stream.below(static_cast<uint64_t>(k + 1))]);
  }
  return out;
}

FaithfulnessResult occlusion_faithfulness(const LogitFunction& logits, const WindowBatch& batch,
                                          std::span<const int> truth,
                                          const Tensor& parcel_relevance,
                                          const FaithfulnessOptions& options) {
  const std::string who = "faithfulness";
  check_common(batch, truth.size(), parcel_relevance, options.reference, options.chunk, who);
  if (!(options.tolerance >= 0)) throw std::invalid_argument(who + ": tolerance must be >= 0");
  FaithfulnessResult result;
  result.fractions = options.fractions;
  if (result.fractions.empty())
    for (int i = 0; i <= 10; ++i)
      result.fractions.push_back(0.05 * i);
  const int64_t b = batch.x.size(0), p = batch.x.size(2);
  for (double f : result.fractions) {
    if (!(f >= 0 && f <= 1)) {
      throw std::invalid_argument(who + ": fractions must lie in [0, 1], got " + std::to_string(f));
    }
    const auto count = static_cast<int64_t>(std::ceil(f * static_cast<double>(p) - 1e-9));
    result.occluded.push_back(std::clamp<int64_t>(count, 0, p));
  }
  std::vector<int64_t> labelled;
  for (int64_t i = 0; i < b; ++i)
    if (truth[static_cast<size_t>(i)] >= 0) labelled.push_back(i);
  if (labelled.empty()) throw std::invalid_argument(who + ": no labelled window");

  const std::vector<Order> by_relevance = relevance_order(parcel_relevance);
  const std::vector<Order> by_chance = random_order(b, p, options.seed);
  std::vector<Request> requests;
  for (const std::vector<Order>* orders : {&by_relevance, &by_chance})
    for (int64_t count : result.occluded)
      for (int64_t i : labelled)
        requests.push_back({i, &(*orders)[static_cast<size_t>(i)], count});
  int64_t c = 0;
  const std::vector<float> z =
      occluded_logits(logits, batch, requests, options.reference, options.chunk, c);
  for (int64_t i : labelled)
    if (truth[static_cast<size_t>(i)] >= c) {
      throw std::invalid_argument(who + ": label " + std::to_string(truth[static_cast<size_t>(i)]) +
                                  " of window " + std::to_string(i) + " is not a state of " +
                                  std::to_string(c));
    }
  result.chance = 1.0 / static_cast<double>(c);
  size_t next = 0;
  for (AccuracyCurve* curve : {&result.relevance, &result.random}) {
    for (double f : result.fractions) {
      int64_t correct = 0;
      for (int64_t i : labelled)
        correct +=
            argmax(z.data() + static_cast<int64_t>(next++) * c, c) == truth[static_cast<size_t>(i)];
      const double accuracy = static_cast<double>(correct) / static_cast<double>(labelled.size());
      curve->accuracy.push_back(accuracy);
      if (!curve->score && accuracy <= result.chance + options.tolerance) curve->score = f;
    }
  }
  return result;
}

FaithfulnessResult occlusion_faithfulness(WindowClassifier& model, const WindowBatch& batch,
                                          std::span<const int> truth,
                                          const Tensor& parcel_relevance,
                                          const FaithfulnessOptions& options) {
  return occlusion_faithfulness(eval_of(model), batch, truth, parcel_relevance, options);
}

DeletionCurves deletion_curves(const LogitFunction& logits, const WindowBatch& batch,
                               std::span<const int> targets, const Tensor& parcel_relevance,
                               const DeletionOptions& options) {
  const std::string who = "deletion";
  check_common(batch, targets.size(), parcel_relevance, options.reference, options.chunk, who);
  if (options.step < 1) throw std::invalid_argument(who + ": step must be >= 1");
  const int64_t b = batch.x.size(0), p = batch.x.size(2);
  DeletionCurves out;
  std::vector<int64_t> counts;
  for (int64_t k = 0;; k += options.step) {
    counts.push_back(std::min(k, p));
    out.fractions.push_back(static_cast<double>(counts.back()) / static_cast<double>(p));
    if (k >= p) break;
  }
  const auto levels = static_cast<int64_t>(counts.size());  // >= 2: 0 and P

  const std::vector<Order> by_relevance = relevance_order(parcel_relevance);
  const std::vector<Order> by_chance = random_order(b, p, options.seed);
  // Intact and fully deleted windows once, then the levels between per order.
  std::vector<Request> requests;
  for (int64_t i = 0; i < b; ++i) {
    const Order* order = &by_relevance[static_cast<size_t>(i)];
    requests.push_back({i, order, 0});
    requests.push_back({i, order, p});
  }
  for (const std::vector<Order>* orders : {&by_relevance, &by_chance})
    for (int64_t level = 1; level + 1 < levels; ++level)
      for (int64_t i = 0; i < b; ++i)
        requests.push_back(
            {i, &(*orders)[static_cast<size_t>(i)], counts[static_cast<size_t>(level)]});
  int64_t c = 0;
  const std::vector<float> z =
      occluded_logits(logits, batch, requests, options.reference, options.chunk, c);
  for (int64_t i = 0; i < b; ++i) {
    const int k = targets[static_cast<size_t>(i)];
    if (k < 0 || k >= c) {
      throw std::invalid_argument(who + ": target " + std::to_string(k) + " of window " +
                                  std::to_string(i) + " is outside [0, " + std::to_string(c) + ")");
    }
  }
  auto logit = [&](int64_t row, int64_t window) {
    return static_cast<double>(
        z[static_cast<size_t>(row * c + targets[static_cast<size_t>(window)])]);
  };
  const int64_t middle = 2 * b;  // first row of the intermediate levels
  int which = 0;
  for (auto* curves : {&out.relevance, &out.random}) {
    auto& auc = which == 0 ? out.relevance_auc : out.random_auc;
    for (int64_t i = 0; i < b; ++i) {
      const double full = logit(2 * i, i), empty = logit(2 * i + 1, i);
      const double scale = full - empty;
      std::vector<double> curve(static_cast<size_t>(levels), kNaN);
      if (scale > 0 && std::isfinite(scale)) {
        curve.front() = 1.0;
        curve.back() = 0.0;
        for (int64_t level = 1; level + 1 < levels; ++level) {
          const int64_t row = middle + (which * (levels - 2) + level - 1) * b + i;
          curve[static_cast<size_t>(level)] = (logit(row, i) - empty) / scale;
        }
      }
      auc.push_back(std::isnan(curve.front()) ? kNaN : trapezoid(out.fractions, curve));
      curves->push_back(std::move(curve));
    }
    ++which;
  }
  out.mean_relevance_auc = finite_mean(out.relevance_auc);
  out.mean_random_auc = finite_mean(out.random_auc);
  return out;
}

DeletionCurves deletion_curves(WindowClassifier& model, const WindowBatch& batch,
                               std::span<const int> targets, const Tensor& parcel_relevance,
                               const DeletionOptions& options) {
  return deletion_curves(eval_of(model), batch, targets, parcel_relevance, options);
}

}  // namespace core
