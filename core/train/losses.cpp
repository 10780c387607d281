#include "core/train/losses.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace core {

namespace {

std::vector<double> widen(const Tensor& t) {
  const auto v = t.values();
  return {v.begin(), v.end()};
}

Tensor narrow(const std::vector<double>& values, const Shape& shape) {
  std::vector<float> out(values.size());
  std::transform(values.begin(), values.end(), out.begin(),
                 [](double x) { return static_cast<float>(x); });
  return Tensor::from_values(shape, std::move(out));
}

void require_same_shape(const Tensor& pred, const Tensor& target, const char* what) {
  if (pred.empty() || pred.numel() == 0) {
    throw std::invalid_argument(std::string(what) + ": the prediction is empty");
  }
  require_shape(target, pred.shape(), (std::string(what) + ": target").c_str());
}

LossResult pointwise(PointLoss kind, const Tensor& pred, const Tensor& target, const char* what) {
  require_same_shape(pred, target, what);
  const auto p = widen(pred);
  const auto t = widen(target);
  std::vector<double> grad(p.size());
  const double value = pointwise_loss(kind, p, t, {}, 1, grad);
  return {value, narrow(grad, pred.shape())};
}

LossResult masked(PointLoss kind, const Tensor& pred, const Tensor& target, const Tensor& mask,
                  const char* what) {
  if (pred.rank() != 3) {
    throw std::invalid_argument(std::string(what) + ": prediction: expected [B, L, P], got " +
                                pred.shape().to_string());
  }
  require_same_shape(pred, target, what);
  require_shape(mask, Shape{pred.size(0), pred.size(1)}, (std::string(what) + ": mask").c_str());
  const auto p = widen(pred);
  const auto t = widen(target);
  const auto m = widen(mask);
  std::vector<double> grad(p.size());
  const double value = pointwise_loss(kind, p, t, m, pred.size(2), grad);
  return {value, narrow(grad, pred.shape())};
}

}  // namespace

double cross_entropy(std::span<const double> logits, int64_t classes, std::span<const int> targets,
                     const CrossEntropyOptions& options, std::span<double> grad) {
  const auto batch = static_cast<int64_t>(targets.size());
  if (classes < 1 || static_cast<int64_t>(logits.size()) != batch * classes ||
      grad.size() != logits.size()) {
    throw std::invalid_argument("cross_entropy: logits and gradient must be [B, K] with B = " +
                                std::to_string(batch) + " targets");
  }
  const auto& weights = options.class_weights;
  if (!weights.empty() && static_cast<int64_t>(weights.size()) != classes) {
    throw std::invalid_argument("cross_entropy: class_weights: expected " +
                                std::to_string(classes) + " values, got " +
                                std::to_string(weights.size()));
  }
  for (double w : weights) {
    if (!(w >= 0) || !std::isfinite(w)) {
      throw std::invalid_argument("cross_entropy: class_weights must be finite and >= 0");
    }
  }
  // First pass: validate targets and find the weight normaliser, so that the
  // gradient can be written in one second pass.
  double total_weight = 0;
  for (int64_t i = 0; i < batch; ++i) {
    const int y = targets[static_cast<size_t>(i)];
    if (y == options.ignore_index) continue;
    if (y < 0 || y >= classes) {
      throw std::invalid_argument("cross_entropy: target " + std::to_string(y) + " of sample " +
                                  std::to_string(i) + " is outside [0, " + std::to_string(classes) +
                                  ")");
    }
    total_weight += weights.empty() ? 1.0 : weights[static_cast<size_t>(y)];
  }
  std::fill(grad.begin(), grad.end(), 0.0);
  if (total_weight == 0) return 0;

  double loss = 0;
  for (int64_t i = 0; i < batch; ++i) {
    const int y = targets[static_cast<size_t>(i)];
    if (y == options.ignore_index) continue;
    const double w = weights.empty() ? 1.0 : weights[static_cast<size_t>(y)];
    const auto row = logits.subspan(static_cast<size_t>(i * classes), static_cast<size_t>(classes));
    auto g = grad.subspan(static_cast<size_t>(i * classes), static_cast<size_t>(classes));
    // log-sum-exp shifted by the maximum: exp never overflows.
    const double top = *std::max_element(row.begin(), row.end());
    double sum = 0;
    for (double z : row)
      sum += std::exp(z - top);
    const double log_normaliser = top + std::log(sum);
    loss += w * (log_normaliser - row[static_cast<size_t>(y)]);
    const double scale = w / total_weight;
    for (size_t k = 0; k < row.size(); ++k)
      g[k] = scale * std::exp(row[k] - log_normaliser);
    g[static_cast<size_t>(y)] -= scale;
  }
  return loss / total_weight;
}

double pointwise_loss(PointLoss kind, std::span<const double> pred, std::span<const double> target,
                      std::span<const double> mask, int64_t row, std::span<double> grad) {
  if (target.size() != pred.size() || grad.size() != pred.size() || row < 1) {
    throw std::invalid_argument("pointwise_loss: prediction, target and gradient sizes differ");
  }
  if (!mask.empty() &&
      static_cast<int64_t>(mask.size()) * row != static_cast<int64_t>(pred.size())) {
    throw std::invalid_argument("pointwise_loss: the mask does not match the prediction");
  }
  int64_t counted = 0;
  if (mask.empty()) {
    counted = static_cast<int64_t>(pred.size());
  } else {
    for (size_t r = 0; r < mask.size(); ++r) {
      if (mask[r] != 0 && mask[r] != 1) {
        throw std::invalid_argument("masked loss: mask values must be 0 or 1, got " +
                                    std::to_string(mask[r]) + " at " + std::to_string(r));
      }
      if (mask[r] == 1) counted += row;
    }
  }
  std::fill(grad.begin(), grad.end(), 0.0);
  if (counted == 0) return 0;

  const double inv = 1.0 / static_cast<double>(counted);
  double sum = 0;
  for (size_t i = 0; i < pred.size(); ++i) {
    if (!mask.empty() && mask[i / static_cast<size_t>(row)] == 0) continue;
    const double d = pred[i] - target[i];
    if (kind == PointLoss::kSquared) {
      sum += d * d;
      grad[i] = 2.0 * d * inv;
    } else {
      sum += std::abs(d);
      // The subgradient 0 at d == 0, as torch's sign().
      grad[i] = (d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0) * inv;
    }
  }
  return sum * inv;
}

LossResult cross_entropy(const Tensor& logits, std::span<const int> targets,
                         const CrossEntropyOptions& options) {
  if (logits.rank() != 2 || logits.size(0) != static_cast<int64_t>(targets.size()) ||
      logits.size(1) < 1) {
    throw std::invalid_argument("cross_entropy: logits: expected [" +
                                std::to_string(targets.size()) + ", K], got " +
                                logits.shape().to_string());
  }
  const auto z = widen(logits);
  std::vector<double> grad(z.size());
  const double value = cross_entropy(z, logits.size(1), targets, options, grad);
  return {value, narrow(grad, logits.shape())};
}

LossResult mse_loss(const Tensor& pred, const Tensor& target) {
  return pointwise(PointLoss::kSquared, pred, target, "mse_loss");
}

LossResult l1_loss(const Tensor& pred, const Tensor& target) {
  return pointwise(PointLoss::kAbsolute, pred, target, "l1_loss");
}

LossResult masked_mse_loss(const Tensor& pred, const Tensor& target, const Tensor& mask) {
  return masked(PointLoss::kSquared, pred, target, mask, "masked_mse_loss");
}

LossResult masked_l1_loss(const Tensor& pred, const Tensor& target, const Tensor& mask) {
  return masked(PointLoss::kAbsolute, pred, target, mask, "masked_l1_loss");
}

}  // namespace core
