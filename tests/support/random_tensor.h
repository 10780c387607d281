#pragma once
// Reproducible test tensors from the project's Philox streams, and the
// conversions to double that reference implementations work in.

#include <cstdint>
#include <span>
#include <vector>

#include "core/random/philox.h"
#include "core/tensor/tensor.h"

namespace neuroseq_test {

// Uniform in [lo, hi), stream 0 of `seed`, row-major.
inline core::Tensor random_uniform(core::Shape shape, uint64_t seed, double lo = -1.0,
                                   double hi = 1.0) {
  core::Tensor t(shape);
  core::RandomStream rng(seed, 0);
  for (float& v : t.values())
    v = static_cast<float>(lo + (hi - lo) * rng.uniform());
  return t;
}

// Normal(mean, sd), stream 0 of `seed`, row-major.
inline core::Tensor random_normal(core::Shape shape, uint64_t seed, double mean = 0.0,
                                  double sd = 1.0) {
  core::Tensor t(shape);
  core::RandomStream rng(seed, 0);
  for (float& v : t.values())
    v = static_cast<float>(rng.normal(mean, sd));
  return t;
}

inline std::vector<double> to_double(const core::Tensor& t) {
  const auto v = t.values();
  return {v.begin(), v.end()};
}

inline core::Tensor to_tensor(core::Shape shape, const std::vector<double>& values) {
  std::vector<float> f(values.begin(), values.end());
  return core::Tensor::from_values(shape, std::move(f));
}

inline core::Tensor to_tensor(const std::vector<int64_t>& shape,
                              const std::vector<double>& values) {
  return to_tensor(core::Shape(std::span<const int64_t>(shape)), values);
}

}  // namespace neuroseq_test
