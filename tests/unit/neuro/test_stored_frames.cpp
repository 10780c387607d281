// Frames streamed from a stored image (a gzip file inflated on a thread of its
// own, a plain file read frame by frame) must be, bit for bit, the values the
// file holds, however the file is laid out; a broken stream must give one
// clear line and never leave the inflating thread behind.

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <thread>
#include <vector>

#include "error_of.h"
#include "neuro/atlas/extraction.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/image/nifti_writer.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using neuroseq_test::error_of;

namespace {

constexpr int64_t kX = 6, kY = 5, kZ = 4, kFrames = 100;  // more frames than the ring holds
constexpr int64_t kVoxels = kX * kY * kZ;
constexpr float kSlope = 0.37f, kInter = -3.5f;

template <typename T>
void put(std::vector<uint8_t>& bytes, size_t offset, T value, bool big_endian) {
  uint8_t raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof(T));
  if (big_endian) std::reverse(raw, raw + sizeof(T));
  std::memcpy(bytes.data() + offset, raw, sizeof(T));
}

// A NIfTI-1 header of an int16 series written field by field, so that the
// byte order, the scaling and the file layout are the test's own choice.
std::vector<uint8_t> int16_header(bool big_endian, bool single_file) {
  std::vector<uint8_t> h(single_file ? 352 : 348, 0);
  put<int32_t>(h, 0, 348, big_endian);
  const int16_t dim[8] = {4, kX, kY, kZ, kFrames, 1, 1, 1};
  for (int i = 0; i < 8; ++i)
    put<int16_t>(h, 40 + 2 * static_cast<size_t>(i), dim[i], big_endian);
  put<int16_t>(h, 70, 4, big_endian);   // int16
  put<int16_t>(h, 72, 16, big_endian);  // bitpix
  const float pixdim[8] = {1, 2, 2, 2, 1.5f, 0, 0, 0};
  for (int i = 0; i < 8; ++i)
    put<float>(h, 76 + 4 * static_cast<size_t>(i), pixdim[i], big_endian);
  put<float>(h, 108, single_file ? 352.0f : 0.0f, big_endian);
  put<float>(h, 112, kSlope, big_endian);
  put<float>(h, 116, kInter, big_endian);
  h[123] = 10;                           // mm, s
  put<int16_t>(h, 254, 1, big_endian);   // sform_code: scanner
  put<float>(h, 280, 2.0f, big_endian);  // srow_x[0]
  put<float>(h, 300, 2.0f, big_endian);  // srow_y[1]
  put<float>(h, 320, 2.0f, big_endian);  // srow_z[2]
  std::memcpy(h.data() + 344, single_file ? "n+1" : "ni1", 4);
  return h;
}

int16_t stored_value(int64_t v, int64_t t) {
  return static_cast<int16_t>((v * 337 + t * 1009) % 60000 - 30000);
}

std::vector<uint8_t> int16_voxels(bool big_endian) {
  std::vector<uint8_t> bytes(static_cast<size_t>(kVoxels * kFrames) * 2);
  for (int64_t t = 0; t < kFrames; ++t) {
    for (int64_t v = 0; v < kVoxels; ++v)
      put<int16_t>(bytes, static_cast<size_t>(t * kVoxels + v) * 2, stored_value(v, t), big_endian);
  }
  return bytes;
}

// What nibabel's get_fdata gives, cast to float32: scaled in double.
float expected_value(int64_t v, int64_t t) {
  return static_cast<float>(static_cast<double>(stored_value(v, t)) * static_cast<double>(kSlope) +
                            static_cast<double>(kInter));
}

void write_plain(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

// One gzip member per piece, cut at the given offsets (zlib's append mode
// starts a member each time the file is opened).
void write_gzip_members(const fs::path& path, const std::vector<uint8_t>& bytes,
                        const std::vector<size_t>& cuts) {
  fs::remove(path);
  size_t start = 0;
  for (size_t i = 0; i <= cuts.size(); ++i) {
    const size_t end = i < cuts.size() ? cuts[i] : bytes.size();
    gzFile file = gzopen(path.c_str(), "ab1");
    ASSERT_NE(file, nullptr);
    if (end > start) {
      ASSERT_EQ(gzwrite(file, bytes.data() + start, static_cast<unsigned>(end - start)),
                static_cast<int>(end - start));
    }
    ASSERT_EQ(gzclose(file), Z_OK);
    start = end;
  }
}

// A gzip member put together byte by byte, with a file name of `name_bytes`
// bytes in its header: a header that long crosses the reader's input chunks.
std::vector<uint8_t> gzip_member(std::span<const uint8_t> data, size_t name_bytes) {
  // magic, deflate, flags (FNAME), mtime, extra flags, OS (Unix), name
  std::vector<uint8_t> out(10 + name_bytes + (name_bytes ? 1 : 0), 'n');
  const uint8_t fixed[10] = {0x1f, 0x8b, 8, static_cast<uint8_t>(name_bytes ? 0x08 : 0), 0, 0, 0,
                             0,    0,    3};
  std::copy(fixed, fixed + 10, out.begin());
  if (name_bytes) out.back() = 0;
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::vector<uint8_t> deflated(deflateBound(&z, static_cast<uLong>(data.size())));
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = deflated.data();
  z.avail_out = static_cast<uInt>(deflated.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  deflated.resize(z.total_out);
  deflateEnd(&z);
  out.insert(out.end(), deflated.begin(), deflated.end());
  const auto crc = static_cast<uint32_t>(crc32(0, data.data(), static_cast<uInt>(data.size())));
  const auto size = static_cast<uint32_t>(data.size());
  for (const uint32_t word : {crc, size}) {
    for (int b = 0; b < 4; ++b)
      out.push_back(static_cast<uint8_t>(word >> (8 * b)));
  }
  return out;
}

std::vector<uint8_t> concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

size_t thread_count() {
  return static_cast<size_t>(std::distance(fs::directory_iterator("/proc/self/task"), {}));
}

// A joined thread leaves /proc a moment after join returns.
bool back_to(size_t threads) {
  for (int i = 0; i < 200 && thread_count() != threads; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return thread_count() == threads;
}

void expect_frame(std::span<const float> frame, int64_t t) {
  ASSERT_EQ(frame.size(), static_cast<size_t>(kVoxels));
  for (int64_t v = 0; v < kVoxels; ++v) {
    const float want = expected_value(v, t);
    ASSERT_EQ(std::memcmp(&frame[static_cast<size_t>(v)], &want, sizeof(float)), 0)
        << "voxel " << v << " of frame " << t;
  }
}

// Every way of reading gives the file's values: the whole volume, a view read
// in order, read_frame in order.
void expect_every_read_exact(const fs::path& path) {
  SCOPED_TRACE(path.filename().string());
  const auto volume = neuro::read_volume(path);
  ASSERT_EQ(volume.frames(), kFrames);
  EXPECT_NEAR(volume.tr_seconds(), 1.5, 1e-9);
  for (int64_t t = 0; t < kFrames; ++t)
    expect_frame(volume.frame(t), t);
  const auto image = neuro::StoredImage::open(path);
  const auto view = image.frames_view();
  for (int64_t t = 0; t < kFrames; ++t)
    expect_frame(view.frame(t), t);
  std::vector<float> frame(static_cast<size_t>(kVoxels));
  for (int64_t t = 0; t < kFrames; ++t) {
    image.read_frame(t, frame);
    expect_frame(frame, t);
  }
}

}  // namespace

TEST(StoredFrames, EveryLayoutAndByteOrderGivesTheStoredValuesExactly) {
  neuroseq_test::TempDir dir("stored_layouts");
  for (const bool big : {false, true}) {
    const std::string order = big ? "be" : "le";
    const auto single = concat(int16_header(big, true), int16_voxels(big));
    write_plain(dir / (order + ".nii"), single);
    write_gzip_members(dir / (order + ".nii.gz"), single, {});
    // Members that end inside the header, inside a frame and on a frame's edge.
    write_gzip_members(dir / (order + "_members.nii.gz"), single,
                       {100, 352 + 7 * kVoxels * 2 + 31, 352 + 40 * kVoxels * 2});
    write_plain(dir / (order + "_pair.hdr"), int16_header(big, false));
    write_plain(dir / (order + "_pair.img"), int16_voxels(big));
    write_plain(dir / (order + "_gzpair.hdr"), int16_header(big, false));
    write_gzip_members(dir / (order + "_gzpair.img.gz"), int16_voxels(big), {5000});
    for (const char* suffix : {".nii", ".nii.gz", "_members.nii.gz", "_pair.hdr", "_gzpair.hdr"})
      expect_every_read_exact(dir / (order + suffix));
  }
  EXPECT_TRUE(neuro::StoredImage::open(dir / "be.nii.gz").header().big_endian);
}

TEST(StoredFrames, HeadersLongerThanAReadAndEmptyMembersAreFollowed) {
  neuroseq_test::TempDir dir("stored_long_header");
  const auto single = concat(int16_header(false, true), int16_voxels(false));
  const std::span<const uint8_t> all(single);
  auto file = gzip_member(all.first(5000), size_t{3} << 19);
  file = concat(file, gzip_member({}, 0));
  file = concat(file, gzip_member(all.subspan(5000), 300));
  write_plain(dir / "run.nii.gz", file);
  expect_every_read_exact(dir / "run.nii.gz");
}

TEST(StoredFrames, ZeroPaddingAfterTheLastMemberIsIgnoredAsGzipDoes) {
  neuroseq_test::TempDir dir("stored_padding");
  write_gzip_members(dir / "run.nii.gz", concat(int16_header(false, true), int16_voxels(false)),
                     {});
  std::ofstream(dir / "run.nii.gz", std::ios::binary | std::ios::app) << std::string(64, '\0');
  expect_every_read_exact(dir / "run.nii.gz");
}

TEST(StoredFrames, FramesOutOfOrderAndSecondPassesRestartTheStream) {
  neuroseq_test::TempDir dir("stored_order");
  write_gzip_members(dir / "run.nii.gz", concat(int16_header(true, true), int16_voxels(true)), {});
  const auto image = neuro::StoredImage::open(dir / "run.nii.gz");
  std::vector<float> frame(static_cast<size_t>(kVoxels));
  for (const int64_t t : {5, 2, 2, 3, 99, 0, 70}) {
    image.read_frame(t, frame);
    expect_frame(frame, t);
  }
  // A brain mask computed from the data, then extraction: two passes.
  const auto whole = image.to_volume();
  const auto view = image.frames_view();
  for (const int64_t t : {0, 1, 60, 10, 11}) {
    expect_frame(view.frame(t), t);
    expect_frame(whole.frame(t), t);
  }
}

TEST(StoredFrames, ProjectWrittenFloatRunStreamsBitForBit) {
  neuroseq_test::TempDir dir("stored_float");
  neuro::Grid grid{{7, 6, 5}, neuro::Affine::diagonal(-3, 3, 3, 12, -9, -6)};
  neuro::Volume bold(grid, 80, 2.0);
  for (size_t i = 0; i < bold.data().size(); ++i)
    bold.data()[i] = std::sin(static_cast<float>(i) * 0.37f) * 1e3f + 1e-7f * static_cast<float>(i);
  // Values that a shortcut could get wrong: signed zero, subnormals, infinity, NaN.
  const float special[] = {-0.0f, 1e-40f, -1e-40f, INFINITY, -INFINITY, NAN};
  for (size_t i = 0; i < std::size(special); ++i)
    bold.data()[300 + 7 * i] = special[i];
  neuro::write_nifti(bold, dir / "bold.nii.gz");  // float32, slope 1, intercept 0
  neuro::write_nifti(bold, dir / "bold.nii");
  // What scaling in double gives, kept from being folded away.
  volatile double slope = 1.0, inter = 0.0;
  for (const char* name : {"bold.nii.gz", "bold.nii"}) {
    SCOPED_TRACE(name);
    const auto image = neuro::StoredImage::open(dir / name);
    const auto view = image.frames_view();
    for (int64_t t = 0; t < bold.frames(); ++t) {
      const auto got = view.frame(t);
      const auto stored = bold.frame(t);
      for (size_t v = 0; v < stored.size(); ++v) {
        const float want = static_cast<float>(static_cast<double>(stored[v]) * slope + inter);
        ASSERT_EQ(std::memcmp(&got[v], &want, sizeof(float)), 0) << "frame " << t << " voxel " << v;
      }
    }
  }
}

TEST(StoredFrames, TruncatedOrCorruptGzipIsOneLineAndTheThreadIsJoined) {
  neuroseq_test::TempDir dir("stored_broken");
  write_gzip_members(dir / "full.nii.gz", concat(int16_header(false, true), int16_voxels(false)),
                     {});
  std::ifstream in(dir / "full.nii.gz", std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  const auto write_bytes = [&](const fs::path& path, std::vector<char> content) {
    std::ofstream(path, std::ios::binary)
        .write(content.data(), static_cast<std::streamsize>(content.size()));
  };
  write_bytes(dir / "cut.nii.gz",
              {bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() * 3 / 5)});
  auto bad_crc = bytes;
  bad_crc[bad_crc.size() - 6] ^= 0x5a;  // inside the CRC-32 of the trailer
  write_bytes(dir / "crc.nii.gz", bad_crc);
  auto junk = bytes;
  junk.insert(junk.end(), {'j', 'u', 'n', 'k'});
  write_bytes(dir / "junk.nii.gz", junk);

  const neuro::Grid grid{{kX, kY, kZ}, neuro::Affine::diagonal(2, 2, 2, 0, 0, 0)};
  neuro::Volume labels(grid, 1);
  for (auto& v : labels.data())
    v = 1;
  const neuro::LabelsMasker masker{neuro::LabelAtlas(labels), neuro::BrainMask::everywhere(grid)};
  const size_t threads = thread_count();
  for (const char* name : {"cut.nii.gz", "crc.nii.gz", "junk.nii.gz"}) {
    SCOPED_TRACE(name);
    const auto path = dir / name;
    const auto image = neuro::StoredImage::open(path);  // the header is intact
    const std::string message = error_of([&] { masker.extract(image.frames_view()); });
    EXPECT_EQ(message, path.string() + ": truncated or corrupt gzip data");
    EXPECT_EQ(error_of([&] { neuro::read_volume(path); }), message);
    EXPECT_TRUE(back_to(threads)) << thread_count() << " threads, " << threads << " before";
  }
  // Intact gzip that holds fewer voxels than the header describes.
  auto short_file = concat(int16_header(false, true), int16_voxels(false));
  short_file.resize(short_file.size() - 10);
  write_gzip_members(dir / "short.nii.gz", short_file, {});
  const auto message = error_of([&] { neuro::read_volume(dir / "short.nii.gz"); });
  EXPECT_NE(message.find("short.nii.gz: truncated: the header describes 24000 bytes of voxels "
                         "after offset 352, the file holds 23990"),
            std::string::npos)
      << message;
  EXPECT_TRUE(back_to(threads));
}

TEST(StoredFrames, AReaderThatStopsEarlyLeavesNoThreadBehind) {
  neuroseq_test::TempDir dir("stored_early");
  write_gzip_members(dir / "run.nii.gz", concat(int16_header(false, true), int16_voxels(false)),
                     {});
  const size_t threads = thread_count();
  {
    const auto image = neuro::StoredImage::open(dir / "run.nii.gz");
    EXPECT_EQ(thread_count(), threads) << "opening reads only the header";
    const auto view = image.frames_view();
    expect_frame(view.frame(0), 0);
    expect_frame(view.frame(1), 1);
    // The inflater waits on a full ring, a few frames ahead of the reader.
    EXPECT_EQ(thread_count(), threads + 1);
  }
  EXPECT_TRUE(back_to(threads)) << thread_count() << " threads, " << threads << " before";
}
