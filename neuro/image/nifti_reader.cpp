#include "neuro/image/nifti_reader.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "neuro/image/gzip_file.h"

namespace neuro {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// For a pair, the header and the image file: x.hdr[.gz] <-> x.img[.gz].
struct PairPaths {
  std::filesystem::path header;
  std::filesystem::path image;
};

PairPaths pair_paths(const std::filesystem::path& path) {
  const std::string s = path.string();
  for (const auto& [from, to] : {std::pair{".hdr.gz", ".img.gz"}, std::pair{".hdr", ".img"},
                                 std::pair{".img.gz", ".hdr.gz"}, std::pair{".img", ".hdr"}}) {
    if (ends_with(s, from)) {
      const std::string stem = s.substr(0, s.size() - std::strlen(from));
      const bool given_header = std::string(from).rfind(".hdr", 0) == 0;
      std::filesystem::path other = stem + to;
      if (!std::filesystem::exists(other)) {
        // A compressed header may sit beside an uncompressed image and back.
        const std::string alt = ends_with(to, ".gz") ? stem + std::string(to).substr(0, 4)
                                                     : stem + std::string(to) + ".gz";
        if (std::filesystem::exists(alt)) other = alt;
      }
      return given_header ? PairPaths{path, other} : PairPaths{other, path};
    }
  }
  return {path, path};
}

template <typename T>
T load(const uint8_t* p, bool swap) {
  std::array<uint8_t, sizeof(T)> raw;
  std::memcpy(raw.data(), p, sizeof(T));
  if (swap) std::reverse(raw.begin(), raw.end());
  T value;
  std::memcpy(&value, raw.data(), sizeof(T));
  return value;
}

// Converts `count` stored values to float with y = slope * x + inter computed
// in double, as nibabel's get_fdata does before any float32 cast.
template <typename T>
void convert(const uint8_t* src, size_t count, bool swap, bool scale, double slope, double inter,
             float* dst) {
  for (size_t i = 0; i < count; ++i) {
    const double x = static_cast<double>(load<T>(src + i * sizeof(T), swap));
    dst[i] = static_cast<float>(scale ? x * slope + inter : x);
  }
}

void convert_any(int datatype, const uint8_t* src, size_t count, bool swap, bool scale,
                 double slope, double inter, float* dst, const std::string& name) {
  switch (datatype) {
    case kDtUint8:
      return convert<uint8_t>(src, count, swap, scale, slope, inter, dst);
    case kDtInt8:
      return convert<int8_t>(src, count, swap, scale, slope, inter, dst);
    case kDtInt16:
      return convert<int16_t>(src, count, swap, scale, slope, inter, dst);
    case kDtUint16:
      return convert<uint16_t>(src, count, swap, scale, slope, inter, dst);
    case kDtInt32:
      return convert<int32_t>(src, count, swap, scale, slope, inter, dst);
    case kDtUint32:
      return convert<uint32_t>(src, count, swap, scale, slope, inter, dst);
    case kDtInt64:
      return convert<int64_t>(src, count, swap, scale, slope, inter, dst);
    case kDtUint64:
      return convert<uint64_t>(src, count, swap, scale, slope, inter, dst);
    case kDtFloat32:
      return convert<float>(src, count, swap, scale, slope, inter, dst);
    case kDtFloat64:
      return convert<double>(src, count, swap, scale, slope, inter, dst);
    case kDtFloat128:
      // Stored as the platform's long double, as nibabel (numpy) reads it;
      // x86-64 keeps an 80-bit extended value in 16 bytes.
      if constexpr (sizeof(long double) == 16) {
        return convert<long double>(src, count, swap, scale, slope, inter, dst);
      }
      break;
    default:
      break;
  }
  throw std::runtime_error(name + ": datatype " + datatype_name(datatype) +
                           " has no single real value per voxel; convert it to a real type "
                           "(e.g. magnitude as float32) first");
}

bool has_real_values(int datatype) {
  switch (datatype) {
    case kDtComplex64:
    case kDtComplex128:
    case kDtComplex256:
    case kDtRgb24:
    case kDtRgba32:
      return false;
    case kDtFloat128:
      return sizeof(long double) == 16;
    default:
      return true;
  }
}

}  // namespace

StoredImage StoredImage::open(const std::filesystem::path& path) {
  const auto paths = pair_paths(path);
  const std::string name = path.string();
  if (!std::filesystem::exists(paths.header)) {
    throw std::runtime_error(paths.header.string() + ": no such file");
  }
  StoredImage image;
  image.source_ = name;
  image.bytes_ = read_whole_file(paths.header);
  auto& header = image.header_;
  header = parse_header(image.bytes_, paths.header.string());
  const bool named_single = ends_with(name, ".nii") || ends_with(name, ".nii.gz");
  if (named_single && header.format == ImageFormat::kAnalyze75) {
    throw std::runtime_error(name + ": wrong magic: a .nii file must say 'n+1' or 'n+2'");
  }
  for (size_t i = 5; i <= static_cast<size_t>(header.dim[0]); ++i) {
    if (header.dim[i] > 1) {
      throw std::runtime_error(name + ": has " + std::to_string(header.dim[0]) +
                               " dimensions (dim[" + std::to_string(i) +
                               "] = " + std::to_string(header.dim[i]) +
                               "); only 3-D and 4-D images are volumes (CIFTI is not)");
    }
  }
  if (!has_real_values(header.datatype)) {
    throw std::runtime_error(name + ": datatype " + datatype_name(header.datatype) +
                             " has no single real value per voxel; convert it to a real type "
                             "(e.g. magnitude as float32) first");
  }
  image.offset_ = static_cast<size_t>(header.vox_offset);
  if (header.single_file && paths.image == paths.header) {
    if (header.format == ImageFormat::kNifti1) image.offset_ = std::max<size_t>(image.offset_, 352);
    if (header.format == ImageFormat::kNifti2) image.offset_ = std::max<size_t>(image.offset_, 544);
  } else {
    if (paths.image == paths.header || !std::filesystem::exists(paths.image)) {
      throw std::runtime_error(name + ": the image file of this header pair is missing (" +
                               paths.image.filename().string() + ")");
    }
    image.bytes_ = read_whole_file(paths.image);
  }
  const auto shape = header.shape();
  const size_t voxels = static_cast<size_t>(shape[0] * shape[1] * shape[2] * shape[3]);
  const size_t bytes_needed = voxels * static_cast<size_t>(datatype_size(header.datatype));
  const size_t held = image.bytes_.size();
  if (held < image.offset_ + bytes_needed) {
    throw std::runtime_error(name + ": truncated: the header describes " +
                             std::to_string(bytes_needed) + " bytes of voxels after offset " +
                             std::to_string(image.offset_) + ", the file holds " +
                             std::to_string(held > image.offset_ ? held - image.offset_ : 0));
  }
  image.grid_ = Grid{{shape[0], shape[1], shape[2]}, header.best_affine()};
  image.scaling_ = header.slope_inter();
  image.swap_ = header.big_endian != (std::endian::native == std::endian::big);
  return image;
}

void StoredImage::read_frame(int64_t t, std::span<float> out) const {
  const auto per_frame = static_cast<size_t>(grid_.voxel_count());
  if (t < 0 || t >= frames() || out.size() != per_frame) {
    throw std::out_of_range(source_ + ": frame " + std::to_string(t) + " out of range");
  }
  const size_t item = static_cast<size_t>(datatype_size(header_.datatype));
  convert_any(header_.datatype, bytes_.data() + offset_ + static_cast<size_t>(t) * per_frame * item,
              per_frame, swap_, scaling_.has_value(), scaling_ ? (*scaling_)[0] : 1.0,
              scaling_ ? (*scaling_)[1] : 0.0, out.data(), source_);
}

Volume StoredImage::to_volume() const {
  Volume volume(grid_, frames(), tr_seconds());
  volume.meta() = header_.meta();
  volume.set_source(source_);
  for (int64_t t = 0; t < frames(); ++t)
    read_frame(t, volume.frame(t));
  return volume;
}

FrameSeries StoredImage::frames_view() const {
  auto buffer = std::make_shared<std::vector<float>>(static_cast<size_t>(grid_.voxel_count()));
  return {grid_, frames(), tr_seconds(), source_, [this, buffer](int64_t t) {
            read_frame(t, *buffer);
            return std::span<const float>(*buffer);
          }};
}

Volume read_volume(const std::filesystem::path& path) {
  return StoredImage::open(path).to_volume();
}

Volume read_volume(const std::filesystem::path& path, ImageHeader& header) {
  const auto image = StoredImage::open(path);
  header = image.header();
  return image.to_volume();
}

}  // namespace neuro
