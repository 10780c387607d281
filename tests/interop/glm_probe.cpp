// Runs NeuroSeq's GLM on inputs a peer (numpy/scipy) can redo independently.
//   glm_probe run OUT_DIR            three simulated runs of a block design
//                                    (4 states, TR 2 s, 150 frames, 10 columns,
//                                    Y = X B + AR(1) noise): writes events.tsv
//                                    and run.json (design, data, OLS and AR(1)
//                                    fits, one-vs-rest contrasts, fixed effects)
//   glm_probe z OUT.json T DOF [T DOF ...]       z_from_t of each pair
//   glm_probe group EFFECTS.tsv OUT.json         one_sample_t of [S, V] rows
// Errors go to stderr as one line, with exit status 1.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuro/bids/events.h"
#include "neuro/glm/contrast.h"
#include "neuro/glm/design_matrix.h"
#include "neuro/glm/distributions.h"
#include "neuro/glm/fixed_effects.h"
#include "neuro/glm/glm_fit.h"
#include "neuro/glm/group_level.h"

namespace {

constexpr int64_t kFrames = 150;
constexpr double kTr = 2.0;
constexpr int64_t kColumns = 10;
constexpr int kRuns = 3;

// 4 states in blocks of 16 s with 4 s of rest between them: 15 blocks.
std::vector<neuro::Event> block_events() {
  const char* states[] = {"faces", "houses", "tools", "words"};
  std::vector<neuro::Event> events;
  for (int block = 0; block * 20.0 < kFrames * kTr; ++block)
    events.push_back({block * 20.0, 16.0, states[block % 4], 0});
  return events;
}

nlohmann::json contrast_json(const neuro::ContrastResult& r) {
  return {{"name", r.name}, {"effect", r.effect}, {"variance", r.variance},
          {"t", r.t},       {"z", r.z},           {"dof", r.dof}};
}

nlohmann::json fit_json(const neuro::GlmFit& fit, const std::vector<neuro::Contrast>& contrasts) {
  nlohmann::json out = {{"betas", fit.betas},
                        {"residual_variance", fit.residual_variance},
                        {"dof", fit.dof},
                        {"rho_estimate", fit.rho_estimate},
                        {"rho", fit.rho}};
  for (const auto& c : contrasts)
    out["contrasts"].push_back(contrast_json(neuro::compute_contrast(fit, c)));
  return out;
}

int run(const std::filesystem::path& dir) {
  const auto events = block_events();
  neuro::write_events_tsv(events, dir / "events.tsv");
  neuro::EventsTable table;
  table.events = events;
  const auto design = neuro::make_design_matrix(table, kFrames, kTr);  // [T, K]
  const int64_t k = design.columns();
  const auto contrasts = neuro::one_vs_rest_contrasts(design);

  nlohmann::json out = {{"frames", kFrames},
                        {"tr", kTr},
                        {"columns", kColumns},
                        {"names", design.names},
                        {"design", design.values}};
  for (const auto& c : contrasts)
    out["contrast_weights"].push_back(c.weights);

  // B: state amplitudes that differ per column, a baseline of 100, small drift.
  std::mt19937_64 rng(20240607);
  std::normal_distribution<double> normal;
  std::vector<double> b(static_cast<size_t>(k * kColumns));  // [K, V]
  for (int64_t j = 0; j < k; ++j) {
    for (int64_t v = 0; v < kColumns; ++v) {
      double value = 0.3 * normal(rng);
      if (j < 4) value += (j == v % 4) ? 2.0 : 0.5;
      if (design.names[static_cast<size_t>(j)] == "constant") value = 100.0 + v;
      b[static_cast<size_t>(j * kColumns + v)] = value;
    }
  }
  std::vector<std::vector<neuro::ContrastResult>> ols_runs(contrasts.size()),
      ar1_runs(contrasts.size());
  for (int r = 0; r < kRuns; ++r) {
    std::vector<double> y(static_cast<size_t>(kFrames * kColumns), 0.0);  // [T, V]
    for (int64_t v = 0; v < kColumns; ++v) {
      const double rho = 0.4, sd = 1.0 + 0.1 * static_cast<double>(v);
      double e = normal(rng) / std::sqrt(1.0 - rho * rho);
      for (int64_t t = 0; t < kFrames; ++t) {
        e = (t == 0) ? e : rho * e + normal(rng);
        double signal = 0.0;
        for (int64_t j = 0; j < k; ++j)
          signal += design.at(t, j) * b[static_cast<size_t>(j * kColumns + v)];
        y[static_cast<size_t>(t * kColumns + v)] = signal + sd * e;
      }
    }
    neuro::GlmOptions ols;
    ols.noise_model = neuro::NoiseModel::ols;
    const auto fit_ols = neuro::fit_glm(design, y, kColumns, ols);
    const auto fit_ar1 = neuro::fit_glm(design, y, kColumns);  // the default: AR(1)
    for (size_t c = 0; c < contrasts.size(); ++c) {
      ols_runs[c].push_back(neuro::compute_contrast(fit_ols, contrasts[c]));
      ar1_runs[c].push_back(neuro::compute_contrast(fit_ar1, contrasts[c]));
    }
    out["runs"].push_back(
        {{"y", y}, {"ols", fit_json(fit_ols, contrasts)}, {"ar1", fit_json(fit_ar1, contrasts)}});
  }
  for (size_t c = 0; c < contrasts.size(); ++c) {
    out["fixed_effects"]["ols"].push_back(contrast_json(neuro::fixed_effects(ols_runs[c])));
    out["fixed_effects"]["ar1"].push_back(contrast_json(neuro::fixed_effects(ar1_runs[c])));
  }
  std::ofstream(dir / "run.json") << out.dump();
  return 0;
}

int z_values(int argc, char** argv) {
  nlohmann::json out = nlohmann::json::array();
  for (int i = 3; i + 1 < argc; i += 2) {
    const double t = std::strtod(argv[i], nullptr), dof = std::strtod(argv[i + 1], nullptr);
    out.push_back({{"t", t},
                   {"dof", dof},
                   {"z", neuro::z_from_t(t, dof)},
                   {"log_sf", neuro::student_t_log_sf(t, dof)}});
  }
  std::ofstream(argv[2]) << out.dump();
  return 0;
}

int group(const std::string& in, const std::string& out_path) {
  std::ifstream file(in);
  if (!file) throw std::runtime_error(in + ": cannot be read");
  std::vector<double> effects;
  int64_t subjects = 0, columns = -1;
  for (std::string line; std::getline(file, line);) {
    if (line.empty()) continue;
    std::istringstream cells(line);
    int64_t count = 0;
    for (std::string cell; std::getline(cells, cell, '\t'); ++count)
      effects.push_back(std::strtod(cell.c_str(), nullptr));
    if (columns >= 0 && count != columns) throw std::runtime_error(in + ": ragged rows");
    columns = count;
    ++subjects;
  }
  std::ofstream(out_path)
      << contrast_json(neuro::one_sample_t(effects, subjects, columns, "g")).dump();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool valid = (mode == "run" && argc == 3) || (mode == "z" && argc >= 5 && argc % 2 == 1) ||
                     (mode == "group" && argc == 4);
  if (!valid) {
    std::fprintf(stderr,
                 "usage: glm_probe run OUT_DIR | z OUT.json T DOF [T DOF ...] | "
                 "group EFFECTS.tsv OUT.json\n");
    return 2;
  }
  try {
    if (mode == "run") return run(argv[2]);
    if (mode == "z") return z_values(argc, argv);
    return group(argv[2], argv[3]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
