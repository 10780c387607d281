#include "neuro/sim/run_synthesis.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "core/random/philox.h"
#include "neuro/sim/hrf.h"
#include "neuro/sim/task_design.h"

namespace neuro {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
// Frame-to-frame persistence of the region-specific and physiological
// fluctuations: slower than thermal noise, as BOLD is.
constexpr double kRegionAr1 = 0.5;
constexpr double kPhysiologyAr1 = 0.7;

void add_column(ConfoundTable& table, const std::string& name, const std::vector<double>& column) {
  const int64_t old_columns = table.columns();
  std::vector<double> values(static_cast<size_t>(table.frames * (old_columns + 1)));
  for (int64_t t = 0; t < table.frames; ++t) {
    for (int64_t c = 0; c < old_columns; ++c) {
      values[static_cast<size_t>(t * (old_columns + 1) + c)] =
          table.values[static_cast<size_t>(t * old_columns + c)];
    }
    values[static_cast<size_t>(t * (old_columns + 1) + old_columns)] =
        column[static_cast<size_t>(t)];
  }
  table.names.push_back(name);
  table.values = std::move(values);
}

std::vector<double> derivative(const std::vector<double>& x) {
  std::vector<double> d(x.size(), kMissing);
  for (size_t t = 1; t < x.size(); ++t) {
    d[t] = x[t] - x[t - 1];
  }
  return d;
}

std::vector<double> squared(const std::vector<double>& x) {
  std::vector<double> y(x.size());
  for (size_t t = 0; t < x.size(); ++t) {
    y[t] = x[t] * x[t];
  }
  return y;
}

// A signal and its first difference, as fMRIPrep lists them.
void add_with_derivative(ConfoundTable& table, const std::string& name,
                         const std::vector<double>& x) {
  add_column(table, name, x);
  add_column(table, name + "_derivative1", derivative(x));
}

ConfoundTable make_confounds(int64_t frames, const std::vector<double>& global,
                             const std::vector<double>& csf, const std::vector<double>& white,
                             const std::vector<double>& dvars, const MotionTrace& motion) {
  ConfoundTable table;
  table.frames = frames;
  add_with_derivative(table, "global_signal", global);
  add_with_derivative(table, "csf", csf);
  add_with_derivative(table, "white_matter", white);
  add_column(table, "dvars", dvars);
  std::vector<double> fd = motion.framewise_displacement;
  if (!fd.empty()) fd[0] = kMissing;
  add_column(table, "framewise_displacement", fd);
  static const char* const kNames[6] = {"trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"};
  for (int p = 0; p < 6; ++p) {
    std::vector<double> x(static_cast<size_t>(frames));
    for (int64_t t = 0; t < frames; ++t) {
      x[static_cast<size_t>(t)] = motion.parameters[static_cast<size_t>(t * 6 + p)];
    }
    const auto d = derivative(x);
    add_column(table, kNames[p], x);
    add_column(table, std::string(kNames[p]) + "_derivative1", d);
    add_column(table, std::string(kNames[p]) + "_power2", squared(x));
    add_column(table, std::string(kNames[p]) + "_derivative1_power2", squared(d));
  }
  int outlier = 0;
  for (int64_t t = 1; t < frames; ++t) {
    if (motion.framewise_displacement[static_cast<size_t>(t)] <= kMotionOutlierMm) continue;
    std::vector<double> indicator(static_cast<size_t>(frames), 0.0);
    indicator[static_cast<size_t>(t)] = 1.0;
    char name[32];
    std::snprintf(name, sizeof(name), "motion_outlier%02d", outlier++);
    add_column(table, name, indicator);
  }
  return table;
}

}  // namespace

SynthesizedRun synthesize_run(const SimSpace& space, const VoxelLayout& layout,
                              const NetworkModel& networks, const SubjectModel& subject,
                              const RunPlan& plan, const SimulationOptions& options) {
  const int64_t frames = plan.frames;
  const auto regions = static_cast<int64_t>(space.regions.size());
  const auto states = static_cast<int64_t>(space.states.size());
  const int64_t voxels = layout.size();
  const auto& noise = options.noise;
  const uint64_t seed = options.seed;
  const auto stream = [&](SimPurpose purpose) {
    return sim_stream(purpose, subject.number, plan.kind, plan.run);
  };
  SynthesizedRun out;

  // Region signals [T, P]: the shared networks through this subject's
  // loadings, plus what each region does on its own.
  core::RandomStream network_random(seed, stream(SimPurpose::kRunNetworks));
  const auto latent = simulate_networks(networks, frames, network_random);  // [T, K]
  auto region_signal =
      mix_networks(latent, subject.loadings, frames, regions, networks.networks);  // [T, P]
  core::RandomStream region_random(seed, stream(SimPurpose::kRunRegionNoise));
  for (int64_t p = 0; p < regions; ++p) {
    const auto own = ar1_series(frames, kRegionAr1, noise.region_sd, region_random);
    for (int64_t t = 0; t < frames; ++t) {
      auto& value = region_signal[static_cast<size_t>(t * regions + p)];
      value = options.network_amplitude * value + own[static_cast<size_t>(t)];
    }
  }

  // The task: events and each state's predicted response [T, S].
  out.regressors.assign(static_cast<size_t>(frames * states), 0.0);
  if (plan.kind == RunKind::kTask) {
    std::vector<std::string> names;
    for (const auto& state : space.states) {
      names.push_back(state.name);
    }
    core::RandomStream design_random(seed, stream(SimPurpose::kRunDesign));
    out.events = make_task_design(names, frames, options.tr_seconds, plan.design, design_random,
                                  options.timing);
    for (int64_t s = 0; s < states; ++s) {
      const auto stimuli = stimuli_of_state(out.events, names[static_cast<size_t>(s)]);
      const auto regressor = hrf_regressor(stimuli, frames, options.tr_seconds);
      for (int64_t t = 0; t < frames; ++t) {
        out.regressors[static_cast<size_t>(t * states + s)] = regressor[static_cast<size_t>(t)];
      }
    }
  }

  // Nuisance time courses.
  core::RandomStream spike_random(seed, stream(SimPurpose::kRunSpikes));
  out.spike_frames = draw_spike_frames(frames, noise.spike_rate, spike_random);
  std::vector<double> jump(static_cast<size_t>(frames), 0.0);  // [T] global jump in %
  for (int64_t t : out.spike_frames) {
    const double sign = spike_random.uniform() < 0.5 ? -1.0 : 1.0;
    jump[static_cast<size_t>(t)] = sign * noise.spike_amplitude * (0.5 + spike_random.uniform());
  }
  core::RandomStream motion_random(seed, stream(SimPurpose::kRunMotion));
  out.motion = simulate_motion(frames, out.spike_frames, subject.motion_scale * noise.motion_scale,
                               noise.motion, motion_random);
  core::RandomStream physiology_random(seed, stream(SimPurpose::kRunPhysiology));
  const auto physiology =
      ar1_series(frames, kPhysiologyAr1, noise.physiological_sd, physiology_random);  // [T]
  const int order = noise.drift_order;
  const auto drift_basis = cosine_drift_basis(frames, order);  // [T, order]
  // Scanner drift is mostly shared across the brain: one global set of
  // coefficients plus a smaller local part per voxel.
  core::RandomStream drift_random(seed, stream(SimPurpose::kRunDrift));
  std::vector<double> global_drift(static_cast<size_t>(order));
  for (double& c : global_drift) {
    c = drift_random.normal(0.0, noise.drift_sd);
  }
  std::vector<float> drift(static_cast<size_t>(voxels * order));  // [V, order]
  for (int64_t v = 0; v < voxels; ++v) {
    for (int k = 0; k < order; ++k) {
      drift[static_cast<size_t>(v * order + k)] = static_cast<float>(
          global_drift[static_cast<size_t>(k)] + drift_random.normal(0.0, 0.5 * noise.drift_sd));
    }
  }
  Ar1Field thermal(static_cast<size_t>(voxels), noise.voxel_ar1, noise.voxel_sd, seed,
                   stream(SimPurpose::kRunVoxelNoise));

  // Paint.
  out.bold = Volume(space.grid, frames, options.tr_seconds);
  out.bold.meta().sform_code = space.xform;
  out.bold.meta().qform_code = space.xform;
  out.bold.meta().descrip = "NeuroSeq simulated BOLD";
  std::vector<float> noise_frame(static_cast<size_t>(voxels));
  std::vector<float> previous(static_cast<size_t>(voxels), 0.0f);
  std::vector<double> global(static_cast<size_t>(frames)), csf(static_cast<size_t>(frames)),
      white(static_cast<size_t>(frames)), dvars(static_cast<size_t>(frames), kMissing);
  const double amplitude = options.activation_amplitude;
  const double artifact = noise.motion_artifact;
  const float intensity = static_cast<float>(subject.intensity_scale);
  for (int64_t t = 0; t < frames; ++t) {
    thermal.next(noise_frame);
    const double* motion = out.motion.parameters.data() + t * 6;
    const double* regressor = out.regressors.data() + t * states;
    const double* drift_t = drift_basis.data() + t * order;
    const double* regions_t = region_signal.data() + t * regions;
    auto frame = out.bold.frame(t);
    double sum_all = 0, sum_csf = 0, sum_white = 0, sum_change2 = 0;
    int64_t n_csf = 0, n_white = 0;
    for (int64_t v = 0; v < voxels; ++v) {
      const auto vs = static_cast<size_t>(v);
      double percent = noise_frame[vs] + jump[static_cast<size_t>(t)] +
                       layout.physiological_weight[vs] * physiology[static_cast<size_t>(t)];
      for (int k = 0; k < order; ++k) {
        percent += drift[vs * static_cast<size_t>(order) + static_cast<size_t>(k)] * drift_t[k];
      }
      const int r = layout.region[vs];
      if (r >= 0) {
        percent += subject.network_gain[vs] * regions_t[r];
        const float* activation = &subject.activation[vs * static_cast<size_t>(states)];
        for (int64_t s = 0; s < states; ++s) {
          percent += amplitude * activation[s] * regressor[s];
        }
      }
      const double baseline = layout.baseline[vs] * intensity;
      double value = baseline * (1.0 + 0.01 * percent);
      if (artifact != 0) {
        // A head displaced by d shows at this voxel what was at x - d:
        // I(x - d) ~ I(x) - grad I . d, with d = translation + rotation x r.
        const float* r3 = &layout.position[vs * 3];
        const double dx = motion[0] + motion[4] * r3[2] - motion[5] * r3[1];
        const double dy = motion[1] + motion[5] * r3[0] - motion[3] * r3[2];
        const double dz = motion[2] + motion[3] * r3[1] - motion[4] * r3[0];
        const float* g = &layout.gradient[vs * 3];
        value -= artifact * intensity * (g[0] * dx + g[1] * dy + g[2] * dz);
      }
      const auto stored = static_cast<float>(value);
      frame[static_cast<size_t>(layout.voxel[vs])] = stored;
      sum_all += stored;
      if (layout.tissue[vs] == Tissue::kCsf) {
        sum_csf += stored;
        ++n_csf;
      } else if (layout.tissue[vs] == Tissue::kWhite) {
        sum_white += stored;
        ++n_white;
      }
      if (t > 0) {
        const double change = stored - previous[vs];
        sum_change2 += change * change;
      }
      previous[vs] = stored;
    }
    const auto ts = static_cast<size_t>(t);
    global[ts] = voxels > 0 ? sum_all / static_cast<double>(voxels) : 0.0;
    csf[ts] = n_csf > 0 ? sum_csf / static_cast<double>(n_csf) : global[ts];
    white[ts] = n_white > 0 ? sum_white / static_cast<double>(n_white) : global[ts];
    if (t > 0 && voxels > 0) dvars[ts] = std::sqrt(sum_change2 / static_cast<double>(voxels));
  }
  out.confounds = make_confounds(frames, global, csf, white, dvars, out.motion);
  return out;
}

}  // namespace neuro
