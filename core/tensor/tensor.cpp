#include "core/tensor/tensor.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "kernels/backend.h"

namespace core {

namespace {

// Throws std::runtime_error("no CUDA device: <what> needs one (<why not>)").
const kernels::Backend& require_cuda(const char* what) {
  const kernels::Backend* cuda = kernels::cuda_backend();
  if (!cuda) {
    throw std::runtime_error(std::string("no CUDA device: ") + what + " needs one (" +
                             kernels::cuda_device_description() + ")");
  }
  return *cuda;
}

// Uninitialised device storage for `count` floats, at least one so that a
// tensor with no elements still has storage (empty() means "no storage").
std::shared_ptr<float> device_storage(const kernels::Backend& cuda, int64_t count) {
  float* p = cuda.alloc(std::max<int64_t>(count, 1));
  return std::shared_ptr<float>(p, [free = cuda.free](float* q) { free(q); });
}

}  // namespace

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
  if (device == Device::kCpu) {
    storage_ = std::make_shared<float[]>(static_cast<size_t>(shape.numel()));  // zeros
    return;
  }
  const kernels::Backend& cuda = require_cuda("a cuda tensor");
  device_storage_ = device_storage(cuda, shape.numel());
  cuda.fill(device_storage_.get(), 0.0f, shape.numel());
}

Tensor Tensor::from_values(Shape shape, std::vector<float> values) {
  if (static_cast<int64_t>(values.size()) != shape.numel()) {
    throw std::invalid_argument("tensor: " + std::to_string(values.size()) +
                                " values do not fill shape " + shape.to_string());
  }
  Tensor t;
  t.shape_ = shape;
  // The vector's buffer is kept, not copied: the storage owns the vector.
  auto* owner = new std::vector<float>(std::move(values));
  t.storage_ = std::shared_ptr<float[]>(owner->data(), [owner](float*) { delete owner; });
  return t;
}

Tensor Tensor::uninitialized(Shape shape) {
  Tensor t;
  t.shape_ = shape;
  t.storage_ = std::make_shared_for_overwrite<float[]>(static_cast<size_t>(shape.numel()));
  return t;
}

Tensor Tensor::full(Shape shape, float value) {
  Tensor t(shape);
  t.fill(value);
  return t;
}

float* Tensor::data() {
  return const_cast<float*>(std::as_const(*this).data());
}

const float* Tensor::data() const {
  if (device_ != Device::kCpu) {
    throw std::logic_error(std::string("tensor is on ") + device_name(device_) +
                           "; copy it to cpu first");
  }
  return storage_.get();
}

float* Tensor::device_data() {
  return const_cast<float*>(std::as_const(*this).device_data());
}

const float* Tensor::device_data() const {
  if (device_ != Device::kCuda) {
    throw std::logic_error(std::string("tensor is on ") + device_name(device_) +
                           "; device_data() is for cuda tensors, copy it with to(Device::kCuda)");
  }
  return device_storage_.get();
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
  if (storage_) {
    t.storage_ = std::make_shared_for_overwrite<float[]>(static_cast<size_t>(numel()));
    std::copy_n(storage_.get(), numel(), t.storage_.get());
  }
  if (device_storage_) {
    const kernels::Backend& cuda = require_cuda("tensor.clone() of a cuda tensor");
    t.device_storage_ = device_storage(cuda, numel());
    cuda.copy(device_storage_.get(), t.device_storage_.get(), numel());
  }
  return t;
}

Tensor Tensor::to(Device device) const {
  if (device == device_) {
    if (device == Device::kCuda) require_cuda("tensor.to(cuda)");
    return clone();
  }
  const kernels::Backend& cuda =
      require_cuda(device == Device::kCuda ? "tensor.to(cuda)" : "tensor.to(cpu) of a cuda tensor");
  Tensor t;
  t.shape_ = shape_;
  t.device_ = device;
  if (device == Device::kCuda && storage_) {
    t.device_storage_ = device_storage(cuda, numel());
    cuda.upload(storage_.get(), t.device_storage_.get(), numel());
  } else if (device == Device::kCpu && device_storage_) {
    t.storage_ = std::make_shared_for_overwrite<float[]>(static_cast<size_t>(numel()));
    cuda.download(device_storage_.get(), t.storage_.get(), numel());
  }
  return t;
}

void Tensor::fill(float value) {
  if (device_ == Device::kCuda) {
    if (device_storage_)
      require_cuda("tensor.fill() of a cuda tensor").fill(device_storage_.get(), value, numel());
    return;
  }
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
