#include "app/jobs/encoder_model.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/models/model_io.h"

namespace jobs {

PretrainedEncoder load_pretrained_encoder(const std::filesystem::path& file) {
  const std::string source = file.string();
  if (!std::filesystem::is_regular_file(file)) {
    throw std::runtime_error(source + ": no such model file");
  }
  core::Checkpoint checkpoint = core::load_checkpoint(file);
  if (checkpoint.config.value("kind", std::string()) != kPretrainedKind) {
    throw std::runtime_error(source + ": not a pretrained NeuroSeq encoder (config kind is not " +
                             std::string(kPretrainedKind) + ")");
  }
  PretrainedEncoder model;
  model.file = file;
  model.config = core::encoder_config_of(checkpoint, source);
  try {
    model.parcels = checkpoint.config.at("parcels").get<std::vector<std::string>>();
    model.objective = checkpoint.config.at("objective").get<std::string>();
    model.preset = checkpoint.config.value("preset", std::string());
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(source + ": the config lacks its parcel names or objective");
  }
  if (static_cast<int64_t>(model.parcels.size()) != model.config.parcels) {
    throw std::runtime_error(source + ": " + std::to_string(model.parcels.size()) +
                             " parcel names for an encoder of " +
                             std::to_string(model.config.parcels) + " inputs");
  }
  model.weights = std::move(checkpoint.weights);
  return model;
}

void require_same_parcels(const std::filesystem::path& model_file,
                          const std::vector<std::string>& model_parcels,
                          const neuro::ParcelSeries& series, const std::string& atlas) {
  const std::string source = model_file.string();
  if (series.parcels != static_cast<int64_t>(model_parcels.size())) {
    throw std::runtime_error(source + ": the model takes " + std::to_string(model_parcels.size()) +
                             " parcels, the atlas " + atlas + " gives " +
                             std::to_string(series.parcels));
  }
  for (size_t i = 0; i < model_parcels.size(); ++i) {
    if (series.names[i] != model_parcels[i]) {
      throw std::runtime_error(source + ": parcel " + std::to_string(i + 1) + " is '" +
                               model_parcels[i] + "' in the model and '" + series.names[i] +
                               "' in the atlas " + atlas);
    }
  }
}

}  // namespace jobs
