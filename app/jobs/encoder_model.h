#pragma once
// A pretrained encoder on disk: its weights, its architecture, and the parcels
// it was trained on, so that a decoder built on it refuses data extracted with
// another atlas instead of silently mixing up regions.

#include <filesystem>
#include <string>
#include <vector>

#include "core/io/safetensors.h"
#include "core/models/encoder_config.h"
#include "neuro/series/parcel_series.h"

namespace jobs {

inline constexpr const char* kPretrainedKind = "neuroseq-pretrained-encoder";

struct PretrainedEncoder {
  std::filesystem::path file;
  core::EncoderConfig config;
  std::vector<std::string> parcels;  // names, in input order
  std::string objective;
  std::string preset;  // the preset it was pretrained from
  core::SafetensorsContents weights;
};

// Throws std::runtime_error "<file>: <problem>" for a missing, corrupt or
// foreign checkpoint.
PretrainedEncoder load_pretrained_encoder(const std::filesystem::path& file);

// Throws std::runtime_error "<model file>: <problem>" unless `series` has the
// model's parcels, by count and by name.
void require_same_parcels(const std::filesystem::path& model_file,
                          const std::vector<std::string>& model_parcels,
                          const neuro::ParcelSeries& series, const std::string& atlas);

}  // namespace jobs
