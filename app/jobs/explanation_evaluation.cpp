#include "app/jobs/explanation_evaluation.h"

#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "app/jobs/encoder_windows.h"
#include "core/attribution/faithfulness.h"
#include "core/io/atomic_file.h"
#include "core/metrics/map_agreement.h"

namespace jobs {

namespace {

constexpr double kTopFraction = 0.1;  // GLM agreement: Dice of the top 10 % parcels

std::vector<double> state_row(const core::StateParcelMaps& maps, size_t s) {
  const auto p = static_cast<size_t>(maps.mean.size(1));
  const float* row = maps.mean.data() + s * p;
  return {row, row + p};
}

bool usable(const std::vector<double>& row) {
  for (double v : row)
    if (!std::isfinite(v)) return false;
  return true;
}

template <typename Fn>
double mean_over_states(size_t states, Fn&& score) {
  double sum = 0;
  int n = 0;
  for (size_t s = 0; s < states; ++s) {
    try {
      const double v = score(s);
      if (std::isfinite(v)) sum += v, ++n;
    } catch (const std::invalid_argument&) {
      // An undefined score (a constant map) for one state leaves the mean to
      // the others.
    }
  }
  return n ? sum / n : std::nan("");
}

}  // namespace

MethodCurves evaluate_method(core::WindowClassifier& model, const LabelledData& data,
                             int64_t frames, const core::Tensor& parcel_relevance,
                             const std::vector<int>& targets, const core::StateParcelMaps& maps,
                             const core::StateParcelMaps& randomised_maps,
                             const std::vector<int>& parcel_labels,
                             const std::optional<std::map<std::string, std::set<int>>>& truth,
                             const std::vector<double>* glm_z, uint64_t seed,
                             MethodScores& scores) {
  const auto batch = gather_windows(data.refs, frames);
  core::FaithfulnessOptions faith;
  faith.seed = seed;
  const auto f =
      core::occlusion_faithfulness(model, batch, data.table.states, parcel_relevance, faith);
  scores.faithfulness = f.relevance.score;
  core::DeletionOptions deletion;
  deletion.seed = seed;
  const auto d = core::deletion_curves(model, batch, targets, parcel_relevance, deletion);
  scores.deletion_auc = d.mean_relevance_auc;
  scores.random_deletion_auc = d.mean_random_auc;

  const size_t states = data.states.size();
  scores.ground_truth_auroc = std::nan("");
  if (truth) {
    scores.ground_truth_auroc = mean_over_states(states, [&](size_t s) {
      const auto row = state_row(maps, s);
      const auto it = truth->find(data.states[s]);
      if (!usable(row) || it == truth->end()) return std::nan("");
      std::vector<int> positive;
      for (int label : parcel_labels)
        positive.push_back(it->second.contains(label) ? 1 : 0);
      return core::auroc(row, positive);
    });
  }
  const size_t p = parcel_labels.size();
  scores.glm_r = scores.glm_dice = std::nan("");
  if (glm_z) {
    const auto glm_row = [&](size_t s) {
      return std::vector<double>(glm_z->begin() + static_cast<std::ptrdiff_t>(s * p),
                                 glm_z->begin() + static_cast<std::ptrdiff_t>((s + 1) * p));
    };
    scores.glm_r = mean_over_states(states, [&](size_t s) {
      const auto row = state_row(maps, s);
      return usable(row) ? core::pearson_r(row, glm_row(s)) : std::nan("");
    });
    scores.glm_dice = mean_over_states(states, [&](size_t s) {
      const auto row = state_row(maps, s);
      return usable(row) ? core::top_dice(row, glm_row(s), kTopFraction) : std::nan("");
    });
  }
  scores.randomised_r = mean_over_states(states, [&](size_t s) {
    const auto a = state_row(maps, s);
    const auto b = state_row(randomised_maps, s);
    return usable(a) && usable(b) ? core::pearson_r(a, b) : std::nan("");
  });
  return {scores.method, f.fractions, f.relevance.accuracy, f.random.accuracy, f.chance};
}

void write_faithfulness_tsv(const std::filesystem::path& folder, const MethodCurves& curves) {
  std::string text = "fraction_occluded\taccuracy\trandom_order_accuracy\n";
  char line[128];
  for (size_t i = 0; i < curves.fractions.size(); ++i) {
    std::snprintf(line, sizeof(line), "%.3f\t%.4f\t%.4f\n", curves.fractions[i], curves.accuracy[i],
                  curves.random_accuracy[i]);
    text += line;
  }
  core::write_text_atomically(folder / ("method-" + curves.method + "_faithfulness.tsv"), text);
}

void write_window_relevance_tsv(const std::filesystem::path& folder, const std::string& method,
                                const LabelledData& data, const std::vector<int>& predicted,
                                const std::vector<int>& targets,
                                const core::Tensor& parcel_relevance,
                                const std::vector<std::string>& parcels) {
  const auto state_name = [&](int s) {
    return s >= 0 && static_cast<size_t>(s) < data.states.size()
               ? data.states[static_cast<size_t>(s)]
               : std::string("n/a");
  };
  const auto label = [](const std::string& value) { return value.empty() ? "n/a" : value; };
  std::string text =
      "subject\tsession\ttask\trun\tfirst_frame\tonset_s\ttrue_state\tdecoded_state\texplained_"
      "state";
  for (const auto& parcel : parcels)
    text += "\t" + parcel;
  text += "\n";
  const int64_t p = parcel_relevance.size(1);
  char number[64];
  for (size_t w = 0; w < data.refs.size(); ++w) {
    const WindowRef& ref = data.refs[w];
    const neuro::BoldRun& run = *ref.run->run;
    std::snprintf(number, sizeof(number), "%.3f",
                  static_cast<double>(ref.start) * ref.run->series.tr_seconds);
    text += label(run.subject) + "\t" + label(run.session) + "\t" + label(run.task) + "\t" +
            label(run.run) + "\t" + std::to_string(ref.start) + "\t" + number + "\t" +
            state_name(data.table.states[w]) + "\t" + state_name(predicted[w]) + "\t" +
            state_name(targets[w]);
    const float* row = parcel_relevance.data() + static_cast<int64_t>(w) * p;
    for (int64_t j = 0; j < p; ++j) {
      std::snprintf(number, sizeof(number), "\t%.6g", static_cast<double>(row[j]));
      text += number;
    }
    text += "\n";
  }
  core::write_text_atomically(folder / ("method-" + method + "_windows.tsv"), text);
}

}  // namespace jobs
