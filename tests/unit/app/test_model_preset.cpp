// Presets' fine-tuning settings: the head warm-up is read from [finetune],
// defaults to none, and is rejected where it is out of range or meaningless.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "app/jobs/model_preset.h"
#include "error_of.h"
#include "temp_dir.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kEncoder = R"([encoder]
mixer = "longconv"
dim = 16
layers = 1
max_frames = 16
)";

// A preset file of kEncoder followed by the settings a test writes.
class ModelPreset : public ::testing::Test {
 protected:
  std::filesystem::path write_preset(const std::string& settings) const {
    std::ofstream(file()) << kEncoder << settings;
    return file();
  }
  // What loading the preset with these settings throws; "" when it loads.
  std::string load_error(const std::string& settings) const {
    const auto preset = write_preset(settings);
    return neuroseq_test::error_of<std::runtime_error>([&] { jobs::load_preset(preset.string()); });
  }
  std::filesystem::path file() const { return dir_ / "preset.toml"; }

 private:
  neuroseq_test::TempDir dir_{"preset"};
};

TEST_F(ModelPreset, HeadWarmupStepsAreReadFromFinetune) {
  const auto file = write_preset("[finetune]\nsteps = 500\nhead_warmup_steps = 200\n");
  const auto preset = jobs::load_preset(file.string());
  EXPECT_EQ(preset.finetune.head_warmup_steps, 200);
  EXPECT_EQ(preset.finetune.steps, 500);
  EXPECT_EQ(preset.pretrain.head_warmup_steps, 0);
}

TEST_F(ModelPreset, HeadWarmupDefaultsToNone) {
  const auto file = write_preset("[finetune]\nsteps = 500\n");
  EXPECT_EQ(jobs::load_preset(file.string()).finetune.head_warmup_steps, 0);
}

TEST_F(ModelPreset, NegativeHeadWarmupIsOneLineNamingFileAndKey) {
  const std::string message = load_error("[finetune]\nhead_warmup_steps = -5\n");
  EXPECT_THAT(message, HasSubstr(file().string()));
  EXPECT_THAT(message, HasSubstr("[finetune]"));
  EXPECT_THAT(message, HasSubstr("head_warmup_steps"));
  EXPECT_THAT(message, HasSubstr("-5"));
  EXPECT_THAT(message, Not(HasSubstr("\n")));
}

TEST_F(ModelPreset, HeadWarmupOfTheWrongTypeIsRejected) {
  const std::string message = load_error("[finetune]\nhead_warmup_steps = 2.5\n");
  EXPECT_THAT(message, HasSubstr("head_warmup_steps"));
  EXPECT_THAT(message, HasSubstr("wrong type"));
}

TEST_F(ModelPreset, HeadWarmupIsUnknownToPretraining) {
  // Pretraining has no classifier head to warm up.
  const std::string message = load_error("[pretrain]\nhead_warmup_steps = 10\n");
  EXPECT_THAT(message, HasSubstr("[pretrain]"));
  EXPECT_THAT(message, HasSubstr("unknown key 'head_warmup_steps'"));
}

TEST_F(ModelPreset, PoolingIsReadFromFinetuneAndResolvedForTheEncoder) {
  const auto preset = jobs::load_preset(write_preset("[finetune]\npooling = \"mean\"\n").string());
  EXPECT_EQ(preset.finetune.pooling, "mean");
  core::EncoderConfig causal;
  EXPECT_EQ(jobs::decoder_pooling(preset.finetune, causal), core::Pooling::kMean);
  jobs::TrainingSettings automatic;
  EXPECT_EQ(jobs::decoder_pooling(automatic, causal), core::Pooling::kLast);
  core::EncoderConfig bidirectional;
  bidirectional.bidirectional = true;
  EXPECT_EQ(jobs::decoder_pooling(automatic, bidirectional), core::Pooling::kMean);
}

TEST_F(ModelPreset, UnknownPoolingIsOneLineNamingFileAndValue) {
  const std::string message = load_error("[finetune]\npooling = \"max\"\n");
  EXPECT_THAT(message, HasSubstr(file().string()));
  EXPECT_THAT(message, HasSubstr("'pooling' must be auto, last or mean, not 'max'"));
  EXPECT_THAT(message, Not(HasSubstr("\n")));
  EXPECT_THAT(load_error("[pretrain]\npooling = \"mean\"\n"), HasSubstr("unknown key 'pooling'"));
}

TEST_F(ModelPreset, ShippedPresetsLoad) {
  for (const auto& name : jobs::preset_names()) {
    SCOPED_TRACE(name);
    const auto preset = jobs::load_preset(name);
    EXPECT_GE(preset.finetune.head_warmup_steps, 0);
    EXPECT_GE(preset.finetune.steps, 1);
  }
}

}  // namespace
