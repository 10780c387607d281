#include "neuro/sim/subject_model.h"

#include <algorithm>
#include <cmath>

#include "core/random/philox.h"
#include "neuro/sim/sim_streams.h"

namespace neuro {

namespace {

// Spread of an activation relative to its region's RMS radius: wide enough
// that a typical subject activates most of the region, narrow enough that
// the edges of large regions stay weaker than their core.
constexpr double kActivationSpread = 1.5;

float physiological_weight_of(Tissue tissue) {
  switch (tissue) {
    case Tissue::kCsf:
      return 2.0f;  // pulsation shows most in the ventricles
    case Tissue::kGrey:
      return 0.7f;
    case Tissue::kWhite:
      return 0.4f;
    case Tissue::kOutside:
      return 0.0f;
  }
  return 0.0f;
}

}  // namespace

VoxelLayout make_voxel_layout(const SimSpace& space) {
  VoxelLayout layout;
  const auto& grid = space.grid;
  const auto& dims = grid.dims;
  const auto contrast = space.anatomy.data();
  const auto labels = space.labels.data();
  std::vector<float> baseline_image(contrast.size(), 0.0f);  // [Z][Y][X]
  for (size_t v = 0; v < contrast.size(); ++v) {
    if (space.mask[v]) baseline_image[v] = kEpiCsfIntensity - kEpiContrastDrop * contrast[v];
  }
  const auto spacing = grid.affine.voxel_size();
  std::array<double, 3> centre{0, 0, 0};
  int64_t inside = 0;
  for (int64_t k = 0; k < dims[2]; ++k) {
    for (int64_t j = 0; j < dims[1]; ++j) {
      for (int64_t i = 0; i < dims[0]; ++i) {
        const int64_t v = grid.index(i, j, k);
        if (!space.mask[static_cast<size_t>(v)]) continue;
        layout.voxel.push_back(v);
        const int label = static_cast<int>(labels[static_cast<size_t>(v)]);
        layout.region.push_back(label == 0 ? -1 : space.region_index(label));
        layout.baseline.push_back(baseline_image[static_cast<size_t>(v)]);
        layout.tissue.push_back(space.tissue[static_cast<size_t>(v)]);
        layout.physiological_weight.push_back(
            physiological_weight_of(space.tissue[static_cast<size_t>(v)]));
        // Central differences, one-sided at the edge of the grid; the grid
        // is axis-aligned, so voxel axes are world axes.
        const int64_t index[3] = {i, j, k};
        const int64_t stride[3] = {1, dims[0], dims[0] * dims[1]};
        for (size_t a = 0; a < 3; ++a) {
          const bool has_prev = index[a] > 0, has_next = index[a] + 1 < dims[a];
          const float prev = has_prev ? baseline_image[static_cast<size_t>(v - stride[a])]
                                      : baseline_image[static_cast<size_t>(v)];
          const float next = has_next ? baseline_image[static_cast<size_t>(v + stride[a])]
                                      : baseline_image[static_cast<size_t>(v)];
          const double span = (has_prev && has_next ? 2.0 : 1.0) * spacing[a];
          layout.gradient.push_back(static_cast<float>((next - prev) / span));
        }
        const auto p = grid.affine.to_world(static_cast<double>(i), static_cast<double>(j),
                                            static_cast<double>(k));
        for (size_t a = 0; a < 3; ++a) {
          layout.position.push_back(static_cast<float>(p[a]));
          centre[a] += p[a];
        }
        ++inside;
      }
    }
  }
  if (inside > 0) {
    for (double& c : centre) {
      c /= static_cast<double>(inside);
    }
  }
  layout.centre_mm = centre;
  for (int64_t v = 0; v < inside; ++v) {
    for (size_t a = 0; a < 3; ++a) {
      layout.position[static_cast<size_t>(v * 3) + a] -= static_cast<float>(centre[a]);
    }
  }
  // Region spreads from the world positions (centre added back).
  layout.region_radius_mm.assign(space.regions.size(), 0.0);
  for (int64_t v = 0; v < inside; ++v) {
    const int r = layout.region[static_cast<size_t>(v)];
    if (r < 0) continue;
    double d2 = 0;
    for (size_t a = 0; a < 3; ++a) {
      const double d = layout.position[static_cast<size_t>(v * 3) + a] + centre[a] -
                       space.regions[static_cast<size_t>(r)].centre_mm[a];
      d2 += d * d;
    }
    layout.region_radius_mm[static_cast<size_t>(r)] += d2;
  }
  for (size_t r = 0; r < space.regions.size(); ++r) {
    const double n = static_cast<double>(std::max<int64_t>(space.regions[r].voxels, 1));
    // A one-voxel region still gets a spread of half a voxel.
    layout.region_radius_mm[r] =
        std::max(std::sqrt(layout.region_radius_mm[r] / n), 0.5 * spacing[0]);
  }
  return layout;
}

std::string subject_label(int number, int subject_count) {
  const int width = subject_count >= 100 ? 3 : 2;
  std::string text = std::to_string(number);
  if (static_cast<int>(text.size()) < width) {
    text.insert(0, static_cast<size_t>(width) - text.size(), '0');
  }
  return text;
}

SubjectModel make_subject_model(int number, int subject_count, const SimSpace& space,
                                const VoxelLayout& layout, const NetworkModel& networks,
                                const SimulationOptions& options) {
  const auto& variability = options.variability;
  SubjectModel subject;
  subject.number = number;
  subject.label = subject_label(number, subject_count);

  core::RandomStream loading_random(options.seed, sim_stream(SimPurpose::kSubjectLoadings, number));
  subject.loadings = jitter_loadings(networks, variability.loading_jitter, loading_random);

  core::RandomStream traits(options.seed, sim_stream(SimPurpose::kSubjectTraits, number));
  subject.motion_scale = std::exp(traits.normal(0.0, variability.motion_sd));
  subject.intensity_scale = std::exp(traits.normal(0.0, variability.intensity_sd));

  core::RandomStream gain_random(options.seed, sim_stream(SimPurpose::kSubjectVoxelGain, number));
  subject.network_gain.resize(layout.voxel.size());
  for (float& g : subject.network_gain) {
    g = static_cast<float>(std::clamp(gain_random.normal(1.0, 0.15), 0.4, 1.6));
  }

  const size_t state_count = space.states.size();
  core::RandomStream activation_random(options.seed,
                                       sim_stream(SimPurpose::kSubjectActivation, number));
  for (size_t s = 0; s < state_count; ++s) {
    subject.state_amplitude.push_back(
        std::exp(activation_random.normal(0.0, variability.amplitude_sd)));
    subject.extent_scale.push_back(std::exp(activation_random.normal(0.0, variability.extent_sd)));
    std::array<double, 3> shift{};
    for (double& d : shift) {
      d = activation_random.normal(0.0, variability.shift_mm);
    }
    subject.shift_mm.push_back(shift);
  }

  // Weight of each state on each region: [P, S].
  const size_t regions = space.regions.size();
  std::vector<double> weight(regions * state_count, 0.0);
  for (size_t s = 0; s < state_count; ++s) {
    for (const auto& sr : space.states[s].regions) {
      const int r = space.region_index(sr.label);
      if (r >= 0) weight[static_cast<size_t>(r) * state_count + s] = sr.weight;
    }
  }
  // Inside a region, activation falls off as a Gaussian of the distance from
  // the subject's (shifted) peak, with a spread set by the region's size and
  // the subject's extent: the same state covers more or less of a region.
  subject.activation.assign(layout.voxel.size() * state_count, 0.0f);
  const auto& brain_centre = layout.centre_mm;
  for (size_t v = 0; v < layout.voxel.size(); ++v) {
    const int r = layout.region[v];
    if (r < 0) continue;
    const auto& centre = space.regions[static_cast<size_t>(r)].centre_mm;
    for (size_t s = 0; s < state_count; ++s) {
      const double w = weight[static_cast<size_t>(r) * state_count + s];
      if (w == 0) continue;
      double d2 = 0;
      for (size_t a = 0; a < 3; ++a) {
        const double d =
            layout.position[v * 3 + a] + brain_centre[a] - centre[a] - subject.shift_mm[s][a];
        d2 += d * d;
      }
      const double spread = kActivationSpread * subject.extent_scale[s] *
                            layout.region_radius_mm[static_cast<size_t>(r)];
      const double falloff = std::exp(-0.5 * d2 / (spread * spread));
      subject.activation[v * state_count + s] =
          static_cast<float>(subject.state_amplitude[s] * w * falloff);
    }
  }
  return subject;
}

Volume group_state_map(const SimSpace& space, size_t state) {
  Volume map(space.grid, 1);
  map.meta().sform_code = space.xform;
  map.meta().qform_code = space.xform;
  map.meta().descrip = "ground truth: " + space.states[state].name;
  const auto labels = space.labels.data();
  auto out = map.data();
  for (const auto& sr : space.states[state].regions) {
    for (size_t v = 0; v < labels.size(); ++v) {
      if (static_cast<int>(labels[v]) == sr.label) out[v] = static_cast<float>(sr.weight);
    }
  }
  return map;
}

Volume subject_state_map(const SimSpace& space, const VoxelLayout& layout,
                         const SubjectModel& subject, size_t state) {
  Volume map(space.grid, 1);
  map.meta().sform_code = space.xform;
  map.meta().qform_code = space.xform;
  map.meta().descrip = "ground truth: " + space.states[state].name + ", sub-" + subject.label;
  const size_t state_count = space.states.size();
  auto out = map.data();
  for (size_t v = 0; v < layout.voxel.size(); ++v) {
    out[static_cast<size_t>(layout.voxel[v])] = subject.activation[v * state_count + state];
  }
  return map;
}

}  // namespace neuro
