#pragma once
// A trained decoder on disk (`neuroseq train`): the window classifier's
// weights with what it needs to be applied again, in the same way: its
// states in order, the parcels it reads, its window length, and how the
// series were made.

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/models/window_classifier.h"

namespace jobs {

inline constexpr const char* kDecoderKind = "neuroseq-decoder";

struct Decoder {
  std::filesystem::path file;
  std::vector<std::string> states;
  std::vector<std::string> parcels;
  int64_t window_frames = 0;
  nlohmann::json config;  // everything in the checkpoint's JSON
  std::unique_ptr<core::WindowClassifier> model;
};

// `extra` is merged into the config (recipe, provenance, ...).
void save_decoder(const std::filesystem::path& file, core::WindowClassifier& model,
                  const std::vector<std::string>& states, const std::vector<std::string>& parcels,
                  int64_t window_frames, const nlohmann::json& extra);

// Throws std::runtime_error "<file>: <problem>" for a missing, corrupt or
// foreign checkpoint.
Decoder load_decoder(const std::filesystem::path& file);

}  // namespace jobs
