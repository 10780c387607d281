#pragma once
// Relevance is conserved only without biases (a bias takes a share): every
// bias of an encoder set to zero — Linear biases, LayerNorm beta, Hyena's
// short-filter bias and the time table. The Hyena filter's parameters only
// shape its kernel, and the long-conv and S4D skips D multiply their input:
// those stay.

#include <span>

#include "core/models/encoder.h"

namespace neuroseq_test {

// `parameters` may hold more than the encoder's (e.g. a classifier's head).
inline void zero_encoder_biases(std::span<core::Parameter* const> parameters,
                                core::Encoder& encoder) {
  for (core::Parameter* p : parameters)
    if (p->name.ends_with(".bias") && p->name.find("filter_fn") == std::string::npos)
      p->value.fill(0.0f);
  encoder.time_embedding().table().value.fill(0.0f);
}

}  // namespace neuroseq_test
