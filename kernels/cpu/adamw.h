#pragma once
// The AdamW update on raw buffers (Loshchilov & Hutter 2019), in the order of
// operations of torch.optim.AdamW's single-tensor path, so that float32
// results track PyTorch's to rounding.

#include <cstdint>

namespace kernels::cpu {

struct AdamWHyper {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;  // decoupled: p -= lr * weight_decay * p
  int64_t step = 1;           // 1 on the first update (bias correction)
};

// One update of n elements, in place on param, exp_avg (m) and exp_avg_sq (v):
//   p *= 1 - lr * wd
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
void adamw_update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, int64_t n,
                  const AdamWHyper& hyper);

}  // namespace kernels::cpu
