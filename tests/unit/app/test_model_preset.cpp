// Presets' fine-tuning settings: the head warm-up is read from [finetune],
// defaults to none, and is rejected where it is out of range or meaningless.

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "app/jobs/model_preset.h"
#include "temp_dir.h"

namespace {

constexpr const char* kEncoder = R"([encoder]
mixer = "longconv"
dim = 16
layers = 1
max_frames = 16
)";

std::filesystem::path write_preset(const neuroseq_test::TempDir& dir, const std::string& text) {
  const auto file = dir / "preset.toml";
  std::ofstream(file) << kEncoder << text;
  return file;
}

std::string error_of(const std::filesystem::path& file) {
  try {
    jobs::load_preset(file.string());
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(ModelPreset, HeadWarmupStepsAreReadFromFinetune) {
  neuroseq_test::TempDir dir("preset");
  const auto file = write_preset(dir, "[finetune]\nsteps = 500\nhead_warmup_steps = 200\n");
  const auto preset = jobs::load_preset(file.string());
  EXPECT_EQ(preset.finetune.head_warmup_steps, 200);
  EXPECT_EQ(preset.finetune.steps, 500);
  EXPECT_EQ(preset.pretrain.head_warmup_steps, 0);
}

TEST(ModelPreset, HeadWarmupDefaultsToNone) {
  neuroseq_test::TempDir dir("preset");
  const auto file = write_preset(dir, "[finetune]\nsteps = 500\n");
  EXPECT_EQ(jobs::load_preset(file.string()).finetune.head_warmup_steps, 0);
}

TEST(ModelPreset, NegativeHeadWarmupIsOneLineNamingFileAndKey) {
  neuroseq_test::TempDir dir("preset");
  const auto file = write_preset(dir, "[finetune]\nhead_warmup_steps = -5\n");
  const std::string message = error_of(file);
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("[finetune]"), std::string::npos) << message;
  EXPECT_NE(message.find("head_warmup_steps"), std::string::npos) << message;
  EXPECT_NE(message.find("-5"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(ModelPreset, HeadWarmupOfTheWrongTypeIsRejected) {
  neuroseq_test::TempDir dir("preset");
  const auto file = write_preset(dir, "[finetune]\nhead_warmup_steps = 2.5\n");
  const std::string message = error_of(file);
  EXPECT_NE(message.find("head_warmup_steps"), std::string::npos) << message;
  EXPECT_NE(message.find("wrong type"), std::string::npos) << message;
}

TEST(ModelPreset, HeadWarmupIsUnknownToPretraining) {
  // Pretraining has no classifier head to warm up.
  neuroseq_test::TempDir dir("preset");
  const auto file = write_preset(dir, "[pretrain]\nhead_warmup_steps = 10\n");
  const std::string message = error_of(file);
  EXPECT_NE(message.find("[pretrain]"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key 'head_warmup_steps'"), std::string::npos) << message;
}

TEST(ModelPreset, ShippedPresetsLoad) {
  for (const auto& name : jobs::preset_names()) {
    SCOPED_TRACE(name);
    const auto preset = jobs::load_preset(name);
    EXPECT_GE(preset.finetune.head_warmup_steps, 0);
    EXPECT_GE(preset.finetune.steps, 1);
  }
}

}  // namespace
