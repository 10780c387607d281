#include "core/models/encoder_blocks.h"

#include "core/nn/activations.h"
#include "core/nn/causal_attention.h"
#include "core/nn/dropout.h"
#include "core/nn/hyena.h"
#include "core/nn/layer_norm.h"
#include "core/nn/linear.h"
#include "core/nn/long_conv.h"
#include "core/nn/residual.h"
#include "core/nn/s4d.h"
#include "core/nn/seeds.h"

namespace core {

namespace {

// Dropout streams: 1 is the input embedding's, then 4 per block, so that no
// two dropout layers draw the same mask.
constexpr uint64_t kStreamsPerBlock = 4;

}  // namespace

std::unique_ptr<Module> make_mixer(const EncoderConfig& config, const std::string& name,
                                   uint64_t seed, uint64_t dropout_stream) {
  auto mixer = std::make_unique<Sequential>(name);
  const int64_t d = config.dim;
  switch (config.mixer) {
    case MixerKind::kLongConv: {
      LongConvConfig conv;
      conv.channels = d;
      conv.length = config.max_frames;
      conv.bidirectional = config.bidirectional;
      conv.smooth = config.smooth_window > 1;
      conv.smooth_window = config.smooth_window;
      conv.squash_lambda = config.squash_lambda;
      conv.kernel_dropout = config.kernel_dropout;
      conv.dropout_stream = dropout_stream + 1;
      conv.kernel_lr_scale = config.kernel_lr_scale;
      mixer->emplace<LongConv>(name + ".conv", conv, submodule_seed(seed, 0));
      mixer->emplace<Gelu>(name + ".gelu");
      mixer->emplace<Linear>(name + ".out", d, d, submodule_seed(seed, 1));
      break;
    }
    case MixerKind::kS4D: {
      S4DConfig ssm;
      ssm.channels = d;
      ssm.state_size = config.s4d_state;
      ssm.ssm_lr_scale = config.kernel_lr_scale;
      mixer->emplace<S4D>(name + ".ssm", ssm, submodule_seed(seed, 0));
      mixer->emplace<Gelu>(name + ".gelu");
      mixer->emplace<Linear>(name + ".out", d, d, submodule_seed(seed, 1));
      break;
    }
    case MixerKind::kHyena: {
      HyenaConfig hyena;
      hyena.dim = d;
      hyena.max_length = config.max_frames;
      hyena.filter_width = config.hyena_filter_width;
      mixer->emplace<Hyena>(name + ".hyena", hyena, submodule_seed(seed, 0));
      break;
    }
    case MixerKind::kAttention:
      mixer->emplace<CausalAttention>(name + ".attn", d, config.heads, submodule_seed(seed, 0));
      break;
  }
  mixer->emplace<Dropout>(name + ".dropout", config.dropout, dropout_stream);
  return mixer;
}

void add_encoder_blocks(Sequential& blocks, const EncoderConfig& config, uint64_t seed) {
  const int64_t d = config.dim;
  for (int64_t i = 0; i < config.layers; ++i) {
    const std::string prefix = blocks.name() + "." + std::to_string(i);
    const uint64_t block_seed = submodule_seed(seed, static_cast<uint64_t>(i));
    const uint64_t stream = 2 + kStreamsPerBlock * static_cast<uint64_t>(i);

    auto mix = std::make_unique<Sequential>(prefix + ".mix");
    mix->emplace<LayerNorm>(prefix + ".mix.norm", d);
    mix->add(make_mixer(config, prefix + ".mix.mixer", submodule_seed(block_seed, 0), stream));
    blocks.emplace<Residual>(prefix + ".mix_residual", std::move(mix));

    auto mlp = std::make_unique<Sequential>(prefix + ".mlp");
    const int64_t hidden = config.mlp_ratio * d;
    mlp->emplace<LayerNorm>(prefix + ".mlp.norm", d);
    mlp->emplace<Linear>(prefix + ".mlp.fc1", d, hidden, submodule_seed(block_seed, 1));
    mlp->emplace<Gelu>(prefix + ".mlp.gelu");
    mlp->emplace<Linear>(prefix + ".mlp.fc2", hidden, d, submodule_seed(block_seed, 2));
    mlp->emplace<Dropout>(prefix + ".mlp.dropout", config.dropout, stream + 2);
    blocks.emplace<Residual>(prefix + ".mlp_residual", std::move(mlp));
  }
}

}  // namespace core
