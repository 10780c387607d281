#pragma once
// The encoder's residual blocks: pre-norm [mixer] and pre-norm [MLP], each
// around a residual connection, as in GPT-2 and the long-convolution papers.

#include <cstdint>
#include <memory>
#include <string>

#include "core/models/encoder_config.h"
#include "core/nn/sequential.h"

namespace core {

// The sequence mixer of block `index` ([B, L, D] -> [B, L, D]):
//   longconv:  LongConv(D) -> GELU -> Linear(D, D) -> Dropout
//   s4d:       S4D(D)      -> GELU -> Linear(D, D) -> Dropout
//   hyena:     Hyena(D) (its own projections and gating) -> Dropout
//   attention: causal multi-head attention -> Dropout
std::unique_ptr<Module> make_mixer(const EncoderConfig& config, const std::string& name,
                                   uint64_t seed, uint64_t dropout_stream);

// Appends the config's N blocks, 2N residual modules, to `blocks`.
void add_encoder_blocks(Sequential& blocks, const EncoderConfig& config, uint64_t seed);

}  // namespace core
