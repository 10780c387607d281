#pragma once
// Tensor: float32, up to 4-D, row-major, on a device. Copies between devices
// are explicit (to()); reshape shares storage, clone copies it. A CPU tensor
// keeps its values in a host vector; a CUDA tensor in device memory from
// kernels/backend.h's CUDA backend, reached through device_data() by the
// backend's ops.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace core {

enum class Device : uint8_t { kCpu, kCuda };
const char* device_name(Device device);

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);
  explicit Shape(std::span<const int64_t> dims);

  int rank() const { return rank_; }
  int64_t operator[](int axis) const { return dims_[static_cast<size_t>(axis)]; }
  int64_t numel() const;
  bool operator==(const Shape& other) const;
  bool operator!=(const Shape& other) const { return !(*this == other); }
  // "[8, 100, 64]"
  std::string to_string() const;

 private:
  std::array<int64_t, 4> dims_{0, 0, 0, 0};
  int rank_ = 0;
};

class Tensor {
 public:
  Tensor() = default;
  // Zero-filled. Throws std::runtime_error("no CUDA device: ...") for kCuda
  // when no CUDA backend can run here.
  explicit Tensor(Shape shape, Device device = Device::kCpu);
  // CPU storage whose values are left unset, for outputs that a kernel
  // overwrites in full (skips the zero fill, a few percent of a training step).
  static Tensor uninitialized(Shape shape);
  static Tensor from_values(Shape shape, std::vector<float> values);
  static Tensor full(Shape shape, float value);

  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  int64_t size(int axis) const { return shape_[axis]; }
  int64_t numel() const { return shape_.numel(); }
  Device device() const { return device_; }
  // No storage at all (a default-constructed tensor). A tensor of zero
  // elements has storage, though its pointer may be null.
  bool empty() const { return storage_.use_count() == 0 && device_storage_.use_count() == 0; }

  // Host access; throws std::logic_error for a tensor on another device.
  float* data();
  const float* data() const;
  // Device memory of a CUDA tensor, for the CUDA backend's ops; throws
  // std::logic_error for a CPU tensor.
  float* device_data();
  const float* device_data() const;
  std::span<float> values() { return {data(), static_cast<size_t>(numel())}; }
  std::span<const float> values() const { return {data(), static_cast<size_t>(numel())}; }

  // The same storage seen with another shape of equal numel.
  Tensor reshape(Shape shape) const;
  Tensor clone() const;
  // An explicit copy onto `device` (a copy even when already there). Throws
  // std::runtime_error("no CUDA device: ...") when CUDA is involved and no
  // CUDA backend can run here.
  Tensor to(Device device) const;
  void fill(float value);

 private:
  std::shared_ptr<float[]> storage_;       // kCpu
  std::shared_ptr<float> device_storage_;  // kCuda, freed by the CUDA backend
  Shape shape_;
  Device device_ = Device::kCpu;
};

// Throws std::invalid_argument("<what>: expected <want>, got <shape>").
void require_shape(const Tensor& t, const Shape& want, const char* what);

}  // namespace core
