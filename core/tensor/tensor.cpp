#include "core/tensor/tensor.h"

#include <algorithm>
#include <stdexcept>

namespace core {

const char* device_name(Device device) {
  return device == Device::kCpu ? "cpu" : "cuda";
}

Shape::Shape(std::initializer_list<int64_t> dims)
    : Shape(std::span<const int64_t>(dims.begin(), dims.size())) {}

Shape::Shape(std::span<const int64_t> dims) {
  if (dims.size() > 4) throw std::invalid_argument("shape: tensors have at most 4 dimensions");
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] < 0) throw std::invalid_argument("shape: negative dimension");
    dims_[i] = dims[i];
  }
  rank_ = static_cast<int>(dims.size());
}

int64_t Shape::numel() const {
  int64_t n = 1;
  for (int i = 0; i < rank_; ++i)
    n *= dims_[static_cast<size_t>(i)];
  return rank_ == 0 ? 0 : n;
}

bool Shape::operator==(const Shape& other) const {
  if (rank_ != other.rank_) return false;
  for (int i = 0; i < rank_; ++i) {
    if (dims_[static_cast<size_t>(i)] != other.dims_[static_cast<size_t>(i)]) return false;
  }
  return true;
}

std::string Shape::to_string() const {
  std::string s = "[";
  for (int i = 0; i < rank_; ++i) {
    if (i) s += ", ";
    s += std::to_string(dims_[static_cast<size_t>(i)]);
  }
  return s + "]";
}

Tensor::Tensor(Shape shape, Device device) : shape_(shape), device_(device) {
  if (device != Device::kCpu) {
    throw std::runtime_error(std::string("tensor: no ") + device_name(device) +
                             " backend in this build");
  }
  storage_ = std::make_shared<std::vector<float>>(static_cast<size_t>(shape.numel()), 0.0f);
}

Tensor Tensor::from_values(Shape shape, std::vector<float> values) {
  if (static_cast<int64_t>(values.size()) != shape.numel()) {
    throw std::invalid_argument("tensor: " + std::to_string(values.size()) +
                                " values do not fill shape " + shape.to_string());
  }
  Tensor t;
  t.shape_ = shape;
  t.storage_ = std::make_shared<std::vector<float>>(std::move(values));
  return t;
}

Tensor Tensor::full(Shape shape, float value) {
  Tensor t(shape);
  t.fill(value);
  return t;
}

float* Tensor::data() {
  if (device_ != Device::kCpu) throw std::logic_error("tensor: host access to a device tensor");
  return storage_ ? storage_->data() : nullptr;
}

const float* Tensor::data() const {
  if (device_ != Device::kCpu) throw std::logic_error("tensor: host access to a device tensor");
  return storage_ ? storage_->data() : nullptr;
}

Tensor Tensor::reshape(Shape shape) const {
  if (shape.numel() != numel()) {
    throw std::invalid_argument("tensor: cannot reshape " + shape_.to_string() + " to " +
                                shape.to_string());
  }
  Tensor t = *this;
  t.shape_ = shape;
  return t;
}

Tensor Tensor::clone() const {
  Tensor t;
  t.shape_ = shape_;
  t.device_ = device_;
  if (storage_) t.storage_ = std::make_shared<std::vector<float>>(*storage_);
  return t;
}

Tensor Tensor::to(Device device) const {
  if (device != Device::kCpu || device_ != Device::kCpu) {
    throw std::runtime_error(std::string("tensor: no ") + device_name(Device::kCuda) +
                             " backend in this build");
  }
  return clone();
}

void Tensor::fill(float value) {
  auto v = values();
  std::fill(v.begin(), v.end(), value);
}

void require_shape(const Tensor& t, const Shape& want, const char* what) {
  if (t.shape() != want) {
    throw std::invalid_argument(std::string(what) + ": expected " + want.to_string() + ", got " +
                                t.shape().to_string());
  }
}

}  // namespace core
