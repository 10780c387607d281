#pragma once
// Float buffers in CUDA device memory. Allocation is stream-ordered on the
// default stream (cudaMallocAsync from a pool that keeps freed memory), so the
// temporaries of every kernel call neither synchronise the device nor pay for
// a fresh cudaMalloc; devices without memory pools fall back to cudaMalloc.
// Every function throws std::runtime_error naming the operation and the CUDA
// error.

#include <cstdint>

namespace kernels::cuda {

// Uninitialised storage for `count` floats; nullptr for count 0.
float* device_alloc(int64_t count);
void device_free(float* buffer) noexcept;

// Copies of `count` floats, in order with the kernels queued before them.
// The host buffer may be reused as soon as a host copy returns; the copy
// within the device is queued like a kernel.
void copy_to_device(const float* host, float* device, int64_t count);
void copy_to_host(const float* device, float* host, int64_t count);
void copy_on_device(const float* from, float* to, int64_t count);

// buffer[i] = value for i < count.
void device_fill(float* buffer, float value, int64_t count);

// Waits for all queued work and reports a fault of an earlier kernel.
void synchronize();

// A device buffer that frees itself (move-only).
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(int64_t count) : data_(device_alloc(count)), count_(count) {}
  ~DeviceBuffer() { device_free(data_); }
  DeviceBuffer(DeviceBuffer&& other) noexcept : data_(other.data_), count_(other.count_) {
    other.data_ = nullptr;
    other.count_ = 0;
  }
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    if (this != &other) {
      device_free(data_);
      data_ = other.data_;
      count_ = other.count_;
      other.data_ = nullptr;
      other.count_ = 0;
    }
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  float* data() { return data_; }
  const float* data() const { return data_; }
  int64_t size() const { return count_; }

 private:
  float* data_ = nullptr;
  int64_t count_ = 0;
};

}  // namespace kernels::cuda
