// libFuzzer target: the NIfTI/Analyze header parser must either return a
// header whose derived quantities are computable, or throw runtime_error; it
// must never crash, hang or read out of bounds.

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>

#include "neuro/image/nifti_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto header = neuro::parse_header(std::span<const uint8_t>(data, size), "fuzz");
    (void)header.best_affine();
    (void)header.shape();
    (void)header.slope_inter();
    (void)header.tr_seconds();
    (void)header.meta();
  } catch (const std::runtime_error&) {
    // Rejecting malformed input with a message is the expected outcome.
  }
  return 0;
}
