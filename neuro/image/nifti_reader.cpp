#include "neuro/image/nifti_reader.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "neuro/image/gzip_file.h"
#include "neuro/image/gzip_stream.h"

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

template <typename T, bool Swap>
T load(const uint8_t* p) {
  std::array<uint8_t, sizeof(T)> raw;
  std::memcpy(raw.data(), p, sizeof(T));
  if constexpr (Swap) std::reverse(raw.begin(), raw.end());
  T value;
  std::memcpy(&value, raw.data(), sizeof(T));
  return value;
}

// Converts `count` stored values to float with y = slope * x + inter computed
// in double, as nibabel's get_fdata does before any float32 cast. The flags
// are template arguments so that each of the four loops vectorises: this runs
// on every voxel of every frame.
template <typename T, bool Swap, bool Scale>
void convert(const uint8_t* src, size_t count, double slope, double inter, float* dst) {
  for (size_t i = 0; i < count; ++i) {
    const double x = static_cast<double>(load<T, Swap>(src + i * sizeof(T)));
    if constexpr (Scale) {
      dst[i] = static_cast<float>(x * slope + inter);
    } else {
      dst[i] = static_cast<float>(x);
    }
  }
}

template <typename T>
void convert(const uint8_t* src, size_t count, bool swap, const StoredImage::Conversion& c,
             float* dst) {
  const double slope = c.scaling ? (*c.scaling)[0] : 1.0;
  const double inter = c.scaling ? (*c.scaling)[1] : 0.0;
  if constexpr (std::is_same_v<T, float>) {
    // nibabel and our writer store float32 with slope 1 and intercept 0.
    // x * 1.0 + 0.0 in double, cast back, is x + 0.0f exactly (-0 becomes +0,
    // a signalling NaN quiet), so this float-only loop gives the same bits.
    if (!swap && c.scaling && slope == 1.0 && inter == 0.0) {
      float value;
      for (size_t i = 0; i < count; ++i) {
        std::memcpy(&value, src + i * sizeof(float), sizeof(float));
        dst[i] = value + 0.0f;
      }
      return;
    }
  }
  if (swap) {
    return c.scaling ? convert<T, true, true>(src, count, slope, inter, dst)
                     : convert<T, true, false>(src, count, slope, inter, dst);
  }
  return c.scaling ? convert<T, false, true>(src, count, slope, inter, dst)
                   : convert<T, false, false>(src, count, slope, inter, dst);
}

[[noreturn]] void throw_no_real_value(const std::string& name, int datatype) {
  throw std::runtime_error(name + ": datatype " + datatype_name(datatype) +
                           " has no single real value per voxel; convert it to a real type "
                           "(e.g. magnitude as float32) first");
}

void convert_frame(const StoredImage::Conversion& c, std::span<const uint8_t> src,
                   std::span<float> dst) {
  const uint8_t* s = src.data();
  const size_t n = dst.size();
  const bool swap = c.swap;
  switch (c.datatype) {
    case kDtUint8:
      return convert<uint8_t>(s, n, swap, c, dst.data());
    case kDtInt8:
      return convert<int8_t>(s, n, swap, c, dst.data());
    case kDtInt16:
      return convert<int16_t>(s, n, swap, c, dst.data());
    case kDtUint16:
      return convert<uint16_t>(s, n, swap, c, dst.data());
    case kDtInt32:
      return convert<int32_t>(s, n, swap, c, dst.data());
    case kDtUint32:
      return convert<uint32_t>(s, n, swap, c, dst.data());
    case kDtInt64:
      return convert<int64_t>(s, n, swap, c, dst.data());
    case kDtUint64:
      return convert<uint64_t>(s, n, swap, c, dst.data());
    case kDtFloat32:
      return convert<float>(s, n, swap, c, dst.data());
    case kDtFloat64:
      return convert<double>(s, n, swap, c, dst.data());
    case kDtFloat128:
      // Stored as the platform's long double, as nibabel (numpy) reads it;
      // x86-64 keeps an 80-bit extended value in 16 bytes.
      if constexpr (sizeof(long double) == 16) {
        return convert<long double>(s, n, swap, c, dst.data());
      }
      break;
    default:
      break;
  }
  throw_no_real_value(c.name, c.datatype);
}

// The first bytes of a (possibly gzip-compressed) header file: enough for
// either header version, fewer when the file is shorter.
std::vector<uint8_t> header_bytes(const std::filesystem::path& path) {
  constexpr size_t kWanted = 540;  // a NIfTI-2 header; NIfTI-1 needs 348
  std::vector<uint8_t> bytes(kWanted);
  if (is_gzip_file(path)) {
    GzipStream stream(path);
    bytes.resize(stream.read(bytes));
    return bytes;
  }
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw std::runtime_error(path.string() + ": cannot open the file");
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file.get()));
  if (std::ferror(file.get())) throw std::runtime_error(path.string() + ": read error");
  return bytes;
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

size_t voxels_per_frame(const Grid& grid) {
  return static_cast<size_t>(grid.voxel_count());
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
  auto& header = image.header_;
  header = parse_header(header_bytes(paths.header), paths.header.string());
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
  if (!has_real_values(header.datatype)) throw_no_real_value(name, header.datatype);
  auto& layout = image.layout_;
  layout.name = name;
  layout.file = paths.image;
  layout.offset = static_cast<uint64_t>(header.vox_offset);
  if (header.single_file && paths.image == paths.header) {
    if (header.format == ImageFormat::kNifti1)
      layout.offset = std::max<uint64_t>(layout.offset, 352);
    if (header.format == ImageFormat::kNifti2)
      layout.offset = std::max<uint64_t>(layout.offset, 544);
  } else if (paths.image == paths.header || !std::filesystem::exists(paths.image)) {
    throw std::runtime_error(name + ": the image file of this header pair is missing (" +
                             paths.image.filename().string() + ")");
  }
  const auto shape = header.shape();
  image.grid_ = Grid{{shape[0], shape[1], shape[2]}, header.best_affine()};
  layout.frame_bytes =
      voxels_per_frame(image.grid_) * static_cast<size_t>(datatype_size(header.datatype));
  layout.frames = shape[3];
  layout.gzip = is_gzip_file(layout.file);
  // A plain file's size tells at once whether the voxels are all there; a
  // gzip stream tells when it ends, as the frames are read.
  if (!layout.gzip) {
    const uint64_t held = std::filesystem::file_size(layout.file);
    if (held < layout.offset + layout.frame_bytes * static_cast<uint64_t>(layout.frames)) {
      throw std::runtime_error(truncated_message(layout, held));
    }
  }
  image.conversion_.datatype = header.datatype;
  image.conversion_.swap = header.big_endian != (std::endian::native == std::endian::big);
  image.conversion_.scaling = header.slope_inter();
  image.conversion_.name = name;
  return image;
}

void StoredImage::read_frame(int64_t t, std::span<float> out) const {
  if (t < 0 || t >= frames() || out.size() != voxels_per_frame(grid_)) {
    throw std::out_of_range(source_ + ": frame " + std::to_string(t) + " out of range");
  }
  if (!cursor_) cursor_ = std::make_shared<StoredFrames>(layout_);
  convert_frame(conversion_, cursor_->frame(t), out);
}

Volume StoredImage::to_volume() const {
  Volume volume(grid_, frames(), tr_seconds());
  volume.meta() = header_.meta();
  volume.set_source(source_);
  StoredFrames stored(layout_);
  for (int64_t t = 0; t < frames(); ++t)
    convert_frame(conversion_, stored.frame(t), volume.frame(t));
  return volume;
}

FrameSeries StoredImage::frames_view() const {
  // The view owns its stream and buffer, shared by its copies; the stream
  // (and its thread) starts with the first frame asked for and ends with the
  // last copy of the view.
  struct State {
    StoredLayout layout;
    Conversion conversion;
    size_t voxels = 0;
    std::unique_ptr<StoredFrames> stored;
    std::vector<float> buffer;  // for frames that need converting
  };
  auto state = std::make_shared<State>();
  state->layout = layout_;
  state->conversion = conversion_;
  state->voxels = voxels_per_frame(grid_);
  // Native float32 without scaling converts to itself (float -> double ->
  // float changes no value, and GCC folds it away, signalling NaNs included):
  // the stored frame is handed out as it lies, one copy fewer per frame.
  const bool as_stored =
      conversion_.datatype == kDtFloat32 && !conversion_.swap && !conversion_.scaling;
  return {grid_, frames(), tr_seconds(), source_, [state, as_stored](int64_t t) {
            if (!state->stored) state->stored = std::make_unique<StoredFrames>(state->layout);
            const auto bytes = state->stored->frame(t);
            if (as_stored && reinterpret_cast<uintptr_t>(bytes.data()) % alignof(float) == 0) {
              return std::span<const float>(reinterpret_cast<const float*>(bytes.data()),
                                            state->voxels);
            }
            state->buffer.resize(state->voxels);
            convert_frame(state->conversion, bytes, state->buffer);
            return std::span<const float>(state->buffer);
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
