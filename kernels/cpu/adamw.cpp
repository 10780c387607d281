#include "kernels/cpu/adamw.h"

#include <cmath>
#include <stdexcept>

namespace kernels::cpu {

void adamw_update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, int64_t n,
                  const AdamWHyper& hyper) {
  if (hyper.step < 1) throw std::invalid_argument("adamw_update: step counts from 1");
  // Scalars are formed in double and rounded once, as PyTorch does with its
  // Python-float hyper-parameters; the element-wise work stays in float.
  const double bias1 = 1.0 - std::pow(hyper.beta1, static_cast<double>(hyper.step));
  const double bias2 = 1.0 - std::pow(hyper.beta2, static_cast<double>(hyper.step));
  const auto decay = static_cast<float>(1.0 - hyper.lr * hyper.weight_decay);
  const auto beta1 = static_cast<float>(hyper.beta1);
  const auto one_minus_beta1 = static_cast<float>(1.0 - hyper.beta1);
  const auto beta2 = static_cast<float>(hyper.beta2);
  const auto one_minus_beta2 = static_cast<float>(1.0 - hyper.beta2);
  const auto step_size = static_cast<float>(hyper.lr / bias1);
  const auto bias2_sqrt = static_cast<float>(std::sqrt(bias2));
  const auto eps = static_cast<float>(hyper.eps);
  for (int64_t i = 0; i < n; ++i) {
    const float g = grad[i];
    float p = param[i] * decay;
    const float m = beta1 * exp_avg[i] + one_minus_beta1 * g;
    const float v = beta2 * exp_avg_sq[i] + one_minus_beta2 * g * g;
    p -= step_size * (m / (std::sqrt(v) / bias2_sqrt + eps));
    param[i] = p;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
  }
}

}  // namespace kernels::cpu
