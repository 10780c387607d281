#pragma once
// The stored bytes of an image's frames, read as a stream so that a long run
// is never held whole. A gzip file is inflated on a thread of its own a few
// frames ahead of the reader, into a small ring of frame-sized buffers, while
// the reader converts and extracts; a plain file is read frame by frame.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace neuro {

// Where an image's voxels are stored and how they are laid out.
struct StoredLayout {
  std::filesystem::path file;  // the file that holds the voxels
  std::string name;            // the image as named by the caller, for errors
  bool gzip = false;
  uint64_t offset = 0;  // of the first voxel in the (decompressed) file
  size_t frame_bytes = 0;
  int64_t frames = 0;
};

class StoredFrames {
 public:
  explicit StoredFrames(StoredLayout layout);
  ~StoredFrames();
  StoredFrames(const StoredFrames&) = delete;
  StoredFrames& operator=(const StoredFrames&) = delete;

  // Frame t's stored bytes, valid until the next call. Frames asked for in
  // order stream; asking for an earlier frame of a gzip file inflates it again
  // from the start. Throws "<name>: truncated or corrupt gzip data" or
  // "<name>: truncated: ..." where the data end early; the inflating thread
  // is always stopped and joined, also when the reader stops early.
  std::span<const uint8_t> frame(int64_t t);

 private:
  class Inflater;

  StoredLayout layout_;
  std::unique_ptr<Inflater> inflater_;
  std::span<const uint8_t> current_;  // frame next_ - 1 of the stream
  int64_t next_ = 0;
  int fd_ = -1;  // a plain file
  std::vector<uint8_t> buffer_;
};

// "<name>: truncated: the header describes N bytes of voxels after offset O,
// the file holds M": the one message for data that end early.
std::string truncated_message(const StoredLayout& layout, uint64_t held);

}  // namespace neuro
