#include "neuro/image/gzip_stream.h"

#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <stdexcept>

namespace neuro {

namespace {

// Large enough that system calls cost nothing next to inflating, small
// enough to stay in the cache while it is inflated.
constexpr size_t kInputChunk = size_t{1} << 20;

}  // namespace

GzipStream::GzipStream(const std::filesystem::path& path)
    : name_(path.string()), state_(std::make_unique<inflate_state>()), input_(kInputChunk) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw std::runtime_error(name_ +
                             (errno == ENOENT ? ": no such file" : ": cannot open the file"));
  }
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  isal_inflate_init(state_.get());
  // ISA-L parses the gzip header and checks each member's CRC and size.
  state_->crc_flag = ISAL_GZIP;
  state_->next_in = input_.data();
  state_->avail_in = 0;
}

GzipStream::~GzipStream() {
  if (fd_ >= 0) ::close(fd_);
}

void GzipStream::fail() const {
  throw std::runtime_error(name_ + ": truncated or corrupt gzip data");
}

bool GzipStream::refill() {
  if (input_ended_) return false;
  size_t filled = 0;
  while (filled < input_.size()) {
    const ssize_t n = ::read(fd_, input_.data() + filled, input_.size() - filled);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(name_ + ": read error");
    }
    if (n == 0) {
      input_ended_ = true;
      break;
    }
    filled += static_cast<size_t>(n);
  }
  state_->next_in = input_.data();
  state_->avail_in = static_cast<uint32_t>(filled);
  return filled > 0;
}

void GzipStream::next_member() {
  if (state_->avail_in == 0 && !refill()) {
    finished_ = true;
    return;
  }
  // Zero padding after the last member is tolerated, as gzip does; any other
  // byte must start a member.
  if (state_->next_in[0] == 0) {
    finished_ = true;
    return;
  }
  isal_inflate_reset(state_.get());
  state_->crc_flag = ISAL_GZIP;
}

size_t GzipStream::read(std::span<uint8_t> out) {
  size_t filled = 0;
  int idle_calls = 0;
  while (filled < out.size() && !finished_) {
    if (state_->block_state == ISAL_BLOCK_FINISH) {
      next_member();
      continue;
    }
    // At the end of the file ISA-L may still hold input and output of its
    // own: it is called until it makes no progress.
    if (state_->avail_in == 0) refill();
    const uint32_t in_before = state_->avail_in;
    const auto block_before = state_->block_state;
    state_->next_out = out.data() + filled;
    state_->avail_out = static_cast<uint32_t>(
        std::min<size_t>(out.size() - filled, std::numeric_limits<uint32_t>::max()));
    const int result = isal_inflate(state_.get());
    // ISAL_END_INPUT only asks for more (a header split across reads).
    if (result != ISAL_DECOMP_OK && result != ISAL_END_INPUT) fail();
    const size_t produced = static_cast<size_t>(state_->next_out - (out.data() + filled));
    filled += produced;
    if (produced > 0 || state_->avail_in != in_before || state_->block_state != block_before) {
      idle_calls = 0;
      continue;
    }
    // No progress: the data end inside a member, or the stream is stuck.
    if ((state_->avail_in == 0 && input_ended_) || ++idle_calls > 2) fail();
  }
  position_ += filled;
  return filled;
}

uint64_t GzipStream::skip_to_end() {
  std::vector<uint8_t> scratch(size_t{1} << 16);
  uint64_t skipped = 0;
  for (;;) {
    const size_t n = read(scratch);
    skipped += n;
    if (n < scratch.size()) return skipped;
  }
}

}  // namespace neuro
