#pragma once
// What a NIfTI-1, NIfTI-2 or Analyze 7.5 header says, parsed from its raw
// bytes (either byte order), kept apart from voxel access. The affine and the
// scaling are chosen as nibabel chooses them, so that a map lands where every
// other tool puts it.

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "neuro/image/affine.h"
#include "neuro/image/volume.h"

namespace neuro {

enum class ImageFormat { kAnalyze75, kNifti1, kNifti2 };
const char* image_format_name(ImageFormat format);

// NIfTI datatype codes (nifti1.h).
enum NiftiDatatype : int {
  kDtUint8 = 2,
  kDtInt16 = 4,
  kDtInt32 = 8,
  kDtFloat32 = 16,
  kDtComplex64 = 32,
  kDtFloat64 = 64,
  kDtRgb24 = 128,
  kDtInt8 = 256,
  kDtUint16 = 512,
  kDtUint32 = 768,
  kDtInt64 = 1024,
  kDtUint64 = 1280,
  kDtFloat128 = 1536,
  kDtComplex128 = 1792,
  kDtComplex256 = 2048,
  kDtRgba32 = 2304,
};
const char* datatype_name(int datatype);
// Bytes per voxel of a datatype, 0 when the code is not a NIfTI datatype.
int datatype_size(int datatype);

struct ImageHeader {
  ImageFormat format = ImageFormat::kNifti1;
  bool big_endian = false;
  bool single_file = true;       // .nii (data after the header) rather than .hdr/.img
  std::array<int64_t, 8> dim{};  // dim[0] = number of dimensions
  std::array<double, 8> pixdim{};
  int datatype = 0;
  int bitpix = 0;
  int64_t vox_offset = 0;
  double scl_slope = 0;
  double scl_inter = 0;
  int xyzt_units = 0;
  int intent_code = 0;
  std::array<double, 3> intent_params{0, 0, 0};
  std::string intent_name;
  double cal_min = 0;
  double cal_max = 0;
  double glmin = 0;  // Analyze: recorded raw range, used by SPM2 scaling
  double glmax = 0;
  std::string descrip;
  int qform_code = 0;
  int sform_code = 0;
  std::array<double, 3> quatern{0, 0, 0};  // b, c, d
  std::array<double, 3> qoffset{0, 0, 0};
  std::array<std::array<double, 4>, 3> srow{};
  std::array<int16_t, 3> spm_origin{0, 0, 0};  // Analyze (SPM): 1-based origin voxel

  // Image shape: x, y, z, t (1 where the header has fewer dimensions).
  std::array<int64_t, 4> shape() const;
  int spatial_rank() const;  // dims beyond 4 must be 1 for fMRI use
  // The voxel -> world affine nibabel picks: sform if its code > 0, else qform
  // if its code > 0, else the pixdim fall-back (Analyze: SPM origin).
  Affine best_affine() const;
  Affine qform_affine() const;
  Affine sform_affine() const;
  Affine fallback_affine() const;
  // The scaling applied to stored values; nullopt when none applies
  // (slope 0, NaN or infinite).
  std::optional<std::array<double, 2>> slope_inter() const;
  // Time between volumes in seconds from pixdim[4] and xyzt_units (ms and us
  // converted); 0 when the image has no time axis.
  double tr_seconds() const;
  const char* spatial_unit_name() const;
  const char* time_unit_name() const;
  // What a writer should carry over (codes, intent, calibration, descrip).
  ImageMeta meta() const;
};

// Parses the first bytes of a header file. `name` is used in error messages.
// Throws std::runtime_error("<name>: <problem>") on anything malformed.
ImageHeader parse_header(std::span<const uint8_t> bytes, const std::string& name);

// Reads just the header of an image file (.nii, .nii.gz, .hdr, .img).
ImageHeader read_header(const std::filesystem::path& path);

}  // namespace neuro
