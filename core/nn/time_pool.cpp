#include "core/nn/time_pool.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "core/nn/lrp_rules.h"

namespace core {

void TimeMean::check_input(const Tensor& x) const {
  if (x.rank() != 3 || x.size(1) < 1) {
    throw std::invalid_argument(name() + ": expected [B, L, D], got " + x.shape().to_string());
  }
}

Shape TimeMean::output_shape(const Shape& input) const {
  if (input.rank() != 3) return input;  // not an input forward accepts
  return Shape{input[0], input[2]};
}

Tensor TimeMean::forward_impl(const Tensor& x, Context& ctx) {
  const int64_t b = x.size(0), l = x.size(1), d = x.size(2);
  Tensor y({b, d});  // [B, D]
  std::vector<double> acc(static_cast<size_t>(d));
  for (int64_t i = 0; i < b; ++i) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t t = 0; t < l; ++t)
      for (int64_t c = 0; c < d; ++c)
        acc[static_cast<size_t>(c)] += x.data()[(i * l + t) * d + c];
    for (int64_t c = 0; c < d; ++c)
      y.data()[i * d + c] =
          static_cast<float>(acc[static_cast<size_t>(c)] / static_cast<double>(l));
  }
  ctx.saved = {x};
  return y;
}

Tensor TimeMean::backward_impl(const Tensor& grad_y, const Context& ctx) {
  const Shape& s = ctx.input_shape;
  const int64_t b = s[0], l = s[1], d = s[2];
  Tensor grad_x(s);  // [B, L, D]
  const float inv = 1.0f / static_cast<float>(l);
  for (int64_t i = 0; i < b; ++i)
    for (int64_t t = 0; t < l; ++t)
      for (int64_t c = 0; c < d; ++c)
        grad_x.data()[(i * l + t) * d + c] = grad_y.data()[i * d + c] * inv;
  return grad_x;
}

Tensor TimeMean::relevance_impl(const Tensor& relevance_y, const Context& ctx,
                                const LrpRule& rule) {
  check_lrp_rule(rule, name());
  const Tensor& x = ctx.saved[0];  // [B, L, D]
  const int64_t b = x.size(0), l = x.size(1), d = x.size(2);
  // The mean again in double, so that the shares sum to R up to double
  // rounding rather than to the float mean's.
  std::vector<double> mean(static_cast<size_t>(b * d), 0.0);
  for (int64_t i = 0; i < b; ++i)
    for (int64_t t = 0; t < l; ++t)
      for (int64_t c = 0; c < d; ++c)
        mean[static_cast<size_t>(i * d + c)] += x.data()[(i * l + t) * d + c];
  std::vector<double> ratio(static_cast<size_t>(b * d));  // R / (L (mean + eps sign))
  for (int64_t i = 0; i < b * d; ++i) {
    const double den =
        lrp_stabilise(mean[static_cast<size_t>(i)] / static_cast<double>(l), rule.epsilon);
    ratio[static_cast<size_t>(i)] =
        den == 0.0 ? 0.0 : relevance_y.data()[i] / (den * static_cast<double>(l));
  }
  Tensor relevance_x(x.shape());
  for (int64_t i = 0; i < b; ++i)
    for (int64_t t = 0; t < l; ++t)
      for (int64_t c = 0; c < d; ++c) {
        const int64_t at = (i * l + t) * d + c;
        relevance_x.data()[at] =
            static_cast<float>(x.data()[at] * ratio[static_cast<size_t>(i * d + c)]);
      }
  return relevance_x;
}

}  // namespace core
