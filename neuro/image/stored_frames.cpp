#include "neuro/image/stored_frames.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "neuro/image/gzip_stream.h"

namespace neuro {

namespace {

// The ring holds about this much whatever the frame size: enough to absorb a
// slow frame on either side, small next to the run.
constexpr size_t kRingBytes = size_t{16} << 20;

size_t ring_slots(size_t frame_bytes) {
  return std::clamp<size_t>(kRingBytes / std::max<size_t>(frame_bytes, 1), 2, 64);
}

}  // namespace

std::string truncated_message(const StoredLayout& layout, uint64_t held) {
  const uint64_t needed = static_cast<uint64_t>(layout.frame_bytes) *
                          static_cast<uint64_t>(std::max<int64_t>(layout.frames, 0));
  return layout.name + ": truncated: the header describes " + std::to_string(needed) +
         " bytes of voxels after offset " + std::to_string(layout.offset) + ", the file holds " +
         std::to_string(held > layout.offset ? held - layout.offset : 0);
}

// One thread inflates frames into the ring in order; the reader takes them in
// the same order. The slot the reader holds is never written until the reader
// asks for the next frame.
class StoredFrames::Inflater {
 public:
  explicit Inflater(const StoredLayout& layout) : layout_(layout) {
    slots_.resize(std::min<size_t>(ring_slots(layout.frame_bytes),
                                   static_cast<size_t>(std::max<int64_t>(layout.frames, 1))));
    for (auto& slot : slots_)
      slot = std::make_unique_for_overwrite<uint8_t[]>(layout.frame_bytes);
    thread_ = std::thread([this] { run(); });
  }

  ~Inflater() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // The next frame of the stream, valid until the next call.
  std::span<const uint8_t> next() {
    std::unique_lock lock(mutex_);
    if (holding_) {
      holding_ = false;
      ++released_;
      changed_.notify_all();
    }
    changed_.wait(lock, [&] { return produced_ > released_ || error_; });
    if (produced_ <= released_) std::rethrow_exception(error_);
    holding_ = true;
    return {slots_[static_cast<size_t>(released_) % slots_.size()].get(), layout_.frame_bytes};
  }

 private:
  void run() {
    try {
      GzipStream stream(layout_.file);
      skip(stream, layout_.offset);
      for (int64_t f = 0; f < layout_.frames; ++f) {
        {
          std::unique_lock lock(mutex_);
          changed_.wait(
              lock, [&] { return stop_ || f - released_ < static_cast<int64_t>(slots_.size()); });
          if (stop_) return;
        }
        uint8_t* slot = slots_[static_cast<size_t>(f) % slots_.size()].get();
        if (stream.read({slot, layout_.frame_bytes}) < layout_.frame_bytes) {
          throw std::runtime_error(truncated_message(layout_, stream.position()));
        }
        // The checksums come at the end: the last frame is handed out only
        // once the rest of the file has been checked.
        if (f + 1 == layout_.frames) stream.skip_to_end();
        {
          std::lock_guard lock(mutex_);
          produced_ = f + 1;
        }
        changed_.notify_all();
      }
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
      }
      changed_.notify_all();
    }
  }

  void skip(GzipStream& stream, uint64_t bytes) {
    std::vector<uint8_t> scratch(std::min<uint64_t>(bytes, uint64_t{1} << 16));
    while (stream.position() < bytes) {
      const size_t want =
          static_cast<size_t>(std::min<uint64_t>(scratch.size(), bytes - stream.position()));
      if (stream.read({scratch.data(), want}) < want) {
        throw std::runtime_error(truncated_message(layout_, stream.position()));
      }
    }
  }

  const StoredLayout layout_;
  std::vector<std::unique_ptr<uint8_t[]>> slots_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int64_t produced_ = 0;  // frames filled and checked
  int64_t released_ = 0;  // frames the reader is done with
  bool holding_ = false;  // the reader holds frame released_
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: started once everything it uses exists
};

StoredFrames::StoredFrames(StoredLayout layout) : layout_(std::move(layout)) {
  if (layout_.gzip) return;  // the thread starts with the first frame asked for
  fd_ = ::open(layout_.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw std::runtime_error(layout_.file.string() +
                             (errno == ENOENT ? ": no such file" : ": cannot open the file"));
  }
  buffer_.resize(layout_.frame_bytes);
}

StoredFrames::~StoredFrames() {
  if (fd_ >= 0) ::close(fd_);
}

std::span<const uint8_t> StoredFrames::frame(int64_t t) {
  if (t < 0 || t >= layout_.frames) {
    throw std::out_of_range(layout_.name + ": frame " + std::to_string(t) + " out of range");
  }
  if (!layout_.gzip) {
    const uint64_t start = layout_.offset + static_cast<uint64_t>(t) * layout_.frame_bytes;
    size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::pread(fd_, buffer_.data() + done, buffer_.size() - done,
                                static_cast<off_t>(start + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error(layout_.file.string() + ": read error");
      if (n == 0) throw std::runtime_error(truncated_message(layout_, start + done));
      done += static_cast<size_t>(n);
    }
    return buffer_;
  }
  if (inflater_ && t == next_ - 1) return current_;
  if (!inflater_ || t < next_) {
    inflater_.reset();  // joins the old thread before a new one starts
    inflater_ = std::make_unique<Inflater>(layout_);
    next_ = 0;
  }
  while (next_ <= t) {
    try {
      current_ = inflater_->next();
    } catch (...) {
      inflater_.reset();  // a later call starts again, and fails the same way
      throw;
    }
    ++next_;
  }
  return current_;
}

}  // namespace neuro
