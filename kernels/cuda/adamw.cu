#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "kernels/cuda/adamw.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/grid_stride.cuh"

namespace kernels::cuda {

namespace {

struct AdamWScalars {
  float decay, beta1, one_minus_beta1, beta2, one_minus_beta2, step_size, bias2_sqrt, eps;
};

__global__ void adamw_kernel(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                             int64_t n, AdamWScalars s) {
  for (int64_t i = detail::grid_first(); i < n; i += detail::grid_step()) {
    const float g = grad[i];
    float p = param[i] * s.decay;
    const float m = s.beta1 * exp_avg[i] + s.one_minus_beta1 * g;
    const float v = s.beta2 * exp_avg_sq[i] + s.one_minus_beta2 * g * g;
    p -= s.step_size * (m / (sqrtf(v) / s.bias2_sqrt + s.eps));
    param[i] = p;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
  }
}

}  // namespace

void adamw_update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, int64_t n,
                  const AdamWHyper& hyper) {
  if (hyper.step < 1) throw std::invalid_argument("adamw_update (cuda): step counts from 1");
  if (n <= 0) return;
  const double bias1 = 1.0 - std::pow(hyper.beta1, static_cast<double>(hyper.step));
  const double bias2 = 1.0 - std::pow(hyper.beta2, static_cast<double>(hyper.step));
  const AdamWScalars s{static_cast<float>(1.0 - hyper.lr * hyper.weight_decay),
                       static_cast<float>(hyper.beta1),
                       static_cast<float>(1.0 - hyper.beta1),
                       static_cast<float>(hyper.beta2),
                       static_cast<float>(1.0 - hyper.beta2),
                       static_cast<float>(hyper.lr / bias1),
                       static_cast<float>(std::sqrt(bias2)),
                       static_cast<float>(hyper.eps)};
  adamw_kernel<<<detail::grid_for(n), detail::kThreads>>>(param, grad, exp_avg, exp_avg_sq, n, s);
  detail::check_launch("adamw_update (cuda)");
}

}  // namespace kernels::cuda
