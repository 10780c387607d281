#pragma once
// Model presets (resources/presets/<name>.toml): an encoder architecture with
// the training settings that suit it, for pretraining and for decoding.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/models/encoder_config.h"
#include "core/models/pretraining.h"
#include "core/models/window_classifier.h"
#include "core/train/trainer.h"

namespace jobs {

struct TrainingSettings {
  int64_t steps = 1000;
  int64_t batch = 32;
  double lr = 1e-3;
  double min_lr = 0.0;
  int64_t warmup_steps = 50;
  double weight_decay = 0.01;
  double clip_norm = 1.0;
  // Fine-tuning a pretrained encoder: its learning rate relative to the
  // head's, so that a fresh head does not wash out what pretraining learnt.
  double encoder_lr_scale = 1.0;
  // Fine-tuning only: steps that train the classifier head alone, the
  // encoder held fixed, before `steps` of training everything (linear
  // probing then fine-tuning, Kumar et al. 2022): a head that already
  // separates the states sends the encoder informative gradients rather than
  // a random head's. 0: everything trains from the first step.
  int64_t head_warmup_steps = 0;
  // Fine-tuning only: how the classifier pools the encoder's output over the
  // window: "last", "mean", or "auto" (the last position for causal
  // encoders, the mean for bidirectional ones).
  std::string pooling = "auto";
};

struct ModelPreset {
  std::string name;
  std::filesystem::path file;
  core::EncoderConfig encoder;  // parcels is 0: the atlas decides it
  core::PretrainObjective objective = core::PretrainObjective::kCausal;
  double mask_ratio = 0.2;
  TrainingSettings pretrain;
  TrainingSettings finetune;
};

// `name_or_file`: a preset name ("longconv-small") looked up in the
// resources' presets folder, or a path to a .toml file. Throws
// std::runtime_error "<file>: <problem>" for a missing or malformed preset
// (unknown keys included).
ModelPreset load_preset(const std::string& name_or_file);

// The trainer's options for these settings and `seed`; a warm-up longer than
// the run (steps overridden on the command line) is shortened to fit.
core::TrainerOptions trainer_options(const TrainingSettings& settings, uint64_t seed);

// The pooling `settings` ask for with this encoder ("auto" resolved).
core::Pooling decoder_pooling(const TrainingSettings& settings, const core::EncoderConfig& encoder);

// The names of the shipped presets, sorted.
std::vector<std::string> preset_names();

}  // namespace jobs
