#include "app/jobs/demo_job.h"

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/jobs/encoder_model.h"
#include "app/jobs/explanation_report.h"
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

std::string method_row(const MethodScores& m) {
  char line[512];
  const std::string faithfulness = faithfulness_text(m);
  std::snprintf(line, sizeof(line), "| %s | %s | %s (%s) | %s | %s | %s |\n", m.method.c_str(),
                faithfulness.c_str(), score_text(m.deletion_auc).c_str(),
                score_text(m.random_deletion_auc).c_str(), score_text(m.ground_truth_auroc).c_str(),
                score_text(m.glm_r).c_str(), score_text(m.randomised_r).c_str());
  return line;
}

std::string subject_list(const std::vector<std::string>& subjects) {
  std::string text;
  for (const auto& s : subjects)
    text += (text.empty() ? "" : ", ") + s;
  return text;
}

std::string explanation_section(const DemoResult& r, const std::vector<std::string>& held_out) {
  const auto& e = r.explanation;
  std::string text = "\n## Explaining the decisions\n\n";
  char line[512];
  std::snprintf(line, sizeof(line),
                "A decoder fine-tuned from the shipped encoder on subjects %s (training accuracy "
                "%.3f) explains its decisions on subjects %s: %ld windows, %ld decoded "
                "correctly.\n\n",
                subject_list(r.decoder.subjects).c_str(), r.decoder.training_accuracy,
                subject_list(held_out).c_str(), e.windows, e.correct);
  text += line;
  text +=
      "Faithfulness: the fraction of parcels, occluded in order of relevance, at which accuracy "
      "falls to chance (lower is more faithful); deletion AUC of the explained logit (lower is "
      "better; random order in brackets). Plausibility: AUROC of the group map against the "
      "simulated regions, Pearson r with the group GLM z-map. The last column is the sanity "
      "check: r with the maps of a model with random weights (should be low).\n\n"
      "| method | faithfulness | deletion AUC (random) | ground-truth AUROC | r GLM | "
      "r randomised |\n|---|---|---|---|---|---|\n";
  for (const auto& m : e.methods)
    text += method_row(m);
  text +=
      "\nMaps per method and state (group, per subject, per frame, group z), cluster tables and "
      "plots: `explanations/`; the full report: `explanations/report.html`.\n";
  return text;
}

std::string format_report(const DemoConfig& config, const DemoResult& r,
                          const std::vector<std::string>& held_out) {
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
  text += explanation_section(r, held_out);
  const std::string encoder_files = "model-" + r.encoder.summary.model;
  text += "\n## Files\n\n";
  text += "- `dataset/`: the simulated fMRIPrep-style dataset; ground truth in `dataset/sim/`\n";
  text +=
      "- `decoding/model-linear_*`: the linear baseline's scores (JSON), confusion matrix and "
      "predictions (TSV)\n";
  text += "- `decoding/" + encoder_files + "_*`: the same for the encoder, and `" + encoder_files +
          "_timeline.tsv`, the decoded state at every frame of each test run\n";
  text += "- `decoder/`: the decoder that was explained (safetensors + JSON)\n";
  text += "- `explanations/`: attribution maps (NIfTI), cluster tables, plots and report.html\n";
  text += "\nNeuroSeq " + neuroseq_version() + "\n";
  return text;
}

}  // namespace

std::filesystem::path shipped_model() {
  return resources_dir() / "models" / kShippedModel / "model.safetensors";
}

DemoResult run_demo(const DemoConfig& config, const JobContext& context) {
  if (config.subjects < 4) {
    // Two to fine-tune the explained decoder, two for the group GLM it is
    // compared with.
    throw std::invalid_argument("demo: --subjects must be 4 or more, got " +
                                std::to_string(config.subjects));
  }
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
  result.encoder = run_decode_encoder(encoder, context.slice(0.55, 0.8));

  // Explanations need a decoder that never saw the subjects it explains, and
  // the GLM they are compared with needs two subjects: half and half.
  const auto& subjects = result.simulation.subjects;
  const auto half = static_cast<std::ptrdiff_t>(subjects.size() / 2);
  const std::vector<std::string> trained(subjects.begin(), subjects.begin() + half);
  const std::vector<std::string> held_out(subjects.begin() + half, subjects.end());
  TrainConfig train;
  train.dataset = sim.output_root;
  train.filters.subjects = trained;
  train.recipe = recipe;
  train.pretrained = model;
  train.preset = encoder.preset;
  train.steps = config.finetune_steps;
  train.seed = config.seed;
  train.output = config.output / "decoder";
  result.decoder = run_train(train, context.slice(0.8, 0.86));

  ExplainConfig explain;
  explain.dataset = sim.output_root;
  explain.filters.subjects = held_out;
  explain.recipe = recipe;
  explain.decoder = result.decoder.decoder;
  explain.seed = config.seed;
  explain.output = config.output / "explanations";
  result.explanation = run_explain(explain, context.slice(0.86, 0.99));

  result.report = config.output / "report.md";
  core::write_text_atomically(result.report, format_report(config, result, held_out));
  context.report(1.0, "wrote " + result.report.string());
  return result;
}

}  // namespace jobs
