#pragma once
// A gzip file inflated as a stream with ISA-L (igzip), so that a long run is
// never held whole: the reader asks for the next bytes and gets them.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct inflate_state;

namespace neuro {

class GzipStream {
 public:
  // Throws "<path>: no such file" / "<path>: cannot open the file".
  explicit GzipStream(const std::filesystem::path& path);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // Fills `out` with the next decompressed bytes; fewer only at the end of
  // the data. Members follow one another as one stream, and zero padding
  // after the last is ignored, as gzip does. A truncated or corrupt stream
  // (checksums included) throws "<path>: truncated or corrupt gzip data".
  size_t read(std::span<uint8_t> out);
  // Inflates and checks the rest, discarding it; the number of bytes that
  // were left.
  uint64_t skip_to_end();
  // Decompressed bytes handed out so far.
  uint64_t position() const { return position_; }

 private:
  [[noreturn]] void fail() const;
  bool refill();
  // After a member ends: starts the next one, or notes the end of the data.
  void next_member();

  std::string name_;
  int fd_ = -1;
  std::unique_ptr<inflate_state> state_;
  std::vector<uint8_t> input_;
  bool input_ended_ = false;
  bool finished_ = false;
  uint64_t position_ = 0;
};

}  // namespace neuro
