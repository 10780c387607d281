#include "neuro/atlas/brain_mask.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "neuro/atlas/resample.h"
#include "neuro/image/nifti_reader.h"

namespace neuro {
namespace {

std::string source_of(const Volume& volume, const char* what) {
  return volume.source().empty() ? std::string(what) + " (in memory)" : volume.source();
}

using Dims = std::array<int64_t, 3>;

// The 6 face neighbours: scipy.ndimage's default structuring element in 3-D,
// which nilearn's erosions, dilations and labelling all use.
constexpr int kNeighbours[6][3] = {{-1, 0, 0}, {1, 0, 0},  {0, -1, 0},
                                   {0, 1, 0},  {0, 0, -1}, {0, 0, 1}};

int64_t index_of(const Dims& d, int64_t i, int64_t j, int64_t k) {
  return i + d[0] * (j + d[1] * k);
}

bool inside_grid(const Dims& d, int64_t i, int64_t j, int64_t k) {
  return i >= 0 && j >= 0 && k >= 0 && i < d[0] && j < d[1] && k < d[2];
}

// Voxels beyond the edge count as outside the mask (scipy's border_value=0).
std::vector<uint8_t> erode(const std::vector<uint8_t>& mask, const Dims& d) {
  std::vector<uint8_t> out(mask.size(), 0);
  for (int64_t k = 0; k < d[2]; ++k) {
    for (int64_t j = 0; j < d[1]; ++j) {
      for (int64_t i = 0; i < d[0]; ++i) {
        const int64_t v = index_of(d, i, j, k);
        if (!mask[static_cast<size_t>(v)]) continue;
        bool keep = true;
        for (const auto& n : kNeighbours) {
          const int64_t a = i + n[0], b = j + n[1], c = k + n[2];
          if (!inside_grid(d, a, b, c) || !mask[static_cast<size_t>(index_of(d, a, b, c))]) {
            keep = false;
            break;
          }
        }
        out[static_cast<size_t>(v)] = keep ? 1 : 0;
      }
    }
  }
  return out;
}

std::vector<uint8_t> dilate(const std::vector<uint8_t>& mask, const Dims& d) {
  std::vector<uint8_t> out(mask);
  for (int64_t k = 0; k < d[2]; ++k) {
    for (int64_t j = 0; j < d[1]; ++j) {
      for (int64_t i = 0; i < d[0]; ++i) {
        if (!mask[static_cast<size_t>(index_of(d, i, j, k))]) continue;
        for (const auto& n : kNeighbours) {
          const int64_t a = i + n[0], b = j + n[1], c = k + n[2];
          if (inside_grid(d, a, b, c)) out[static_cast<size_t>(index_of(d, a, b, c))] = 1;
        }
      }
    }
  }
  return out;
}

// The largest 6-connected component. Ties go to the component met first when
// scanning with k fastest, as scipy.ndimage.label numbers components of a
// nibabel array (x, y, z) and nilearn keeps the lowest number among the largest.
std::vector<uint8_t> largest_component(const std::vector<uint8_t>& mask, const Dims& d) {
  std::vector<int32_t> component(mask.size(), 0);
  std::vector<int64_t> sizes{0};
  std::vector<int64_t> stack;
  for (int64_t i = 0; i < d[0]; ++i) {
    for (int64_t j = 0; j < d[1]; ++j) {
      for (int64_t k = 0; k < d[2]; ++k) {
        const auto start = static_cast<size_t>(index_of(d, i, j, k));
        if (!mask[start] || component[start] != 0) continue;
        const auto id = static_cast<int32_t>(sizes.size());
        int64_t size = 0;
        component[start] = id;
        stack.assign(1, static_cast<int64_t>(start));
        while (!stack.empty()) {
          const int64_t v = stack.back();
          stack.pop_back();
          ++size;
          const int64_t vi = v % d[0], vj = v / d[0] % d[1], vk = v / (d[0] * d[1]);
          for (const auto& n : kNeighbours) {
            const int64_t a = vi + n[0], b = vj + n[1], c = vk + n[2];
            if (!inside_grid(d, a, b, c)) continue;
            const auto w = static_cast<size_t>(index_of(d, a, b, c));
            if (mask[w] && component[w] == 0) {
              component[w] = id;
              stack.push_back(static_cast<int64_t>(w));
            }
          }
        }
        sizes.push_back(size);
      }
    }
  }
  const auto largest =
      static_cast<int32_t>(std::max_element(sizes.begin(), sizes.end()) - sizes.begin());
  std::vector<uint8_t> out(mask.size(), 0);
  for (size_t v = 0; v < mask.size(); ++v)
    out[v] = component[v] == largest ? 1 : 0;
  return out;
}

// scipy.ndimage "reflect" boundary: (d c b a | a b c d | d c b a).
int64_t reflect(int64_t index, int64_t n) {
  const int64_t period = 2 * n;
  int64_t m = index % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

// nilearn smooths the mean with a FWHM of 1 in voxel units before
// thresholding: scipy's gaussian_filter1d along each axis, truncated at 4 sigma.
void smooth_one_voxel_fwhm(std::vector<double>& image, const Dims& d) {
  const double sigma = 1.0 / std::sqrt(8.0 * std::log(2.0));
  const auto radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  std::vector<double> weights(static_cast<size_t>(2 * radius + 1));
  for (int64_t x = -radius; x <= radius; ++x) {
    weights[static_cast<size_t>(x + radius)] = std::exp(-0.5 * x * x / (sigma * sigma));
  }
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  for (auto& w : weights)
    w /= total;

  const int64_t strides[3] = {1, d[0], d[0] * d[1]};
  std::vector<double> line;
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t n = d[static_cast<size_t>(axis)];
    const int64_t stride = strides[axis];
    line.resize(static_cast<size_t>(n));
    for (int64_t v = 0; v < static_cast<int64_t>(image.size()); ++v) {
      // Visit each line once, from its first voxel.
      if ((v / stride) % n != 0) continue;
      for (int64_t p = 0; p < n; ++p)
        line[static_cast<size_t>(p)] = image[static_cast<size_t>(v + p * stride)];
      for (int64_t p = 0; p < n; ++p) {
        double sum = 0;
        for (int64_t x = -radius; x <= radius; ++x) {
          sum += weights[static_cast<size_t>(x + radius)] *
                 line[static_cast<size_t>(reflect(p + x, n))];
        }
        image[static_cast<size_t>(v + p * stride)] = sum;
      }
    }
  }
}

}  // namespace

BrainMask::BrainMask(Grid grid, std::vector<uint8_t> inside, std::string source)
    : grid_(grid), inside_(std::move(inside)), source_(std::move(source)) {
  if (static_cast<int64_t>(inside_.size()) != grid_.voxel_count()) {
    throw std::invalid_argument("brain mask: " + std::to_string(inside_.size()) +
                                " voxels given for a grid of " +
                                std::to_string(grid_.voxel_count()));
  }
  for (auto& v : inside_)
    v = v != 0 ? 1 : 0;
}

BrainMask BrainMask::everywhere(const Grid& grid) {
  return BrainMask(grid, std::vector<uint8_t>(static_cast<size_t>(grid.voxel_count()), 1),
                   "whole field of view");
}

BrainMask BrainMask::from_volume(const Volume& mask, const Grid& data_grid) {
  const std::string source = source_of(mask, "brain mask");
  if (mask.frames() != 1) {
    throw std::runtime_error(source + ": a brain mask must be 3-D, this one has " +
                             std::to_string(mask.frames()) + " volumes");
  }
  const bool had_brain = std::any_of(mask.data().begin(), mask.data().end(),
                                     [](float v) { return std::isfinite(v) && v != 0.0f; });
  if (!had_brain) throw std::runtime_error(source + ": the brain mask is empty");
  const Volume on_grid = resample(mask, data_grid, Interpolation::kNearest);
  std::vector<uint8_t> inside(static_cast<size_t>(data_grid.voxel_count()));
  const auto values = on_grid.data();
  for (size_t v = 0; v < inside.size(); ++v) {
    inside[v] = std::isfinite(values[v]) && values[v] != 0.0f ? 1 : 0;
  }
  BrainMask result(data_grid, std::move(inside), source);
  if (result.count() == 0) {
    throw std::runtime_error(source +
                             ": the brain mask has no voxel inside the data's field of view");
  }
  return result;
}

BrainMask BrainMask::load(const std::filesystem::path& mask_file, const Grid& data_grid) {
  Volume mask = read_volume(mask_file);
  mask.set_source(mask_file.string());
  return from_volume(mask, data_grid);
}

int64_t BrainMask::count() const {
  return std::count(inside_.begin(), inside_.end(), uint8_t{1});
}

Volume BrainMask::to_volume() const {
  Volume volume(grid_, 1);
  auto data = volume.data();
  for (size_t v = 0; v < inside_.size(); ++v)
    data[v] = inside_[v];
  volume.set_source(source_);
  return volume;
}

BrainMask compute_epi_mask(const Volume& bold, const EpiMaskOptions& options) {
  const std::string source = source_of(bold, "BOLD series");
  if (!(options.lower_cutoff >= 0 && options.lower_cutoff < options.upper_cutoff &&
        options.upper_cutoff <= 1)) {
    throw std::invalid_argument(source + ": EPI mask cutoffs must satisfy 0 <= lower < upper <= 1");
  }
  if (options.opening < 0) throw std::invalid_argument(source + ": EPI mask opening must be >= 0");
  const Dims d = bold.dims();
  const auto n = static_cast<size_t>(bold.voxels_per_frame());

  std::vector<double> mean(n, 0.0);
  for (int64_t t = 0; t < bold.frames(); ++t) {
    const auto frame = bold.frame(t);
    for (size_t v = 0; v < n; ++v)
      mean[v] += frame[v];
  }
  for (auto& m : mean)
    m /= static_cast<double>(bold.frames());

  if (options.opening > 0) {
    std::vector<uint8_t> was_nan(n);
    for (size_t v = 0; v < n; ++v) {
      was_nan[v] = std::isnan(mean[v]) ? 1 : 0;
      if (!std::isfinite(mean[v])) mean[v] = 0;
    }
    smooth_one_voxel_fwhm(mean, d);
    for (size_t v = 0; v < n; ++v) {
      if (was_nan[v]) mean[v] = 0;  // NaN restored, then zeroed as non-finite
    }
  }
  for (auto& m : mean) {
    if (!std::isfinite(m)) m = 0;
  }

  std::vector<double> sorted;
  sorted.reserve(n);
  for (double m : mean) {
    if (!options.exclude_zeros || m != 0) sorted.push_back(m);
  }
  std::sort(sorted.begin(), sorted.end());
  const auto count = static_cast<int64_t>(sorted.size());
  const auto lower = static_cast<int64_t>(std::floor(options.lower_cutoff * count));
  const int64_t upper =
      std::min(static_cast<int64_t>(std::floor(options.upper_cutoff * count)), count - 1);
  if (upper <= lower) {
    throw std::runtime_error(source + ": too few voxels (" + std::to_string(count) +
                             ") to find an EPI mask threshold");
  }
  int64_t widest = lower;
  for (int64_t i = lower; i < upper; ++i) {
    const auto gap = sorted[static_cast<size_t>(i + 1)] - sorted[static_cast<size_t>(i)];
    if (gap > sorted[static_cast<size_t>(widest + 1)] - sorted[static_cast<size_t>(widest)]) {
      widest = i;
    }
  }
  const double threshold =
      0.5 * (sorted[static_cast<size_t>(widest)] + sorted[static_cast<size_t>(widest + 1)]);

  std::vector<uint8_t> mask(n);
  for (size_t v = 0; v < n; ++v)
    mask[v] = mean[v] >= threshold ? 1 : 0;
  for (int i = 0; i < options.opening; ++i)
    mask = erode(mask, d);
  if (std::none_of(mask.begin(), mask.end(), [](uint8_t v) { return v != 0; })) {
    throw std::runtime_error(source +
                             ": the EPI mask is empty; are these EPI images, not detrended?");
  }
  if (options.connected) mask = largest_component(mask, d);
  for (int i = 0; i < 2 * options.opening; ++i)
    mask = dilate(mask, d);
  for (int i = 0; i < options.opening; ++i)
    mask = erode(mask, d);
  return BrainMask(bold.grid(), std::move(mask), "EPI mask of " + source);
}

}  // namespace neuro
