#include "core/models/pretraining.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/nn/seeds.h"
#include "core/random/philox.h"
#include "core/train/losses.h"

namespace core {

namespace {
constexpr uint64_t kMaskStream = 0x4D41534Bu;  // "MASK"
}

const char* objective_name(PretrainObjective objective) {
  switch (objective) {
    case PretrainObjective::kCausal:
      return "causal";
    case PretrainObjective::kMasked:
      return "masked";
    case PretrainObjective::kAutoencode:
      return "autoencode";
  }
  return "?";
}

PretrainObjective parse_objective(std::string_view name) {
  for (PretrainObjective o :
       {PretrainObjective::kCausal, PretrainObjective::kMasked, PretrainObjective::kAutoencode})
    if (name == objective_name(o)) return o;
  throw std::invalid_argument("unknown objective '" + std::string(name) +
                              "' (expected causal, masked or autoencode)");
}

std::vector<uint8_t> draw_frame_mask(int64_t windows, int64_t frames, double ratio, uint64_t seed,
                                     uint64_t step) {
  std::vector<uint8_t> mask(static_cast<size_t>(windows * frames), 0);
  RandomStream rng(seed ^ (step * 0x9E3779B97F4A7C15ull), kMaskStream);
  for (int64_t b = 0; b < windows; ++b) {
    bool any = false;
    for (int64_t t = 0; t < frames; ++t) {
      const bool hide = rng.uniform() < ratio;
      mask[static_cast<size_t>(b * frames + t)] = hide ? 1 : 0;
      any = any || hide;
    }
    if (!any)
      mask[static_cast<size_t>(b * frames +
                               static_cast<int64_t>(rng.below(static_cast<uint64_t>(frames))))] = 1;
  }
  return mask;
}

PretrainingModel::PretrainingModel(const EncoderConfig& config, PretrainObjective objective,
                                   uint64_t seed, double mask_ratio)
    : encoder_(config, submodule_seed(seed, 0)),
      reconstruction_("reconstruction", config.dim, config.parcels, submodule_seed(seed, 1)),
      objective_(objective),
      mask_ratio_(mask_ratio) {
  if (!(mask_ratio > 0.0 && mask_ratio < 1.0)) {
    throw std::invalid_argument("mask ratio must be in (0, 1), got " + std::to_string(mask_ratio));
  }
  // The output at frame t predicts frame t + 1: an encoder that looks ahead
  // would learn to copy it.
  if (objective == PretrainObjective::kCausal && !config.causal()) {
    throw std::invalid_argument(
        "causal pretraining needs a causal encoder (a bidirectional long convolution sees the "
        "frame it is asked to predict)");
  }
}

double PretrainingModel::loss(WindowBatch batch, const ForwardMode& mode, bool accumulate_grad) {
  const int64_t b = batch.x.size(0), l = batch.x.size(1), p = batch.x.size(2);
  Tensor target = batch.x;
  Tensor counted({b, l});  // which frames the loss counts
  batch.masked.clear();
  switch (objective_) {
    case PretrainObjective::kCausal: {
      if (l < 2) throw std::invalid_argument("causal pretraining needs windows of >= 2 frames");
      target = Tensor(batch.x.shape());
      for (int64_t i = 0; i < b; ++i) {
        const float* from = batch.x.data() + (i * l + 1) * p;
        std::copy_n(from, (l - 1) * p, target.data() + i * l * p);
        for (int64_t t = 0; t + 1 < l; ++t)
          counted.data()[i * l + t] = 1.0f;
      }
      break;
    }
    case PretrainObjective::kMasked:
      batch.masked = draw_frame_mask(b, l, mask_ratio_, mode.seed, mode.step);
      for (size_t i = 0; i < batch.masked.size(); ++i)
        counted.data()[i] = batch.masked[i];
      break;
    case PretrainObjective::kAutoencode:
      counted.fill(1.0f);
      break;
  }
  Context ctx;
  ctx.children.resize(2);
  const Tensor y = encoder_.forward(batch, ctx.children[0], mode);
  const Tensor pred = reconstruction_.forward(y, ctx.children[1], mode);  // [B, L, P]
  const LossResult result = masked_l1_loss(pred, target, counted);
  if (accumulate_grad) {
    const Tensor grad_y = reconstruction_.backward(result.grad, ctx.children[1]);
    encoder_.backward(grad_y, ctx.children[0]);
  }
  return result.value;
}

std::vector<Parameter*> PretrainingModel::parameters() {
  std::vector<Parameter*> out = encoder_.parameters();
  for (Parameter* p : reconstruction_.parameters())
    out.push_back(p);
  return out;
}

void PretrainingModel::zero_grad() {
  encoder_.zero_grad();
  reconstruction_.zero_grad();
}

}  // namespace core
