#pragma once
// Reads NIfTI-1, NIfTI-2 (.nii, .nii.gz, .hdr/.img) and Analyze 7.5 images of
// any real datatype into a float32 Volume, with scaling applied and the affine
// chosen as nibabel chooses it.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "neuro/image/frame_series.h"
#include "neuro/image/nifti_header.h"
#include "neuro/image/volume.h"

namespace neuro {

// An image file decompressed once and kept as stored (int16 stays 2 bytes a
// voxel), converted to float32 a frame at a time on demand.
class StoredImage {
 public:
  // Same checks and errors as read_volume.
  static StoredImage open(const std::filesystem::path& path);

  const ImageHeader& header() const { return header_; }
  const Grid& grid() const { return grid_; }
  int64_t frames() const { return header_.shape()[3]; }
  double tr_seconds() const { return header_.tr_seconds(); }
  const std::string& source() const { return source_; }

  // Frame t with scaling applied, into `out` ([Z][Y][X], voxels_per_frame long).
  void read_frame(int64_t t, std::span<float> out) const;
  // Every frame: the whole series in memory as float32.
  Volume to_volume() const;
  // Frames converted on demand into one reused buffer; the image must outlive
  // the view, and a view serves one reader at a time.
  FrameSeries frames_view() const;

 private:
  ImageHeader header_;
  Grid grid_;
  std::string source_;
  std::vector<uint8_t> bytes_;  // the file whose data start at offset_
  size_t offset_ = 0;
  bool swap_ = false;
  std::optional<std::array<double, 2>> scaling_;
};

// Throws std::runtime_error("<path>: <problem>") for a missing, truncated or
// malformed file, or for datatypes that have no real value (complex, RGB).
Volume read_volume(const std::filesystem::path& path);

// The same, and also hands back the header it read.
Volume read_volume(const std::filesystem::path& path, ImageHeader& header);

}  // namespace neuro
