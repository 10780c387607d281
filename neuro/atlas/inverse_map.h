#pragma once
// From parcels back to voxels: one value per parcel (a relevance, a weight, a
// statistic) painted onto the data grid as a 3-D volume to write or view.

#include <span>

#include "neuro/atlas/extraction.h"
#include "neuro/image/volume.h"

namespace neuro {

// Each voxel that `masker` averaged into parcel p gets values[p]; every other
// voxel (background, outside the mask, dropped labels) gets 0. Exact inverse
// of extraction on volumes that are constant within each label.
// `values` is [P]; throws std::invalid_argument for another length.
Volume inverse_map(const LabelsMasker& masker, std::span<const float> values);

// Each voxel in the maps' support gets sum_p maps_p(voxel) * values[p], the
// image that the least-squares fit models; 0 elsewhere. `values` is [P].
Volume inverse_map(const MapsMasker& masker, std::span<const float> values);

}  // namespace neuro
