// libFuzzer target: the safetensors reader must either return tensors or
// throw runtime_error; it must never crash, hang, read out of bounds or
// allocate more than the file justifies. What it accepts must survive a round
// trip through the writer unchanged, bit for bit.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <stdexcept>

#include "core/io/safetensors.h"

namespace {

bool same(const core::SafetensorsContents& a, const core::SafetensorsContents& b) {
  if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size()) return false;
  for (const auto& t : a.tensors) {
    const core::Tensor* u = b.find(t.name);
    if (u == nullptr || u->shape() != t.tensor.shape()) return false;
    const auto n = static_cast<size_t>(t.tensor.numel()) * sizeof(float);
    if (n > 0 && std::memcmp(u->data(), t.tensor.data(), n) != 0) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  try {
    (void)core::parse_safetensors(bytes, "fuzz");  // with the non-finite check
  } catch (const std::runtime_error&) {
    // Rejecting malformed input with a message is the expected outcome.
  }
  core::SafetensorsContents contents;
  try {
    contents = core::parse_safetensors(bytes, "fuzz", {.allow_non_finite = true});
  } catch (const std::runtime_error&) {
    return 0;
  }
  // The writer refuses an empty name, which the format (and so the reader)
  // allows; such files have nothing to round-trip.
  for (const auto& t : contents.tensors) {
    if (t.name.empty()) return 0;
  }
  const auto rewritten =
      core::serialize_safetensors(contents.tensors, contents.metadata, {.allow_non_finite = true});
  const auto again = core::parse_safetensors(rewritten, "round trip", {.allow_non_finite = true});
  if (!same(contents, again)) std::abort();
  return 0;
}
