#pragma once
// Reads NIfTI-1, NIfTI-2 (.nii, .nii.gz, .hdr/.img) and Analyze 7.5 images of
// any real datatype into a float32 Volume, with scaling applied and the affine
// chosen as nibabel chooses it.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "neuro/image/frame_series.h"
#include "neuro/image/nifti_header.h"
#include "neuro/image/stored_frames.h"
#include "neuro/image/volume.h"

namespace neuro {

// An image file opened for its frames: the header is read at once, the voxels
// frame by frame as they are asked for (a gzip file inflated as a stream on a
// thread of its own, a plain file read where the frame lies), and converted to
// float32. Frames read in order cost one pass over the file; an earlier frame
// of a gzip file restarts the stream.
class StoredImage {
 public:
  // Same checks and errors as read_volume, except that data found to end
  // early inside a gzip stream throw when the frames are read.
  static StoredImage open(const std::filesystem::path& path);

  const ImageHeader& header() const { return header_; }
  const Grid& grid() const { return grid_; }
  int64_t frames() const { return header_.shape()[3]; }
  double tr_seconds() const { return header_.tr_seconds(); }
  const std::string& source() const { return source_; }

  // Frame t with scaling applied, into `out` ([Z][Y][X], voxels_per_frame
  // long). Successive calls share one stream: call in order.
  void read_frame(int64_t t, std::span<float> out) const;
  // Every frame: the whole series in memory as float32 (one pass).
  Volume to_volume() const;
  // Frames converted on demand into one reused buffer, each view with a
  // stream of its own that starts with its first frame; a view serves one
  // reader at a time.
  FrameSeries frames_view() const;

  // How stored values become float32.
  struct Conversion {
    int datatype = 0;
    bool swap = false;
    std::optional<std::array<double, 2>> scaling;
    std::string name;
  };

 private:
  ImageHeader header_;
  Grid grid_;
  std::string source_;
  StoredLayout layout_;
  Conversion conversion_;
  mutable std::shared_ptr<StoredFrames> cursor_;  // read_frame's stream
};

// Throws std::runtime_error("<path>: <problem>") for a missing, truncated or
// malformed file, or for datatypes that have no real value (complex, RGB).
Volume read_volume(const std::filesystem::path& path);

// The same, and also hands back the header it read.
Volume read_volume(const std::filesystem::path& path, ImageHeader& header);

}  // namespace neuro
