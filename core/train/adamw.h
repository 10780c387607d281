#pragma once
// AdamW as torch.optim.AdamW (amsgrad off, maximize off): decoupled weight
// decay p -= lr * wd * p before the bias-corrected Adam step. Each Parameter
// forms its own group: its lr_scale multiplies the learning rate and its
// weight_decay flag switches decay on or off (biases, norms, long-conv kernels).

#include <cstdint>
#include <span>
#include <vector>

#include "core/nn/module.h"
#include "core/tensor/named_tensor.h"

namespace core {

struct AdamWOptions {
  double lr = 1e-3;  // the base rate; a schedule replaces it with set_lr()
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;  // torch's default
};

// What resumes an optimiser exactly: the step count and, per parameter, the
// moments as "<parameter>.exp_avg" and "<parameter>.exp_avg_sq".
struct AdamWState {
  int64_t step = 0;
  std::vector<NamedTensor> tensors;
};

class AdamW {
 public:
  // The parameters must outlive the optimiser and have distinct names (the
  // state is keyed by them). Throws std::invalid_argument on bad options.
  AdamW(std::vector<Parameter*> parameters, const AdamWOptions& options = {});

  double lr() const { return lr_; }
  void set_lr(double lr);
  int64_t steps() const { return step_; }
  const AdamWOptions& options() const { return options_; }

  // One update from the gradients in each Parameter::grad. Every parameter
  // needs a gradient of its value's shape (Module::zero_grad allocates them);
  // throws std::logic_error naming the first that has none.
  void step();
  void zero_grad();

  AdamWState state() const;  // a copy
  // Restores a state from state() of an optimiser over parameters with the
  // same names and shapes; throws std::invalid_argument naming what differs.
  void load_state(const AdamWState& state);

 private:
  std::vector<Parameter*> parameters_;
  std::vector<Tensor> exp_avg_;     // m, one per parameter
  std::vector<Tensor> exp_avg_sq_;  // v
  AdamWOptions options_;
  double lr_;
  int64_t step_ = 0;
};

// Scales all gradients together so that their global L2 norm is at most
// max_norm (> 0), as torch.nn.utils.clip_grad_norm_ but without its 1e-6 in
// the denominator: gradients are scaled by exactly max_norm / norm, and only
// when norm > max_norm. Returns the norm before clipping (accumulated in
// double). A non-finite norm is returned with the gradients left untouched,
// so that the caller can skip the step. Empty gradients are skipped.
double clip_grad_norm(std::span<Parameter* const> parameters, double max_norm);

}  // namespace core
