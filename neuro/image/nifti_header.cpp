#include "neuro/image/nifti_header.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "neuro/image/gzip_file.h"

namespace neuro {

namespace {

constexpr size_t kNifti1Size = 348;
constexpr size_t kNifti2Size = 540;

// Reads fields at byte offsets, swapping when the file's byte order differs
// from the machine's.
class FieldReader {
 public:
  FieldReader(std::span<const uint8_t> bytes, bool swap) : bytes_(bytes), swap_(swap) {}

  template <typename T>
  T get(size_t offset) const {
    T value;
    std::array<uint8_t, sizeof(T)> raw;
    std::memcpy(raw.data(), bytes_.data() + offset, sizeof(T));
    if (swap_) std::reverse(raw.begin(), raw.end());
    std::memcpy(&value, raw.data(), sizeof(T));
    return value;
  }
  std::string text(size_t offset, size_t max_length) const {
    const char* p = reinterpret_cast<const char*>(bytes_.data() + offset);
    size_t n = 0;
    while (n < max_length && p[n] != '\0')
      ++n;
    std::string s(p, n);
    // Keep headers printable in JSON and terminals.
    for (auto& c : s) {
      if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
    }
    return s;
  }

 private:
  std::span<const uint8_t> bytes_;
  bool swap_;
};

int32_t read_int32(std::span<const uint8_t> bytes, bool swap) {
  return FieldReader(bytes, swap).get<int32_t>(0);
}

void parse_nifti2(const FieldReader& f, ImageHeader& h) {
  h.format = ImageFormat::kNifti2;
  h.datatype = f.get<int16_t>(12);
  h.bitpix = f.get<int16_t>(14);
  for (size_t i = 0; i < 8; ++i)
    h.dim[i] = f.get<int64_t>(16 + 8 * i);
  for (size_t i = 0; i < 3; ++i)
    h.intent_params[i] = f.get<double>(80 + 8 * i);
  for (size_t i = 0; i < 8; ++i)
    h.pixdim[i] = f.get<double>(104 + 8 * i);
  h.vox_offset = f.get<int64_t>(168);
  h.scl_slope = f.get<double>(176);
  h.scl_inter = f.get<double>(184);
  h.cal_max = f.get<double>(192);
  h.cal_min = f.get<double>(200);
  h.descrip = f.text(240, 80);
  h.qform_code = f.get<int32_t>(344);
  h.sform_code = f.get<int32_t>(348);
  for (size_t i = 0; i < 3; ++i)
    h.quatern[i] = f.get<double>(352 + 8 * i);
  for (size_t i = 0; i < 3; ++i)
    h.qoffset[i] = f.get<double>(376 + 8 * i);
  for (size_t r = 0; r < 3; ++r) {
    for (size_t c = 0; c < 4; ++c)
      h.srow[r][c] = f.get<double>(400 + 32 * r + 8 * c);
  }
  h.xyzt_units = f.get<int32_t>(500);
  h.intent_code = f.get<int32_t>(504);
  h.intent_name = f.text(508, 16);
}

// NIfTI-1 and Analyze 7.5 share the first 348 bytes' layout up to the fields
// NIfTI-1 gave new meanings to.
void parse_nifti1_or_analyze(const FieldReader& f, ImageHeader& h, bool is_nifti) {
  h.format = is_nifti ? ImageFormat::kNifti1 : ImageFormat::kAnalyze75;
  for (size_t i = 0; i < 8; ++i)
    h.dim[i] = f.get<int16_t>(40 + 2 * i);
  h.datatype = f.get<int16_t>(70);
  h.bitpix = f.get<int16_t>(72);
  for (size_t i = 0; i < 8; ++i)
    h.pixdim[i] = f.get<float>(76 + 4 * i);
  const float vox_offset = f.get<float>(108);
  // Out-of-range floats cannot be cast; such a header is refused in check_dimensions.
  h.vox_offset = std::isfinite(vox_offset) && vox_offset >= 0 && vox_offset < 1e15f
                     ? static_cast<int64_t>(vox_offset)
                     : -1;
  // Analyze's funused1/funused2 hold SPM's scale factor and intercept at the
  // same offsets as NIfTI's scl_slope/scl_inter.
  h.scl_slope = f.get<float>(112);
  h.scl_inter = f.get<float>(116);
  h.cal_max = f.get<float>(124);
  h.cal_min = f.get<float>(128);
  h.glmax = f.get<int32_t>(140);
  h.glmin = f.get<int32_t>(144);
  h.descrip = f.text(148, 80);
  if (is_nifti) {
    for (size_t i = 0; i < 3; ++i)
      h.intent_params[i] = f.get<float>(56 + 4 * i);
    h.intent_code = f.get<int16_t>(68);
    h.xyzt_units = f.get<uint8_t>(123);
    h.qform_code = f.get<int16_t>(252);
    h.sform_code = f.get<int16_t>(254);
    for (size_t i = 0; i < 3; ++i)
      h.quatern[i] = f.get<float>(256 + 4 * i);
    for (size_t i = 0; i < 3; ++i)
      h.qoffset[i] = f.get<float>(268 + 4 * i);
    for (size_t r = 0; r < 3; ++r) {
      for (size_t c = 0; c < 4; ++c)
        h.srow[r][c] = f.get<float>(280 + 16 * r + 4 * c);
    }
    h.intent_name = f.text(328, 16);
  } else {
    // SPM keeps a 1-based origin voxel in the 'originator' field (offset 253).
    for (size_t i = 0; i < 3; ++i)
      h.spm_origin[i] = f.get<int16_t>(253 + 2 * i);
  }
}

void check_dimensions(const ImageHeader& h, const std::string& name) {
  if (h.dim[0] < 1 || h.dim[0] > 7) {
    throw std::runtime_error(name + ": dim[0] is " + std::to_string(h.dim[0]) +
                             ", expected 1 to 7 dimensions");
  }
  for (int64_t i = 1; i <= h.dim[0]; ++i) {
    if (h.dim[static_cast<size_t>(i)] < 1) {
      throw std::runtime_error(name + ": dim[" + std::to_string(i) + "] is " +
                               std::to_string(h.dim[static_cast<size_t>(i)]) +
                               ", expected a positive size");
    }
  }
  if (datatype_size(h.datatype) == 0) {
    throw std::runtime_error(name + ": unknown datatype code " + std::to_string(h.datatype));
  }
  if (h.vox_offset < 0) throw std::runtime_error(name + ": vox_offset is negative or not a number");
  // Keep every size computed from the header far from integer overflow.
  constexpr int64_t kMaxVoxels = int64_t{1} << 40;
  int64_t voxels = 1;
  for (int64_t i = 1; i <= h.dim[0]; ++i) {
    const int64_t d = h.dim[static_cast<size_t>(i)];
    if (d > kMaxVoxels / voxels) {
      throw std::runtime_error(name + ": the dimensions describe more than 2^40 voxels");
    }
    voxels *= d;
  }
}

}  // namespace

const char* image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kAnalyze75:
      return "Analyze 7.5";
    case ImageFormat::kNifti1:
      return "NIfTI-1";
    case ImageFormat::kNifti2:
      return "NIfTI-2";
  }
  return "unknown";
}

const char* datatype_name(int datatype) {
  switch (datatype) {
    case kDtUint8:
      return "uint8";
    case kDtInt16:
      return "int16";
    case kDtInt32:
      return "int32";
    case kDtFloat32:
      return "float32";
    case kDtComplex64:
      return "complex64";
    case kDtFloat64:
      return "float64";
    case kDtRgb24:
      return "rgb24";
    case kDtInt8:
      return "int8";
    case kDtUint16:
      return "uint16";
    case kDtUint32:
      return "uint32";
    case kDtInt64:
      return "int64";
    case kDtUint64:
      return "uint64";
    case kDtFloat128:
      return "float128";
    case kDtComplex128:
      return "complex128";
    case kDtComplex256:
      return "complex256";
    case kDtRgba32:
      return "rgba32";
    default:
      return "unknown";
  }
}

int datatype_size(int datatype) {
  switch (datatype) {
    case kDtUint8:
    case kDtInt8:
      return 1;
    case kDtInt16:
    case kDtUint16:
      return 2;
    case kDtRgb24:
      return 3;
    case kDtInt32:
    case kDtUint32:
    case kDtFloat32:
    case kDtRgba32:
      return 4;
    case kDtInt64:
    case kDtUint64:
    case kDtFloat64:
    case kDtComplex64:
      return 8;
    case kDtFloat128:
    case kDtComplex128:
      return 16;
    case kDtComplex256:
      return 32;
    default:
      return 0;
  }
}

std::array<int64_t, 4> ImageHeader::shape() const {
  std::array<int64_t, 4> s{1, 1, 1, 1};
  for (int64_t i = 1; i <= std::min<int64_t>(dim[0], 4); ++i) {
    s[static_cast<size_t>(i - 1)] = dim[static_cast<size_t>(i)];
  }
  return s;
}

int ImageHeader::spatial_rank() const {
  return static_cast<int>(std::min<int64_t>(dim[0], 3));
}

Affine ImageHeader::sform_affine() const {
  Affine a;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c)
      a(r, c) = srow[static_cast<size_t>(r)][static_cast<size_t>(c)];
  }
  return a;
}

Affine ImageHeader::qform_affine() const {
  // As nibabel: a = sqrt(1 - b^2 - c^2 - d^2), clipped at 0 when rounding makes
  // it slightly negative; qfac is -1 only when pixdim[0] says so.
  const double b = quatern[0], c = quatern[1], d = quatern[2];
  const double w2 = 1.0 - (b * b + c * c + d * d);
  const double a = w2 < 0 ? 0.0 : std::sqrt(w2);
  const double n = a * a + b * b + c * c + d * d;
  Affine out;
  if (n < 1e-12) return out;
  const double s = 2.0 / n;
  const double R[3][3] = {
      {1 - s * (c * c + d * d), s * (b * c - a * d), s * (b * d + a * c)},
      {s * (b * c + a * d), 1 - s * (b * b + d * d), s * (c * d - a * b)},
      {s * (b * d - a * c), s * (c * d + a * b), 1 - s * (b * b + c * c)},
  };
  std::array<double, 3> vox{std::abs(pixdim[1]), std::abs(pixdim[2]), std::abs(pixdim[3])};
  if (pixdim[0] == -1.0) vox[2] = -vox[2];
  for (int r = 0; r < 3; ++r) {
    for (int col = 0; col < 3; ++col)
      out(r, col) = R[r][col] * vox[static_cast<size_t>(col)];
    out(r, 3) = qoffset[static_cast<size_t>(r)];
  }
  return out;
}

Affine ImageHeader::fallback_affine() const {
  // nibabel's shape_zoom_affine with the x axis flipped (radiological storage
  // is Analyze's default); Analyze files use SPM's origin field when sensible.
  const auto s = shape();
  std::array<double, 3> zooms{std::abs(pixdim[1]), std::abs(pixdim[2]), std::abs(pixdim[3])};
  for (auto& z : zooms) {
    if (z == 0) z = 1;
  }
  zooms[0] = -zooms[0];
  std::array<double, 3> origin{};
  bool use_spm = false;
  if (format == ImageFormat::kAnalyze75) {
    bool any = false, inside = true;
    for (size_t i = 0; i < 3; ++i) {
      any = any || spm_origin[i] != 0;
      inside = inside && spm_origin[i] > -s[i] && spm_origin[i] < 2 * s[i];
    }
    use_spm = any && inside;
  }
  for (size_t i = 0; i < 3; ++i) {
    origin[i] = use_spm ? spm_origin[i] - 1.0 : (static_cast<double>(s[i]) - 1.0) / 2.0;
  }
  return Affine::diagonal(zooms[0], zooms[1], zooms[2], -origin[0] * zooms[0],
                          -origin[1] * zooms[1], -origin[2] * zooms[2]);
}

Affine ImageHeader::best_affine() const {
  if (format != ImageFormat::kAnalyze75) {
    if (sform_code != 0) return sform_affine();
    if (qform_code != 0) return qform_affine();
  }
  return fallback_affine();
}

std::optional<std::array<double, 2>> ImageHeader::slope_inter() const {
  if (std::isfinite(scl_slope) && scl_slope != 0) {
    const double inter = std::isfinite(scl_inter) ? scl_inter : 0.0;
    return std::array<double, 2>{scl_slope, inter};
  }
  if (format == ImageFormat::kAnalyze75) {
    // SPM2: derive scaling from the recorded raw and calibrated ranges.
    const double raw_range = glmax - glmin;
    const double scaled_range = cal_max - cal_min;
    if (raw_range != 0 && scaled_range != 0) {
      const double slope = scaled_range / raw_range;
      return std::array<double, 2>{slope, cal_min - slope * glmin};
    }
  }
  return std::nullopt;
}

double ImageHeader::tr_seconds() const {
  if (dim[0] < 4 || dim[4] < 2) return 0.0;
  const double t = pixdim[4];
  switch (xyzt_units & 0x38) {
    case 16:
      return t / 1000.0;
    case 24:
      return t / 1.0e6;
    default:
      return t;
  }
}

const char* ImageHeader::spatial_unit_name() const {
  switch (xyzt_units & 0x07) {
    case 1:
      return "meter";
    case 2:
      return "mm";
    case 3:
      return "micron";
    default:
      return "unknown";
  }
}

const char* ImageHeader::time_unit_name() const {
  switch (xyzt_units & 0x38) {
    case 8:
      return "sec";
    case 16:
      return "msec";
    case 24:
      return "usec";
    default:
      return "unknown";
  }
}

ImageMeta ImageHeader::meta() const {
  ImageMeta m;
  auto code = [](int c) {
    return (c >= 0 && c <= 5) ? static_cast<XformCode>(c) : XformCode::kUnknown;
  };
  if (format != ImageFormat::kAnalyze75) {
    m.sform_code = code(sform_code);
    m.qform_code = code(qform_code);
  }
  m.intent_code = intent_code;
  m.intent_params = intent_params;
  m.intent_name = intent_name;
  m.cal_min = cal_min;
  m.cal_max = cal_max;
  m.descrip = descrip;
  return m;
}

ImageHeader parse_header(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.size() < kNifti1Size) {
    throw std::runtime_error(name + ": file too short for a NIfTI/Analyze header (" +
                             std::to_string(bytes.size()) + " bytes)");
  }
  ImageHeader h;
  bool swap = false;
  const int32_t native = read_int32(bytes, false);
  if (native != static_cast<int32_t>(kNifti1Size) && native != static_cast<int32_t>(kNifti2Size)) {
    const int32_t swapped = read_int32(bytes, true);
    if (swapped != static_cast<int32_t>(kNifti1Size) &&
        swapped != static_cast<int32_t>(kNifti2Size)) {
      throw std::runtime_error(name + ": not a NIfTI or Analyze file (sizeof_hdr is " +
                               std::to_string(native) + ", expected 348 or 540)");
    }
    swap = true;
  }
  h.big_endian = (std::endian::native == std::endian::little) == swap;
  const FieldReader f(bytes, swap);
  const int32_t size = f.get<int32_t>(0);
  if (size == static_cast<int32_t>(kNifti2Size)) {
    if (bytes.size() < kNifti2Size) {
      throw std::runtime_error(name + ": truncated NIfTI-2 header");
    }
    const std::string magic = f.text(4, 3);
    if (magic != "n+2" && magic != "ni2") {
      throw std::runtime_error(name + ": wrong magic '" + magic + "' in a 540-byte header");
    }
    h.single_file = magic == "n+2";
    parse_nifti2(f, h);
  } else {
    const std::string magic = f.text(344, 3);
    const bool is_nifti = magic == "n+1" || magic == "ni1";
    if (!is_nifti && bytes[344] != 0 && magic.rfind("n", 0) == 0) {
      throw std::runtime_error(name + ": wrong magic '" + magic + "', expected 'n+1' or 'ni1'");
    }
    h.single_file = magic == "n+1";
    parse_nifti1_or_analyze(f, h, is_nifti);
  }
  check_dimensions(h, name);
  return h;
}

ImageHeader read_header(const std::filesystem::path& path) {
  const auto bytes = read_file_prefix(path, kNifti2Size);
  auto header = parse_header(bytes, path.string());
  const auto ext = path.extension().string();
  const bool single_name = ext == ".nii" || path.string().ends_with(".nii.gz");
  if (single_name && header.format == ImageFormat::kAnalyze75) {
    throw std::runtime_error(path.string() + ": wrong magic: a .nii file must say 'n+1' or 'n+2'");
  }
  return header;
}

}  // namespace neuro
