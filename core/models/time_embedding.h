#pragma once
// A learned embedding of elapsed time: one vector per `step` seconds since a
// window's first frame, read between neighbouring vectors by linear
// interpolation, so that a 0.72 s TR and a 2 s TR share one table.

#include <cstdint>
#include <string>

#include "core/nn/module.h"

namespace core {

class TimeEmbedding {
 public:
  TimeEmbedding(std::string name, int64_t bins, int64_t dim, double step_seconds, uint64_t seed);

  Parameter& table() { return table_; }  // [bins, D]
  int64_t dim() const { return dim_; }

  // h[b, t, :] += embedding(seconds[b, t]). h: [B, L, D]; seconds: [B, L],
  // each >= 0 (times past the last bin read the last vector). Throws
  // std::invalid_argument for a negative or non-finite time.
  void add_to(Tensor& h, const Tensor& seconds) const;
  // The embedding of each time: [B, L, D].
  Tensor lookup(const Tensor& seconds) const;
  // table.grad += the gradient of add_to given dL/dh.
  void accumulate_grad(const Tensor& grad_h, const Tensor& seconds);

 private:
  struct Tap {
    int64_t row;
    float weight_next;  // share of row + 1
  };
  Tap tap(float seconds) const;

  std::string name_;
  int64_t bins_;
  int64_t dim_;
  double step_;
  Parameter table_;
};

}  // namespace core
