#pragma once
// Self-supervised pretraining of the encoder on unlabelled windows (Thomas,
// Ré & Poldrack 2022), each objective with an L1 loss on parcel values:
//   causal:     the output at frame t predicts frame t + 1;
//   masked:     whole frames are replaced by a learned mask vector and the
//               output at those frames reconstructs them;
//   autoencode: the output at every frame reconstructs that frame.

#include <cstdint>
#include <string_view>

#include "core/models/encoder.h"
#include "core/nn/linear.h"

namespace core {

enum class PretrainObjective { kCausal, kMasked, kAutoencode };

// "causal", "masked", "autoencode"; the parser throws std::invalid_argument.
const char* objective_name(PretrainObjective objective);
PretrainObjective parse_objective(std::string_view name);

// Which frames masked modelling hides: each with probability `ratio`, at
// least one per window, drawn from (seed, step) alone. [B * L] flags.
std::vector<uint8_t> draw_frame_mask(int64_t windows, int64_t frames, double ratio, uint64_t seed,
                                     uint64_t step);

class PretrainingModel {
 public:
  PretrainingModel(const EncoderConfig& config, PretrainObjective objective, uint64_t seed,
                   double mask_ratio = 0.2);

  Encoder& encoder() { return encoder_; }
  Linear& reconstruction() { return reconstruction_; }
  PretrainObjective objective() const { return objective_; }

  // The loss on a batch (x, seconds; any mask in `batch` is replaced). With
  // `accumulate_grad`, also backpropagates it into the parameters' grads.
  double loss(WindowBatch batch, const ForwardMode& mode, bool accumulate_grad);

  std::vector<Parameter*> parameters();
  void zero_grad();

 private:
  Encoder encoder_;
  Linear reconstruction_;  // D -> P
  PretrainObjective objective_;
  double mask_ratio_;
};

}  // namespace core
