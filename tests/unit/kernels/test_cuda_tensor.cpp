// Tensors on the CUDA device and the run-time choice of backend: what a
// machine without a device reports (these run everywhere), and the round trip
// through device memory (skipped without a device).

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/tensor/tensor.h"
#include "kernels/backend.h"

namespace {

TEST(CudaBackend, WithoutADeviceTensorsSayWhyTheyCannotMove) {
  if (kernels::cuda_available()) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_EQ(kernels::cuda_backend(), nullptr);
  ASSERT_EQ(kernels::available_backends().size(), 1u);
  EXPECT_STREQ(kernels::available_backends()[0]->name, "cpu");
  const std::string why = kernels::cuda_device_description();
  EXPECT_TRUE(why.rfind("no CUDA", 0) == 0) << why;

  const auto t = core::Tensor::from_values({2, 3}, {1, 2, 3, 4, 5, 6});
  try {
    (void)t.to(core::Device::kCuda);
    ADD_FAILURE() << "to(kCuda) did not throw";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("no CUDA device: ", 0), 0u) << message;
    EXPECT_NE(message.find(why), std::string::npos) << message;
  }
  EXPECT_THROW(core::Tensor({4}, core::Device::kCuda), std::runtime_error);
  // The CPU tensor is untouched and still a CPU tensor.
  EXPECT_EQ(t.device(), core::Device::kCpu);
  EXPECT_EQ(t.values()[5], 6.0f);
  EXPECT_EQ(t.to(core::Device::kCpu).values()[4], 5.0f);
}

TEST(CudaBackend, DeviceDataIsOnlyForCudaTensors) {
  core::Tensor t({3});
  try {
    (void)t.device_data();
    ADD_FAILURE() << "device_data() of a CPU tensor did not throw";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("tensor is on cpu"), std::string::npos) << e.what();
  }
}

TEST(CudaBackend, TensorsRoundTripThroughTheDevice) {
  if (!kernels::cuda_available()) GTEST_SKIP() << "no CUDA device: device round trip not run";
  const auto host = core::Tensor::from_values({2, 3}, {1, -2, 3.5f, 4, 5, -6});
  const core::Tensor on_device = host.to(core::Device::kCuda);
  EXPECT_EQ(on_device.device(), core::Device::kCuda);
  EXPECT_EQ(on_device.shape(), host.shape());
  EXPECT_NE(on_device.device_data(), nullptr);
  try {
    (void)on_device.data();
    ADD_FAILURE() << "data() of a CUDA tensor did not throw";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()), "tensor is on cuda; copy it to cpu first");
  }
  const core::Tensor back = on_device.clone().to(core::Device::kCpu);
  EXPECT_EQ(back.device(), core::Device::kCpu);
  for (int64_t i = 0; i < host.numel(); ++i)
    EXPECT_EQ(back.values()[static_cast<size_t>(i)], host.values()[static_cast<size_t>(i)]);

  // The host copies are named: a range-for over `x.to(kCpu).values()` would
  // read a span into a temporary that is already gone.
  const core::Tensor zeros({1000}, core::Device::kCuda);
  const core::Tensor zeros_on_host = zeros.to(core::Device::kCpu);
  for (float v : zeros_on_host.values())
    ASSERT_EQ(v, 0.0f);
  core::Tensor filled({5}, core::Device::kCuda);
  filled.fill(2.5f);
  const core::Tensor filled_on_host = filled.to(core::Device::kCpu);
  for (float v : filled_on_host.values())
    EXPECT_EQ(v, 2.5f);
}

}  // namespace
