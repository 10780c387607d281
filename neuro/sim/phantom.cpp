#include "neuro/sim/phantom.h"

#include <cmath>
#include <stdexcept>

namespace neuro {

namespace {

// The brain: an ellipsoid about the size of the MNI brain.
constexpr std::array<double, 3> kBrainCentre{0.0, -18.0, 12.0};
constexpr std::array<double, 3> kBrainSemiAxes{68.0, 86.0, 60.0};
// White matter fills the inner part; the rest is the grey band (about 16 mm).
constexpr double kWhiteFraction = 0.76;
// Regions sit in the middle of the grey band.
constexpr double kRegionDepth = 0.88;
constexpr double kRegionRadius = 15.0;

struct Ventricle {
  std::array<double, 3> centre;
  std::array<double, 3> semi_axes;
};
constexpr Ventricle kVentricles[] = {{{-11.0, -12.0, 14.0}, {6.0, 24.0, 10.0}},
                                     {{11.0, -12.0, 14.0}, {6.0, 24.0, 10.0}}};

// Squared normalised radius of a point in an ellipsoid: < 1 inside.
double ellipsoid_radius2(const std::array<double, 3>& p, const std::array<double, 3>& centre,
                         const std::array<double, 3>& semi) {
  double sum = 0;
  for (int a = 0; a < 3; ++a) {
    const double d =
        (p[static_cast<size_t>(a)] - centre[static_cast<size_t>(a)]) / semi[static_cast<size_t>(a)];
    sum += d * d;
  }
  return sum;
}

PhantomRegion region_towards(int label, const char* name, std::array<double, 3> direction) {
  double norm = 0;
  for (double d : direction) {
    norm += d * d;
  }
  norm = std::sqrt(norm);
  PhantomRegion region;
  region.label = label;
  region.name = name;
  region.radius_mm = kRegionRadius;
  for (size_t a = 0; a < 3; ++a) {
    region.centre_mm[a] = kBrainCentre[a] + kRegionDepth * kBrainSemiAxes[a] * direction[a] / norm;
  }
  return region;
}

}  // namespace

const std::vector<PhantomRegion>& phantom_regions() {
  // Directions from the brain centre (RAS): left is -x, anterior +y, superior +z.
  static const std::vector<PhantomRegion> regions = {
      region_towards(1, "motor_left", {-0.45, -0.05, 0.89}),
      region_towards(2, "motor_right", {0.45, -0.05, 0.89}),
      region_towards(3, "visual_left", {-0.3, -0.95, 0.05}),
      region_towards(4, "visual_right", {0.3, -0.95, 0.05}),
      region_towards(5, "frontal_left", {-0.8, 0.55, 0.05}),
      region_towards(6, "frontal_right", {0.8, 0.55, 0.05}),
      region_towards(7, "temporal_left", {-0.95, -0.1, -0.3}),
      region_towards(8, "temporal_right", {0.95, -0.1, -0.3}),
      region_towards(9, "parietal_left", {-0.55, -0.65, 0.55}),
      region_towards(10, "parietal_right", {0.55, -0.65, 0.55}),
      region_towards(11, "medial_frontal", {0.0, 0.9, 0.45}),
      region_towards(12, "precuneus", {0.0, -0.7, 0.7}),
  };
  return regions;
}

Grid phantom_grid(double voxel_size_mm) {
  if (!(voxel_size_mm > 0) || !std::isfinite(voxel_size_mm)) {
    throw std::invalid_argument("voxel_size_mm: must be a positive finite number");
  }
  Grid grid;
  std::array<double, 3> origin{};
  for (size_t a = 0; a < 3; ++a) {
    const double lo = kBrainCentre[a] - kBrainSemiAxes[a];
    const double hi = kBrainCentre[a] + kBrainSemiAxes[a];
    const auto first = static_cast<int64_t>(std::floor(lo / voxel_size_mm)) - 2;
    const auto last = static_cast<int64_t>(std::ceil(hi / voxel_size_mm)) + 2;
    grid.dims[a] = last - first + 1;
    origin[a] = static_cast<double>(first) * voxel_size_mm;
  }
  grid.affine = Affine::diagonal(voxel_size_mm, voxel_size_mm, voxel_size_mm, origin[0], origin[1],
                                 origin[2]);
  return grid;
}

Phantom make_phantom(const Grid& grid) {
  Phantom phantom;
  phantom.anatomy = Volume(grid, 1);
  phantom.labels = Volume(grid, 1);
  const auto& regions = phantom_regions();
  for (const auto& region : regions) {
    phantom.names[region.label] = region.name;
  }
  const double white2 = kWhiteFraction * kWhiteFraction;
  for (int64_t k = 0; k < grid.dims[2]; ++k) {
    for (int64_t j = 0; j < grid.dims[1]; ++j) {
      for (int64_t i = 0; i < grid.dims[0]; ++i) {
        const auto p = grid.affine.to_world(static_cast<double>(i), static_cast<double>(j),
                                            static_cast<double>(k));
        const double r2 = ellipsoid_radius2(p, kBrainCentre, kBrainSemiAxes);
        if (r2 >= 1.0) continue;
        bool csf = false;
        for (const auto& v : kVentricles) {
          csf = csf || ellipsoid_radius2(p, v.centre, v.semi_axes) < 1.0;
        }
        float value = r2 < white2 ? kPhantomWhite : kPhantomGrey;
        if (csf) value = kPhantomCsf;
        phantom.anatomy.at(i, j, k) = value;
        if (value != kPhantomGrey) continue;
        for (const auto& region : regions) {
          double d2 = 0;
          for (size_t a = 0; a < 3; ++a) {
            const double d = p[a] - region.centre_mm[a];
            d2 += d * d;
          }
          if (d2 < region.radius_mm * region.radius_mm) {
            phantom.labels.at(i, j, k) = static_cast<float>(region.label);
            break;
          }
        }
      }
    }
  }
  phantom.anatomy.meta().descrip = "NeuroSeq phantom anatomy";
  phantom.labels.meta().descrip = "NeuroSeq phantom regions";
  return phantom;
}

}  // namespace neuro
