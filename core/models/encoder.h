#pragma once
// The sequence encoder of parcel time series (Thomas, Ré & Poldrack 2022;
// Fu et al. 2023):
//   e  = Dropout(LayerNorm(Linear_{P->D}(x)))         [B, L, D]
//   e[b, t] = mask vector where (b, t) is masked       (masked modelling)
//   h0 = e + TimeEmbedding(seconds)                    elapsed time, not index
//   h  = N x { h += Mixer(LN(h)); h += MLP(LN(h)) }
//   y  = LayerNorm(h)                                  [B, L, D]

#include <cstdint>
#include <span>
#include <vector>

#include "core/models/encoder_config.h"
#include "core/models/time_embedding.h"
#include "core/nn/layer_norm.h"
#include "core/nn/sequential.h"

namespace core {

// A batch of windows: parcel values, the elapsed seconds of each frame since
// its window's first frame, and which frames the encoder must not see.
struct WindowBatch {
  Tensor x;                     // [B, L, P]
  Tensor seconds;               // [B, L]
  std::vector<uint8_t> masked;  // [B * L], 1 = replaced by the mask vector; empty: none
};

// Elapsed seconds [B, L] for windows of L frames with one TR each.
Tensor elapsed_seconds(std::span<const double> tr_seconds, int64_t frames);

class Encoder {
 public:
  Encoder(const EncoderConfig& config, uint64_t seed, std::string name = "encoder");
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  const EncoderConfig& config() const { return config_; }

  // Throws std::invalid_argument naming the problem for a batch of the wrong
  // shape (P differs from the config, L > max_frames, times or mask sized
  // wrongly).
  Tensor forward(const WindowBatch& batch, Context& ctx, const ForwardMode& mode = {});
  // dL/dx [B, L, P] from dL/dy [B, L, D]; accumulates parameter gradients.
  Tensor backward(const Tensor& grad_y, const Context& ctx);
  // Relevance of x from relevance of y. The time embedding and the mask
  // vector act as biases: the relevance they take is not passed on.
  Tensor relevance(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule);

  std::vector<Parameter*> parameters();
  void zero_grad();
  Sequential& embedding() { return embed_; }
  Sequential& blocks() { return blocks_; }
  TimeEmbedding& time_embedding() { return time_; }
  Parameter& mask_vector() { return mask_vector_; }

 private:
  void check(const WindowBatch& batch) const;

  EncoderConfig config_;
  Sequential embed_;
  Parameter mask_vector_;  // [D]
  TimeEmbedding time_;
  Sequential blocks_;
  LayerNorm final_norm_;
};

}  // namespace core
