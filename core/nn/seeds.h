#pragma once
// Seeds for the submodules of a composite module, derived from the module's
// own seed through Philox. Consecutive seeds (seed + i) would make one
// module's second projection the first projection of a module seeded one
// higher; derived seeds keep every submodule's draws independent.

#include <cstdint>

#include "core/random/philox.h"

namespace core {

// A 64-bit seed for submodule `index` of a module seeded `seed`.
inline uint64_t submodule_seed(uint64_t seed, uint64_t index) {
  RandomStream rng(seed, 0x5EED0000u + index);
  const uint64_t hi = rng.next_u32();
  return (hi << 32) | rng.next_u32();
}

}  // namespace core
