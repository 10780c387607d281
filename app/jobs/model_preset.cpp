#include "app/jobs/model_preset.h"

#include <toml++/toml.h>
#include <algorithm>
#include <set>
#include <stdexcept>

#include "app/jobs/resources.h"

namespace jobs {

namespace {

std::filesystem::path presets_dir() {
  return resources_dir() / "presets";
}

struct TableReader {
  const toml::table& table;
  std::string where;  // "<file> [section]"

  void only(const std::set<std::string>& keys) const {
    for (const auto& [key, value] : table) {
      if (!keys.contains(std::string(key.str()))) {
        throw std::runtime_error(where + ": unknown key '" + std::string(key.str()) + "'");
      }
    }
  }
  template <typename T>
  void read(const char* key, T& out) const {
    const auto* node = table.get(key);
    if (!node) return;
    if constexpr (std::is_same_v<T, bool>) {
      if (auto v = node->value<bool>()) return void(out = *v);
    } else if constexpr (std::is_integral_v<T>) {
      if (node->is_integer()) return void(out = static_cast<T>(*node->value<int64_t>()));
    } else if constexpr (std::is_floating_point_v<T>) {
      if (auto v = node->value<double>()) return void(out = static_cast<T>(*v));
    } else {
      if (auto v = node->value<std::string>()) return void(out = *v);
    }
    throw std::runtime_error(where + ": '" + key + "' has the wrong type");
  }
};

const toml::table* section(const toml::table& root, const char* name, const std::string& file) {
  const auto* node = root.get(name);
  if (!node) return nullptr;
  if (!node->is_table()) throw std::runtime_error(file + ": [" + name + "] must be a table");
  return node->as_table();
}

// `fine_tuning`: the section may hold the settings that only fine-tuning has.
void read_training(const toml::table* table, const std::string& where, bool fine_tuning,
                   TrainingSettings& t) {
  if (!table) return;
  TableReader r{*table, where};
  std::set<std::string> keys{"steps",        "batch",        "lr",        "min_lr",
                             "warmup_steps", "weight_decay", "clip_norm", "encoder_lr_scale"};
  if (fine_tuning) {
    keys.insert("head_warmup_steps");
    keys.insert("pooling");
  }
  r.only(keys);
  r.read("steps", t.steps);
  r.read("batch", t.batch);
  r.read("lr", t.lr);
  r.read("min_lr", t.min_lr);
  r.read("warmup_steps", t.warmup_steps);
  r.read("weight_decay", t.weight_decay);
  r.read("clip_norm", t.clip_norm);
  r.read("encoder_lr_scale", t.encoder_lr_scale);
  r.read("head_warmup_steps", t.head_warmup_steps);
  r.read("pooling", t.pooling);
  if (t.steps < 1 || t.batch < 1 || !(t.lr > 0) || t.min_lr < 0 || t.min_lr > t.lr ||
      t.warmup_steps < 0 || t.warmup_steps >= t.steps || t.weight_decay < 0 || t.clip_norm < 0 ||
      !(t.encoder_lr_scale > 0)) {
    throw std::runtime_error(where +
                             ": settings out of range (steps >= 1, batch >= 1, lr > 0, "
                             "0 <= min_lr <= lr, 0 <= warmup_steps < steps, encoder_lr_scale > 0)");
  }
  if (t.pooling != "auto" && t.pooling != "last" && t.pooling != "mean") {
    throw std::runtime_error(where + ": 'pooling' must be auto, last or mean, not '" + t.pooling +
                             "'");
  }
  if (t.head_warmup_steps < 0) {
    throw std::runtime_error(where + ": 'head_warmup_steps' must be >= 0, not " +
                             std::to_string(t.head_warmup_steps));
  }
}

}  // namespace

core::TrainerOptions trainer_options(const TrainingSettings& settings, uint64_t seed) {
  core::TrainerOptions options;
  options.steps = settings.steps;
  options.schedule.peak_lr = settings.lr;
  options.schedule.min_lr = settings.min_lr;
  options.schedule.warmup_steps = std::min(settings.warmup_steps, settings.steps - 1);
  options.adamw.weight_decay = settings.weight_decay;
  options.clip_norm = settings.clip_norm;
  options.seed = seed;
  return options;
}

core::Pooling decoder_pooling(const TrainingSettings& settings,
                              const core::EncoderConfig& encoder) {
  if (settings.pooling == "auto") return core::default_pooling(encoder);
  return core::pooling_from_string(settings.pooling);
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(presets_dir(), ec))
    if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

ModelPreset load_preset(const std::string& name_or_file) {
  std::filesystem::path file = name_or_file;
  if (file.extension() != ".toml") file = presets_dir() / (name_or_file + ".toml");
  const std::string f = file.string();
  if (!std::filesystem::is_regular_file(file)) {
    std::string known;
    for (const auto& n : preset_names())
      known += (known.empty() ? "" : ", ") + n;
    throw std::runtime_error(f + ": no such preset (shipped: " + known + ")");
  }
  toml::table root;
  try {
    root = toml::parse_file(f);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(f + ": line " + std::to_string(e.source().begin.line) + ": " +
                             std::string(e.description()));
  }
  for (const auto& [key, value] : root) {
    const std::string k(key.str());
    if (k != "encoder" && k != "pretrain" && k != "finetune" && k != "description") {
      throw std::runtime_error(f + ": unknown section '" + k + "'");
    }
  }
  ModelPreset preset;
  preset.name = file.stem().string();
  preset.file = file;
  const auto* enc = section(root, "encoder", f);
  if (!enc) throw std::runtime_error(f + ": missing [encoder]");
  TableReader r{*enc, f + " [encoder]"};
  r.only({"mixer", "dim", "layers", "mlp_ratio", "dropout", "max_frames", "time_step_seconds",
          "max_seconds", "bidirectional", "squash_lambda", "smooth_window", "kernel_dropout",
          "kernel_lr_scale", "s4d_state", "heads", "hyena_filter_width", "objective",
          "mask_ratio"});
  auto& e = preset.encoder;
  std::string mixer = core::mixer_name(e.mixer), objective = "causal";
  r.read("mixer", mixer);
  r.read("dim", e.dim);
  r.read("layers", e.layers);
  r.read("mlp_ratio", e.mlp_ratio);
  r.read("dropout", e.dropout);
  r.read("max_frames", e.max_frames);
  r.read("time_step_seconds", e.time_step_seconds);
  r.read("max_seconds", e.max_seconds);
  r.read("bidirectional", e.bidirectional);
  r.read("squash_lambda", e.squash_lambda);
  r.read("smooth_window", e.smooth_window);
  r.read("kernel_dropout", e.kernel_dropout);
  r.read("kernel_lr_scale", e.kernel_lr_scale);
  r.read("s4d_state", e.s4d_state);
  r.read("heads", e.heads);
  r.read("hyena_filter_width", e.hyena_filter_width);
  r.read("objective", objective);
  r.read("mask_ratio", preset.mask_ratio);
  try {
    e.mixer = core::parse_mixer(mixer);
    preset.objective = core::parse_objective(objective);
    core::EncoderConfig check = e;
    check.parcels = 1;
    core::validate(check);
  } catch (const std::invalid_argument& err) {
    throw std::runtime_error(f + ": " + err.what());
  }
  read_training(section(root, "pretrain", f), f + " [pretrain]", false, preset.pretrain);
  read_training(section(root, "finetune", f), f + " [finetune]", true, preset.finetune);
  return preset;
}

}  // namespace jobs
