#pragma once
// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011): the n-th
// number of a stream depends only on (seed, stream, n), so one seed gives the
// same numbers on any backend, thread count or order of evaluation.

#include <array>
#include <cstdint>

namespace core {

// The Philox4x32-10 bijection: 128-bit counter and 64-bit key to 128 bits.
std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key);

// A sequential view of one stream: uniform and normal draws, each consuming
// counters in a fixed pattern so that draws can be reproduced by position.
class RandomStream {
 public:
  RandomStream(uint64_t seed, uint64_t stream) : seed_(seed), stream_(stream) {}

  uint32_t next_u32();
  // Uniform in [0, 1) with 24 random bits (exactly representable in float).
  double uniform();
  // Uniform in (0, 1): never 0, safe for logarithms.
  double uniform_open();
  double normal();  // standard normal (Box-Muller, both values used)
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // Uniform integer in [0, n).
  uint64_t below(uint64_t n);

 private:
  uint64_t seed_;
  uint64_t stream_;
  uint64_t counter_ = 0;
  std::array<uint32_t, 4> block_{};
  int used_ = 4;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0;
};

}  // namespace core
