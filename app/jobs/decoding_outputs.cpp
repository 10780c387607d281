#include "app/jobs/decoding_outputs.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "app/jobs/provenance.h"
#include "app/jobs/state_windows.h"
#include "core/io/atomic_file.h"
#include "neuro/bids/derivatives.h"

namespace jobs {

void score_decisions(DecodingSummary& summary, std::span<const int> truth,
                     std::span<const int> predicted) {
  const int k = static_cast<int>(summary.states.size());
  summary.scores = core::score_classification(truth, predicted, k);
  summary.windows = static_cast<long>(truth.size());
  summary.chance = 1.0 / k;
  summary.binomial_p =
      core::binomial_p_value(count_correct(truth, predicted), summary.windows, summary.chance);
}

void score_tested_windows(DecodingSummary& summary, std::span<const int> states,
                          std::span<const int> predicted) {
  std::vector<int> truth, decided;
  for (size_t i = 0; i < predicted.size(); ++i) {
    if (predicted[i] < 0) continue;
    truth.push_back(states[i]);
    decided.push_back(predicted[i]);
  }
  score_decisions(summary, truth, decided);
}

nlohmann::json summary_json(const DecodingSummary& s) {
  nlohmann::json j;
  j["model"] = s.model;
  j["states"] = s.states;
  j["subjects"] = s.subjects;
  j["folds"] = s.folds;
  j["windows"] = s.windows;
  j["chance"] = s.chance;
  j["accuracy"] = s.scores.accuracy;
  j["balanced_accuracy"] = s.scores.balanced_accuracy;
  j["macro_f1"] = s.scores.macro_f1;
  j["binomial_p"] = s.binomial_p;
  if (s.permutation_p >= 0) {
    j["permutation_p"] = s.permutation_p;
    j["permutations"] = s.permutations;
  }
  j["recall"] = s.scores.recall;
  j["precision"] = s.scores.precision;
  j["f1"] = s.scores.f1;
  j["confusion"] = s.scores.confusion;
  return j;
}

void write_decoding_outputs(const std::filesystem::path& folder, const DecodingSummary& summary,
                            const WindowTable& table, const std::vector<int>& predicted,
                            int64_t window_length, const nlohmann::json& config,
                            const nlohmann::json& provenance) {
  neuro::DerivativeDescription description;
  description.name = "NeuroSeq decoding";
  description.version = neuroseq_version();
  neuro::write_dataset_description(folder, description);
  const std::string prefix = "model-" + summary.model;
  const auto& states = summary.states;
  const auto k = states.size();

  std::string confusion = "true\\predicted";
  for (const auto& s : states)
    confusion += "\t" + s;
  confusion += "\n";
  for (size_t a = 0; a < k; ++a) {
    confusion += states[a];
    for (size_t b = 0; b < k; ++b)
      confusion += "\t" + std::to_string(summary.scores.confusion[a * k + b]);
    confusion += "\n";
  }
  core::write_text_atomically(folder / (prefix + "_confusion.tsv"), confusion);

  std::string rows =
      "subject\ttask\trun\tstart_frame\tframes\tonset_s\ttrue_state\tpredicted_state\n";
  char line[512];
  for (size_t i = 0; i < predicted.size(); ++i) {
    if (predicted[i] < 0) continue;
    const auto* r = table.run[i];
    std::snprintf(line, sizeof(line), "%s\t%s\t%s\t%lld\t%lld\t%.3f\t%s\t%s\n",
                  r->run->subject.c_str(), r->run->task.c_str(),
                  r->run->run.empty() ? "n/a" : r->run->run.c_str(),
                  static_cast<long long>(table.start[i]), static_cast<long long>(window_length),
                  static_cast<double>(table.start[i]) * r->series.tr_seconds,
                  states[static_cast<size_t>(table.states[i])].c_str(),
                  states[static_cast<size_t>(predicted[i])].c_str());
    rows += line;
  }
  core::write_text_atomically(folder / (prefix + "_predictions.tsv"), rows);

  nlohmann::json j = summary_json(summary);
  j["config"] = config;
  j["provenance"] = provenance;
  core::write_text_atomically(folder / (prefix + "_scores.json"), j.dump(2) + "\n");
}

void write_windows_per_state(const std::filesystem::path& folder,
                             const std::vector<RunSeries>& runs, const neuro::WindowSpec& spec) {
  std::string text = "subject\tsession\ttask\trun\tstate\tframes\twindows\n";
  const auto or_na = [](const std::string& label) { return label.empty() ? "n/a" : label; };
  for (const auto& r : runs) {
    const auto counts = count_states(r.labels, spec);
    for (size_t s = 0; s < r.labels.states.size(); ++s) {
      text += or_na(r.run->subject) + "\t" + or_na(r.run->session) + "\t" + or_na(r.run->task) +
              "\t" + or_na(r.run->run) + "\t" + r.labels.states[s] + "\t" +
              std::to_string(counts.frames[s]) + "\t" + std::to_string(counts.windows[s]) + "\n";
    }
  }
  core::write_text_atomically(folder / "windows_per_state.tsv", text);
}

const char* window_labelling_name(neuro::WindowLabelling labelling) {
  switch (labelling) {
    case neuro::WindowLabelling::kWhole:
      return "whole";
    case neuro::WindowLabelling::kLastFrame:
      return "last-frame";
    case neuro::WindowLabelling::kAuto:
      return "auto";
  }
  return "auto";
}

}  // namespace jobs
