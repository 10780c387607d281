#pragma once
// Modules follow a non-virtual interface: the public forward / backward /
// relevance check shapes and throw; the protected *_impl do the work. forward
// fills a Context that backward and relevance reuse, so a module keeps no
// per-call state and one module can serve several batches in flight.

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor/tensor.h"

namespace core {

// A trainable tensor, its gradient (accumulated by backward) and how the
// optimiser treats it.
struct Parameter {
  std::string name;
  Tensor value;
  Tensor grad;
  bool weight_decay = true;  // biases, norms and long-conv kernels opt out
  float lr_scale = 1.0f;     // e.g. the long-conv kernel's own learning rate
};

// How a forward pass runs: training switches dropout on; the seed and step
// make every random draw reproducible on any backend and thread count.
struct ForwardMode {
  bool training = false;
  uint64_t seed = 0;
  uint64_t step = 0;
};

// What forward keeps for backward and relevance: saved tensors, and one child
// context per submodule in call order.
struct Context {
  ForwardMode mode;
  Shape input_shape;  // checks the shapes handed to backward and relevance
  std::vector<Tensor> saved;
  std::vector<Context> children;
};

// Layer-wise relevance propagation rules (Bach et al. 2015; Montavon et al.
// 2019). Conservative choices where plain LRP breaks are switchable.
struct LrpRule {
  enum class Kind { kEpsilon, kGamma, kAlphaBeta, kZBox };
  Kind kind = Kind::kEpsilon;
  double epsilon = 1e-6;  // kEpsilon (epsilon -> 0 is LRP-0)
  double gamma = 0.25;    // kGamma
  double alpha = 1.0;     // kAlphaBeta, alpha - beta = 1
  double beta = 0.0;
  float low = -3.0f;  // kZBox: the input domain's bounds (first layer only)
  float high = 3.0f;
  // Multiplicative gates a*b: relevance split half and half, or the gate
  // treated as a constant (all relevance to the gated signal).
  bool gate_half_half = true;
};

class Module {
 public:
  explicit Module(std::string name) : name_(std::move(name)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const std::string& name() const { return name_; }

  // y = f(x). Resets and fills `ctx`.
  Tensor forward(const Tensor& x, Context& ctx, const ForwardMode& mode = {});
  // dL/dx from dL/dy; adds dL/dθ into each parameter's grad. Throws
  // std::invalid_argument unless grad_y has the shape forward returned.
  Tensor backward(const Tensor& grad_y, const Context& ctx);
  // Relevance of the input from relevance of the output [same shape as y,
  // checked like backward's].
  Tensor relevance(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule);

  std::vector<Parameter*> parameters();
  void zero_grad();

  // The shape forward returns for an input of shape `input` (assumed valid).
  Shape output_shape_for(const Shape& input) const { return output_shape(input); }

 protected:
  // Throws std::invalid_argument naming the module and the expected shape.
  virtual void check_input(const Tensor& x) const = 0;
  virtual Shape output_shape(const Shape& input) const = 0;
  virtual Tensor forward_impl(const Tensor& x, Context& ctx) = 0;
  virtual Tensor backward_impl(const Tensor& grad_y, const Context& ctx) = 0;
  virtual Tensor relevance_impl(const Tensor& relevance_y, const Context& ctx,
                                const LrpRule& rule) = 0;
  virtual void collect_parameters(std::vector<Parameter*>& out) { (void)out; }

 private:
  std::string name_;
};

// Throws std::invalid_argument("<who>: expected [.., <dim>], got <shape>")
// unless x has rank >= 1 and its last dimension is `dim`.
void require_last_dim(const Tensor& x, int64_t dim, const std::string& who);

// Throws std::invalid_argument("<who>: expected a tensor of rank >= 1, got []")
// for an empty tensor; for modules that take any shape.
void require_any_tensor(const Tensor& x, const std::string& who);

// The gradient buffer of `p`, allocated (zero) when missing or stale, so that
// backward can accumulate without a prior zero_grad.
Tensor& grad_buffer(Parameter& p);

}  // namespace core
