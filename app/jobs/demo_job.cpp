#include "app/jobs/demo_job.h"

#include <cstdio>
#include <stdexcept>

#include "app/jobs/encoder_model.h"
#include "app/jobs/provenance.h"
#include "app/jobs/resources.h"
#include "app/jobs/simulate_job.h"
#include "core/io/atomic_file.h"

namespace jobs {

namespace {

std::string score_row(const std::string& model, const DecodingSummary& d) {
  char line[512];
  std::snprintf(line, sizeof(line), "| %s | %ld | %.3f | %.3f | %.3f | %.2g |\n", model.c_str(),
                d.windows, d.scores.accuracy, d.scores.balanced_accuracy, d.scores.macro_f1,
                d.binomial_p);
  return line;
}

std::string confusion_table(const DecodingSummary& d) {
  std::string text = "|  |";
  for (const auto& st : d.states)
    text += " " + st + " |";
  text += "\n|---|";
  for (size_t i = 0; i < d.states.size(); ++i)
    text += "---|";
  text += "\n";
  const size_t k = d.states.size();
  for (size_t a = 0; a < k; ++a) {
    text += "| " + d.states[a] + " |";
    for (size_t b = 0; b < k; ++b)
      text += " " + std::to_string(d.scores.confusion[a * k + b]) + " |";
    text += "\n";
  }
  return text;
}

std::string format_report(const DemoConfig& config, const DemoResult& r) {
  const auto& s = r.simulation;
  std::string text;
  char line[512];
  text += "# NeuroSeq demo\n\n";
  std::snprintf(line, sizeof(line),
                "Simulated %zu subjects on %s (%s atlas, %.0f mm voxels, %lld x %lld x %lld), "
                "seed %llu; %zu runs.\n\n",
                s.subjects.size(), s.used_template ? "the ch2 template" : "the built-in phantom",
                s.atlas.c_str(), s.voxel_size_mm, static_cast<long long>(s.dims[0]),
                static_cast<long long>(s.dims[1]), static_cast<long long>(s.dims[2]),
                static_cast<unsigned long long>(config.seed), s.runs.size());
  text += line;
  text += "## Decoding held-out subjects (leave one subject out)\n\n";
  std::snprintf(line, sizeof(line), "%zu states, chance %.3f.\n\n", r.linear.states.size(),
                r.linear.chance);
  text += line;
  text +=
      "| model | test windows | accuracy | balanced accuracy | macro-F1 | binomial p |\n"
      "|---|---|---|---|---|---|\n";
  text += score_row("linear (logistic regression on window means)", r.linear);
  text += score_row("long-conv encoder, pretrained (shipped) and fine-tuned", r.encoder.summary);
  text += "\nConfusion matrix of the fine-tuned encoder (rows: true state, columns: decoded):\n\n";
  text += confusion_table(r.encoder.summary);
  const std::string encoder_files = "model-" + r.encoder.summary.model;
  text += "\n## Files\n\n";
  text += "- `dataset/`: the simulated fMRIPrep-style dataset; ground truth in `dataset/sim/`\n";
  text +=
      "- `decoding/model-linear_*`: the linear baseline's scores (JSON), confusion matrix and "
      "predictions (TSV)\n";
  text += "- `decoding/" + encoder_files + "_*`: the same for the encoder, and `" + encoder_files +
          "_timeline.tsv`, the decoded state at every frame of each test run\n";
  text += "\nNeuroSeq " + neuroseq_version() + "\n";
  return text;
}

}  // namespace

std::filesystem::path shipped_model() {
  return resources_dir() / "models" / kShippedModel / "model.safetensors";
}

DemoResult run_demo(const DemoConfig& config, const JobContext& context) {
  const auto model = config.model.empty() ? shipped_model() : config.model;
  // Fail before simulating when the encoder cannot be read.
  const PretrainedEncoder pretrained = load_pretrained_encoder(model);

  DemoResult result;
  neuro::SimulationOptions sim;
  sim.output_root = config.output / "dataset";
  sim.overwrite = config.overwrite;
  sim.subjects = config.subjects;
  sim.seed = config.seed;
  result.simulation = run_simulate(sim, context.slice(0.0, 0.4));
  context.note("simulated " + std::to_string(result.simulation.runs.size()) + " runs into " +
               sim.output_root.string());

  SeriesRecipe recipe;
  recipe.atlas = result.simulation.atlas_image;
  recipe.atlas_names = result.simulation.atlas_table;
  recipe.clean.filter = neuro::CleanOptions::Filter::kCosine;
  recipe.clean.high_pass_hz = 0.008;

  LinearDecodeConfig linear;
  linear.dataset = sim.output_root;
  linear.recipe = recipe;
  linear.output = config.output / "decoding";
  linear.permutations = 100;
  linear.seed = config.seed;
  result.linear = run_decode_linear(linear, context.slice(0.4, 0.55));

  EncoderDecodeConfig encoder;
  encoder.dataset = sim.output_root;
  encoder.recipe = recipe;
  encoder.pretrained = model;
  encoder.preset = pretrained.preset.empty() ? kShippedModel : pretrained.preset;
  encoder.steps = config.finetune_steps;
  encoder.seed = config.seed;
  encoder.output = config.output / "decoding";
  result.encoder = run_decode_encoder(encoder, context.slice(0.55, 0.98));

  result.report = config.output / "report.md";
  core::write_text_atomically(result.report, format_report(config, result));
  context.report(1.0, "wrote " + result.report.string());
  return result;
}

}  // namespace jobs
