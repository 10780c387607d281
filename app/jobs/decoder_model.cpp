#include "app/jobs/decoder_model.h"

#include <stdexcept>

#include "core/io/safetensors.h"
#include "core/models/model_io.h"

namespace jobs {

void save_decoder(const std::filesystem::path& file, core::WindowClassifier& model,
                  const std::vector<std::string>& states, const std::vector<std::string>& parcels,
                  int64_t window_frames, const nlohmann::json& extra) {
  nlohmann::json config = extra;
  config["kind"] = kDecoderKind;
  config["encoder"] = core::to_json(model.encoder().config());
  config["states"] = states;
  config["parcels"] = parcels;
  config["window_frames"] = window_frames;
  config["pooling"] = core::to_string(model.pooling());
  core::save_checkpoint(file, core::parameter_tensors(model.parameters()), config);
}

Decoder load_decoder(const std::filesystem::path& file) {
  const std::string source = file.string();
  if (!std::filesystem::is_regular_file(file)) {
    throw std::runtime_error(source + ": no such decoder file");
  }
  core::Checkpoint checkpoint = core::load_checkpoint(file);
  if (checkpoint.config.value("kind", std::string()) != kDecoderKind) {
    throw std::runtime_error(source + ": not a NeuroSeq decoder (config kind is not " +
                             std::string(kDecoderKind) + ")");
  }
  Decoder d;
  d.file = file;
  const core::EncoderConfig encoder = core::encoder_config_of(checkpoint, source);
  try {
    d.states = checkpoint.config.at("states").get<std::vector<std::string>>();
    d.parcels = checkpoint.config.at("parcels").get<std::vector<std::string>>();
    d.window_frames = checkpoint.config.at("window_frames").get<int64_t>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(source + ": the config lacks its states, parcels or window length");
  }
  if (d.states.size() < 2 || static_cast<int64_t>(d.parcels.size()) != encoder.parcels ||
      d.window_frames < 1 || d.window_frames > encoder.max_frames) {
    throw std::runtime_error(source + ": inconsistent states, parcels or window length");
  }
  // Decoders saved before the pooling was recorded used the encoder's default.
  core::Pooling pooling = core::default_pooling(encoder);
  if (checkpoint.config.contains("pooling")) {
    try {
      pooling = core::pooling_from_string(checkpoint.config.at("pooling").get<std::string>());
    } catch (const std::exception& e) {
      throw std::runtime_error(source + ": " + e.what());
    }
  }
  d.model = std::make_unique<core::WindowClassifier>(encoder, static_cast<int64_t>(d.states.size()),
                                                     0, pooling);
  core::load_parameters(checkpoint.weights, d.model->parameters(), source);
  d.config = std::move(checkpoint.config);
  return d;
}

}  // namespace jobs
