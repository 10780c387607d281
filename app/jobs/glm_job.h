#pragma once
// `neuroseq glm`: the standard analysis that attribution maps are compared
// with, on the same parcel series the decoders read. Per run: canonical HRF
// regressors per state, cosine drift, AR(1) prewhitening (or OLS), a
// one-vs-rest contrast per state; per subject: fixed effects over runs; group:
// one-sample t over subjects, to z. Writes per state
//   sub-<XX|group>_space-<s>_stat-z_desc-<state>_statmap.nii.gz (+ .json)
//   and the group map's _clusters.tsv (|z| > 3.09), and glm.json.

#include <filesystem>
#include <string>
#include <vector>

#include "app/jobs/job_context.h"
#include "app/jobs/run_series.h"
#include "neuro/bids/dataset_index.h"
#include "neuro/glm/glm_fit.h"

namespace jobs {

// Group z [C, P] (row-major) of one-vs-rest contrasts, and each subject's.
struct ParcelGlm {
  std::vector<std::string> states;
  std::vector<std::string> subjects;
  std::vector<double> group_z;                 // [C * P], NaN for a state without a group map
  std::vector<std::vector<double>> subject_z;  // [S][C * P], NaN for a state the subject lacks
  double group_dof = 0;
};

// Per run, each state present against the run's other states; a state absent
// from a run leaves that run's contrast out, and a run with fewer than two
// states is left out (a note each, into `notes`). Per subject, fixed effects
// over the runs that have the state; per state, a group map from the subjects
// that have it (NaN where none can be made: fewer than 2 subjects). Throws
// std::runtime_error when fewer than 2 subjects have a contrast at all.
ParcelGlm parcel_glm(const std::vector<RunSeries>& runs, const std::vector<std::string>& states,
                     neuro::NoiseModel noise_model, std::vector<std::string>* notes = nullptr);

struct GlmConfig {
  std::filesystem::path dataset;
  neuro::IndexFilters filters;
  SeriesRecipe recipe;
  neuro::NoiseModel noise_model = neuro::NoiseModel::ar1;
  double cluster_z = 3.09;  // one-sided p < 0.001
  std::filesystem::path output;
};

ParcelGlm run_glm(const GlmConfig& config, const JobContext& context);

}  // namespace jobs
