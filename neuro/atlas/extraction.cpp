#include "neuro/atlas/extraction.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "kernels/cpu/linalg.h"

namespace neuro {
namespace {

std::string or_default(const std::string& source, const char* what) {
  return source.empty() ? std::string(what) + " (in memory)" : source;
}

std::string describe(const Grid& grid) {
  std::ostringstream out;
  const auto size = grid.affine.voxel_size();
  out << grid.dims[0] << "x" << grid.dims[1] << "x" << grid.dims[2] << " voxels of " << size[0]
      << "x" << size[1] << "x" << size[2] << " mm, " << orientation_code(grid.affine)
      << ", origin (" << grid.affine(0, 3) << ", " << grid.affine(1, 3) << ", " << grid.affine(2, 3)
      << ")";
  return out.str();
}

void require_same_grid(const Grid& grid, const std::string& atlas_source, const std::string& other,
                       const Grid& other_grid, const char* other_role) {
  if (grid.same_as(other_grid)) return;
  throw std::runtime_error(other + ": the " + std::string(other_role) +
                           " is on a different grid (" + describe(other_grid) +
                           ") than the atlas " + atlas_source + " (" + describe(grid) +
                           "); resample the atlas and mask onto the data grid first");
}

// A NaN voxel would silently turn its parcel's value into NaN (or poison every
// coefficient of a least-squares fit), so it is refused with where it is. The
// frames are counted while they stream past, so the data are read once.
class NanTally {
 public:
  void count(int64_t t, std::span<const float> frame, std::span<const int64_t> voxels) {
    int64_t n = 0;
    for (const int64_t v : voxels)
      n += std::isnan(frame[static_cast<size_t>(v)]) ? 1 : 0;
    if (n == 0) return;
    if (frames_with_nan_++ == 0) {
      first_frame_ = t;
      first_count_ = n;
    }
  }
  bool any() const { return frames_with_nan_ > 0; }
  void throw_if_any(const FrameSeries& bold, const char* region_kind) const {
    if (frames_with_nan_ == 0) return;
    const int64_t n = first_count_;
    throw std::runtime_error(or_default(bold.source, "BOLD series") + ": " + std::to_string(n) +
                             " voxel" + (n > 1 ? "s" : "") + " inside the " + region_kind +
                             " and brain mask " + (n > 1 ? "are" : "is") + " NaN at frame " +
                             std::to_string(first_frame_) + " (counted from 0; " +
                             std::to_string(frames_with_nan_) + " of " +
                             std::to_string(bold.frames) + " frames " +
                             (frames_with_nan_ > 1 ? "have" : "has") + " NaN there)");
  }

 private:
  int64_t frames_with_nan_ = 0;
  int64_t first_frame_ = 0;
  int64_t first_count_ = 0;
};

std::string join_dropped(const std::vector<std::string>& items, const char* kind,
                         const std::string& atlas_source) {
  if (items.empty()) return "";
  std::string text = or_default(atlas_source, "atlas") + ": " + std::to_string(items.size()) + " " +
                     kind + (items.size() > 1 ? "s have" : " has") +
                     " no voxel inside the brain mask on the data grid and " +
                     (items.size() > 1 ? "were" : "was") + " dropped: ";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) text += ", ";
    text += items[i];
  }
  return text;
}

}  // namespace

// ---- labels -------------------------------------------------------------------

LabelsMasker::LabelsMasker(const LabelAtlas& atlas, const BrainMask& mask)
    : grid_(atlas.grid()), atlas_source_(or_default(atlas.source(), "label atlas")) {
  require_same_grid(grid_, atlas_source_, or_default(mask.source(), "brain mask"), mask.grid(),
                    "brain mask");
  const auto& all_labels = atlas.labels();
  std::vector<int64_t> counts(all_labels.size(), 0);
  std::vector<int32_t> slot_of_voxel;  // index into all_labels
  bool any_labelled = false;
  const auto values = atlas.volume().data();
  for (int64_t v = 0; v < grid_.voxel_count(); ++v) {
    const auto label = static_cast<int>(values[static_cast<size_t>(v)]);
    if (label == 0) continue;
    any_labelled = true;
    if (!mask.contains(v)) continue;
    const auto it = std::lower_bound(all_labels.begin(), all_labels.end(), label);
    if (it == all_labels.end() || *it != label) continue;  // not a label of the original atlas
    const auto slot = static_cast<int32_t>(it - all_labels.begin());
    ++counts[static_cast<size_t>(slot)];
    voxels_.push_back(v);
    slot_of_voxel.push_back(slot);
  }
  if (voxels_.empty()) {
    throw std::runtime_error(
        atlas_source_ + ": no labelled voxel lies inside " +
        (any_labelled ? "the brain mask (" + or_default(mask.source(), "brain mask") + ")"
                      : std::string("the data's field of view")) +
        " on the data grid (" + describe(grid_) + "); does the atlas overlap the data?");
  }
  // Parcels are the labels that kept voxels, in atlas order.
  std::vector<int32_t> parcel_of_slot(all_labels.size(), -1);
  for (size_t s = 0; s < all_labels.size(); ++s) {
    const std::string& name = atlas.names()[s];
    if (counts[s] == 0) {
      dropped_labels_.push_back(all_labels[s]);
      dropped_names_.push_back(std::to_string(all_labels[s]) + " (" + name + ")");
      continue;
    }
    parcel_of_slot[s] = static_cast<int32_t>(labels_.size());
    labels_.push_back(all_labels[s]);
    names_.push_back(name);
    counts_.push_back(counts[s]);
  }
  parcel_of_.reserve(voxels_.size());
  for (const int32_t slot : slot_of_voxel) {
    parcel_of_.push_back(parcel_of_slot[static_cast<size_t>(slot)]);
  }
}

std::string LabelsMasker::dropped_report() const {
  return join_dropped(dropped_names_, "label", atlas_source_);
}

ParcelSeries LabelsMasker::extract(const Volume& bold) const {
  return extract(frames_of(bold));
}

ParcelSeries LabelsMasker::extract(const FrameSeries& bold) const {
  require_same_grid(grid_, atlas_source_, or_default(bold.source, "BOLD series"), bold.grid,
                    "BOLD series");
  const int64_t parcels = parcel_count();
  ParcelSeries series(bold.frames, parcels, bold.tr_seconds);
  series.names = names_;
  series.labels = labels_;
  std::vector<double> sums(static_cast<size_t>(parcels));  // [P]
  NanTally nan;
  for (int64_t t = 0; t < bold.frames; ++t) {
    const auto frame = bold.frame(t);
    std::fill(sums.begin(), sums.end(), 0.0);
    for (size_t n = 0; n < voxels_.size(); ++n) {
      sums[static_cast<size_t>(parcel_of_[n])] += frame[static_cast<size_t>(voxels_[n])];
    }
    // A NaN voxel makes its parcel's sum NaN: only then look for where.
    if (std::any_of(sums.begin(), sums.end(), [](double v) { return std::isnan(v); })) {
      nan.count(t, frame, voxels_);
    }
    for (int64_t p = 0; p < parcels; ++p) {
      series.at(t, p) = static_cast<float>(sums[static_cast<size_t>(p)] /
                                           static_cast<double>(counts_[static_cast<size_t>(p)]));
    }
  }
  nan.throw_if_any(bold, "atlas");
  return series;
}

// ---- maps ---------------------------------------------------------------------

MapsMasker::MapsMasker(const ProbabilisticAtlas& atlas, const BrainMask& mask)
    : grid_(atlas.grid()), atlas_source_(or_default(atlas.source(), "probabilistic atlas")) {
  require_same_grid(grid_, atlas_source_, or_default(mask.source(), "brain mask"), mask.grid(),
                    "brain mask");
  const int64_t n_maps = atlas.map_count();
  const int64_t n_voxels = grid_.voxel_count();

  // As nilearn: a voxel is used when it is in the mask and some map is nonzero
  // there; a map with no nonzero voxel in the mask is dropped.
  std::vector<uint8_t> used(static_cast<size_t>(n_voxels), 0);
  bool any_support = false;
  for (int64_t k = 0; k < n_maps; ++k) {
    const auto map = atlas.map(k);
    bool kept = false;
    for (int64_t v = 0; v < n_voxels; ++v) {
      if (map[static_cast<size_t>(v)] == 0.0f) continue;
      any_support = true;
      if (!mask.contains(v)) continue;
      used[static_cast<size_t>(v)] = 1;
      kept = true;
    }
    if (kept) {
      map_indices_.push_back(k);
      names_.push_back(atlas.names()[static_cast<size_t>(k)]);
    } else {
      dropped_maps_.push_back(k);
      dropped_names_.push_back(std::to_string(k) + " (" + atlas.names()[static_cast<size_t>(k)] +
                               ")");
    }
  }
  if (map_indices_.empty()) {
    throw std::runtime_error(
        atlas_source_ + ": no map has a nonzero voxel inside " +
        (any_support ? "the brain mask (" + or_default(mask.source(), "brain mask") + ")"
                     : std::string("the data's field of view")) +
        " on the data grid (" + describe(grid_) + "); does the atlas overlap the data?");
  }
  for (int64_t v = 0; v < n_voxels; ++v) {
    if (used[static_cast<size_t>(v)]) voxels_.push_back(v);
  }
  const auto rows = static_cast<int64_t>(voxels_.size());
  const int64_t cols = parcel_count();
  weights_.resize(static_cast<size_t>(rows * cols));
  for (int64_t p = 0; p < cols; ++p) {
    const auto map = atlas.map(map_indices_[static_cast<size_t>(p)]);
    for (int64_t n = 0; n < rows; ++n) {
      weights_[static_cast<size_t>(n * cols + p)] =
          map[static_cast<size_t>(voxels_[static_cast<size_t>(n)])];
    }
  }
  if (rows < cols) {
    throw std::runtime_error(atlas_source_ + ": " + std::to_string(cols) + " maps but only " +
                             std::to_string(rows) +
                             " voxels inside the brain mask; their signals are not defined");
  }
  auto qr = std::make_shared<const kernels::cpu::PivotedQr>(weights_.data(), rows, cols);
  if (qr->rank() < cols) {
    std::string dependent;
    const auto permutation = qr->permutation();
    for (int64_t j = qr->rank(); j < cols; ++j) {
      const auto p = static_cast<size_t>(permutation[static_cast<size_t>(j)]);
      if (!dependent.empty()) dependent += ", ";
      dependent += std::to_string(map_indices_[p]) + " (" + names_[p] + ")";
    }
    const bool one = cols - qr->rank() == 1;
    throw std::runtime_error(
        atlas_source_ + ": inside the brain mask the maps are linearly " + "dependent (rank " +
        std::to_string(qr->rank()) + " of " + std::to_string(cols) + "); " +
        (one ? "map " : "maps ") + dependent + (one ? " is a combination" : " are combinations") +
        " of the others, so no signal is defined for " + (one ? "it" : "them"));
  }
  qr_ = std::move(qr);
}

std::string MapsMasker::dropped_report() const {
  return join_dropped(dropped_names_, "map", atlas_source_);
}

ParcelSeries MapsMasker::extract(const Volume& bold) const {
  return extract(frames_of(bold));
}

ParcelSeries MapsMasker::extract(const FrameSeries& bold) const {
  require_same_grid(grid_, atlas_source_, or_default(bold.source, "BOLD series"), bold.grid,
                    "BOLD series");
  const auto rows = static_cast<int64_t>(voxels_.size());
  const int64_t cols = parcel_count();
  ParcelSeries series(bold.frames, cols, bold.tr_seconds);
  NanTally nan;
  series.names = names_;

  // Frames go through the solver in blocks, so that the right-hand sides
  // [N, block] stay near 32 MB however large the mask is.
  const int64_t block = std::clamp<int64_t>((int64_t{4} << 20) / std::max<int64_t>(rows, 1), 1,
                                            std::max<int64_t>(bold.frames, 1));
  std::vector<double> rhs;       // [N, block]
  std::vector<double> solution;  // [P, block]
  for (int64_t t0 = 0; t0 < bold.frames; t0 += block) {
    const int64_t m = std::min(block, bold.frames - t0);
    rhs.assign(static_cast<size_t>(rows * m), 0.0);
    for (int64_t c = 0; c < m; ++c) {
      const auto frame = bold.frame(t0 + c);
      nan.count(t0 + c, frame, voxels_);
      for (int64_t n = 0; n < rows; ++n) {
        rhs[static_cast<size_t>(n * m + c)] =
            frame[static_cast<size_t>(voxels_[static_cast<size_t>(n)])];
      }
    }
    solution.assign(static_cast<size_t>(cols * m), 0.0);
    if (nan.any()) continue;  // only counting from here on, for the message
    qr_->solve(rhs.data(), m, solution.data());
    for (int64_t c = 0; c < m; ++c) {
      for (int64_t p = 0; p < cols; ++p) {
        series.at(t0 + c, p) = static_cast<float>(solution[static_cast<size_t>(p * m + c)]);
      }
    }
  }
  nan.throw_if_any(bold, "maps' support");
  return series;
}

}  // namespace neuro
