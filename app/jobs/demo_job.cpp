#include "app/jobs/demo_job.h"

#include <cstdio>
#include <stdexcept>

#include "app/jobs/provenance.h"
#include "app/jobs/simulate_job.h"
#include "core/io/atomic_file.h"

namespace jobs {

namespace {

std::string format_report(const DemoConfig& config, const DemoResult& r) {
  const auto& s = r.simulation;
  const auto& d = r.linear;
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
  text += "## Decoding (linear baseline, leave one subject out)\n\n";
  std::snprintf(line, sizeof(line),
                "| windows | states | chance | accuracy | balanced accuracy | macro-F1 | "
                "binomial p |\n|---|---|---|---|---|---|---|\n| %ld | %zu | %.3f | %.3f | %.3f | "
                "%.3f | %.2g |\n\n",
                d.windows, d.states.size(), d.chance, d.scores.accuracy, d.scores.balanced_accuracy,
                d.scores.macro_f1, d.binomial_p);
  text += line;
  text += "Confusion matrix (rows: true state, columns: decoded state):\n\n|  |";
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
  text += "\n## Files\n\n";
  text += "- `dataset/`: the simulated fMRIPrep-style dataset; ground truth in `dataset/sim/`\n";
  text += "- `decoding/model-linear_scores.json`: scores, configuration, provenance\n";
  text += "- `decoding/model-linear_confusion.tsv`, `decoding/model-linear_predictions.tsv`\n";
  text += "\nNeuroSeq " + neuroseq_version() + "\n";
  return text;
}

}  // namespace

DemoResult run_demo(const DemoConfig& config, const JobContext& context) {
  DemoResult result;
  neuro::SimulationOptions sim;
  sim.output_root = config.output / "dataset";
  sim.overwrite = config.overwrite;
  sim.subjects = config.subjects;
  sim.seed = config.seed;
  result.simulation = run_simulate(sim, context.slice(0.0, 0.5));
  context.note("simulated " + std::to_string(result.simulation.runs.size()) + " runs into " +
               sim.output_root.string());

  LinearDecodeConfig decode;
  decode.dataset = sim.output_root;
  decode.recipe.atlas = result.simulation.atlas_image;
  decode.recipe.atlas_names = result.simulation.atlas_table;
  decode.recipe.clean.filter = neuro::CleanOptions::Filter::kCosine;
  decode.recipe.clean.high_pass_hz = 0.008;
  decode.output = config.output / "decoding";
  result.linear = run_decode_linear(decode, context.slice(0.5, 0.95));

  result.report = config.output / "report.md";
  core::write_text_atomically(result.report, format_report(config, result));
  context.report(1.0, "wrote " + result.report.string());
  return result;
}

}  // namespace jobs
