#pragma once
// What defines an encoder's architecture, written into every checkpoint so
// that a model is rebuilt exactly as it was trained.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace core {

enum class MixerKind { kLongConv, kS4D, kHyena, kAttention };

// "longconv", "s4d", "hyena", "attention"; the parser throws
// std::invalid_argument naming the accepted values.
const char* mixer_name(MixerKind kind);
MixerKind parse_mixer(std::string_view name);

struct EncoderConfig {
  int64_t parcels = 0;  // P: the atlas's regions, the input's last dimension
  int64_t dim = 64;     // D
  int64_t layers = 2;   // N residual blocks of [mixer + MLP]
  MixerKind mixer = MixerKind::kLongConv;
  int64_t mlp_ratio = 2;  // the MLP's hidden width is mlp_ratio * D
  float dropout = 0.1f;
  int64_t max_frames = 64;  // the longest window, in frames

  // The time embedding: one learned vector per `time_step_seconds` of
  // elapsed time since a window's first frame, linearly interpolated, so
  // that runs with different TRs share it.
  double time_step_seconds = 1.0;
  double max_seconds = 128.0;

  // Mixer settings.
  bool bidirectional = false;  // long conv only; every other mixer is causal
  float squash_lambda = 0.003f;
  int64_t smooth_window = 7;
  float kernel_dropout = 0.0f;
  float kernel_lr_scale = 0.1f;
  int64_t s4d_state = 64;
  int64_t heads = 4;
  int64_t hyena_filter_width = 32;

  // Whether each position sees only the frames up to it (every mixer but the
  // bidirectional long convolution).
  bool causal() const { return !(mixer == MixerKind::kLongConv && bidirectional); }
  int64_t time_bins() const;
};

// Throws std::invalid_argument("encoder config: <field> <problem>").
void validate(const EncoderConfig& config);

nlohmann::json to_json(const EncoderConfig& config);
// Strict: every field present with its type; unknown fields are refused.
// Throws std::invalid_argument("encoder config: <problem>").
EncoderConfig encoder_config_from_json(const nlohmann::json& json);

}  // namespace core
