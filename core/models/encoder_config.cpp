#include "core/models/encoder_config.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

namespace core {

namespace {

constexpr MixerKind kMixers[] = {MixerKind::kLongConv, MixerKind::kS4D, MixerKind::kHyena,
                                 MixerKind::kAttention};

[[noreturn]] void fail(const std::string& what) {
  throw std::invalid_argument("encoder config: " + what);
}

void require(bool ok, const char* field, const std::string& problem) {
  if (!ok) fail(std::string(field) + " " + problem);
}

template <typename T>
T field(const nlohmann::json& json, const char* key) {
  if (!json.contains(key)) fail(std::string("missing field ") + key);
  const auto& v = json.at(key);
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) fail(std::string(key) + " must be true or false");
  } else if constexpr (std::is_integral_v<T>) {
    if (!v.is_number_integer()) fail(std::string(key) + " must be an integer");
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) fail(std::string(key) + " must be a number");
  } else {
    if (!v.is_string()) fail(std::string(key) + " must be a string");
  }
  return v.get<T>();
}

}  // namespace

const char* mixer_name(MixerKind kind) {
  switch (kind) {
    case MixerKind::kLongConv:
      return "longconv";
    case MixerKind::kS4D:
      return "s4d";
    case MixerKind::kHyena:
      return "hyena";
    case MixerKind::kAttention:
      return "attention";
  }
  return "?";
}

MixerKind parse_mixer(std::string_view name) {
  for (MixerKind kind : kMixers)
    if (name == mixer_name(kind)) return kind;
  throw std::invalid_argument("unknown mixer '" + std::string(name) +
                              "' (expected longconv, s4d, hyena or attention)");
}

int64_t EncoderConfig::time_bins() const {
  return static_cast<int64_t>(std::ceil(max_seconds / time_step_seconds)) + 1;
}

void validate(const EncoderConfig& c) {
  require(c.parcels >= 1, "parcels", "must be >= 1, got " + std::to_string(c.parcels));
  require(c.dim >= 1, "dim", "must be >= 1, got " + std::to_string(c.dim));
  require(c.layers >= 1, "layers", "must be >= 1, got " + std::to_string(c.layers));
  require(c.mlp_ratio >= 1, "mlp_ratio", "must be >= 1");
  require(c.dropout >= 0.0f && c.dropout < 1.0f, "dropout", "must be in [0, 1)");
  require(c.max_frames >= 2, "max_frames", "must be >= 2");
  require(c.time_step_seconds > 0 && std::isfinite(c.time_step_seconds), "time_step_seconds",
          "must be > 0");
  require(c.max_seconds > 0 && c.max_seconds / c.time_step_seconds <= 1e6, "max_seconds",
          "must be > 0 and at most 1e6 time steps");
  require(c.smooth_window >= 1 && c.smooth_window % 2 == 1, "smooth_window", "must be odd");
  require(c.squash_lambda >= 0.0f, "squash_lambda", "must be >= 0");
  require(c.kernel_dropout >= 0.0f && c.kernel_dropout < 1.0f, "kernel_dropout",
          "must be in [0, 1)");
  require(c.kernel_lr_scale > 0.0f, "kernel_lr_scale", "must be > 0");
  require(c.s4d_state >= 2 && c.s4d_state % 2 == 0, "s4d_state", "must be even and >= 2");
  // Only attention splits D into heads: other mixers must not be refused for it.
  require(c.heads >= 1, "heads", "must be >= 1");
  require(c.mixer != MixerKind::kAttention || c.dim % c.heads == 0, "heads", "must divide dim");
  require(c.hyena_filter_width >= 1, "hyena_filter_width", "must be >= 1");
}

nlohmann::json to_json(const EncoderConfig& c) {
  return nlohmann::json{{"parcels", c.parcels},
                        {"dim", c.dim},
                        {"layers", c.layers},
                        {"mixer", mixer_name(c.mixer)},
                        {"mlp_ratio", c.mlp_ratio},
                        {"dropout", c.dropout},
                        {"max_frames", c.max_frames},
                        {"time_step_seconds", c.time_step_seconds},
                        {"max_seconds", c.max_seconds},
                        {"bidirectional", c.bidirectional},
                        {"squash_lambda", c.squash_lambda},
                        {"smooth_window", c.smooth_window},
                        {"kernel_dropout", c.kernel_dropout},
                        {"kernel_lr_scale", c.kernel_lr_scale},
                        {"s4d_state", c.s4d_state},
                        {"heads", c.heads},
                        {"hyena_filter_width", c.hyena_filter_width}};
}

EncoderConfig encoder_config_from_json(const nlohmann::json& json) {
  if (!json.is_object()) fail("expected a JSON object");
  static const std::set<std::string> known{"parcels",
                                           "dim",
                                           "layers",
                                           "mixer",
                                           "mlp_ratio",
                                           "dropout",
                                           "max_frames",
                                           "time_step_seconds",
                                           "max_seconds",
                                           "bidirectional",
                                           "squash_lambda",
                                           "smooth_window",
                                           "kernel_dropout",
                                           "kernel_lr_scale",
                                           "s4d_state",
                                           "heads",
                                           "hyena_filter_width"};
  for (const auto& [key, value] : json.items())
    if (!known.contains(key)) fail("unknown field " + key);
  EncoderConfig c;
  c.parcels = field<int64_t>(json, "parcels");
  c.dim = field<int64_t>(json, "dim");
  c.layers = field<int64_t>(json, "layers");
  try {
    c.mixer = parse_mixer(field<std::string>(json, "mixer"));
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).starts_with("encoder config")) throw;
    fail(e.what());
  }
  c.mlp_ratio = field<int64_t>(json, "mlp_ratio");
  c.dropout = field<float>(json, "dropout");
  c.max_frames = field<int64_t>(json, "max_frames");
  c.time_step_seconds = field<double>(json, "time_step_seconds");
  c.max_seconds = field<double>(json, "max_seconds");
  c.bidirectional = field<bool>(json, "bidirectional");
  c.squash_lambda = field<float>(json, "squash_lambda");
  c.smooth_window = field<int64_t>(json, "smooth_window");
  c.kernel_dropout = field<float>(json, "kernel_dropout");
  c.kernel_lr_scale = field<float>(json, "kernel_lr_scale");
  c.s4d_state = field<int64_t>(json, "s4d_state");
  c.heads = field<int64_t>(json, "heads");
  c.hyena_filter_width = field<int64_t>(json, "hyena_filter_width");
  validate(c);
  return c;
}

}  // namespace core
