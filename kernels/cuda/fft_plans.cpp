#include "kernels/cuda/fft_plans.h"

#include <cufft.h>

#include <climits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

namespace kernels::cuda::detail {

namespace {

void check_fft(cufftResult status, const char* what, int64_t n, int64_t batch) {
  if (status == CUFFT_SUCCESS) return;
  throw std::runtime_error(std::string("long_conv (cuda): cuFFT ") + what + " failed with code " +
                           std::to_string(static_cast<int>(status)) + " for size " +
                           std::to_string(n) + ", batch " + std::to_string(batch));
}

struct Plans {
  cufftHandle forward = 0;
  cufftHandle inverse = 0;
};

// Plans are made under the lock (planning allocates) and executed under it
// too, because cuFFT does not allow one plan to be used by two host threads at
// once; execution only queues work, so the lock is held briefly. The plans are
// never destroyed: destroying them from a static destructor can run after the
// CUDA runtime has shut down.
class PlanCache {
 public:
  static PlanCache& instance() {
    static auto* cache = new PlanCache();
    return *cache;
  }

  template <typename Fn>
  void with_plans(int64_t n, int64_t batch, Fn&& fn) {
    std::lock_guard lock(mutex_);
    auto it = plans_.find({n, batch});
    if (it == plans_.end()) it = plans_.emplace(std::pair{n, batch}, make(n, batch)).first;
    fn(it->second);
  }

 private:
  static Plans make(int64_t n, int64_t batch) {
    if (n < 1 || n > INT_MAX / 2 || batch < 1 || batch > INT_MAX) {
      throw std::invalid_argument("long_conv (cuda): FFT size " + std::to_string(n) + " or batch " +
                                  std::to_string(batch) + " out of cuFFT's range");
    }
    int size[1] = {static_cast<int>(n)};
    const int bins = static_cast<int>(spectrum_bins(n));
    const int stride = static_cast<int>(real_row_stride(n));
    int real_embed[1] = {stride};
    int complex_embed[1] = {bins};
    Plans p;
    check_fft(cufftPlanMany(&p.forward, 1, size, real_embed, 1, stride, complex_embed, 1, bins,
                            CUFFT_R2C, static_cast<int>(batch)),
              "planning (R2C)", n, batch);
    const cufftResult inverse =
        cufftPlanMany(&p.inverse, 1, size, complex_embed, 1, bins, real_embed, 1, stride, CUFFT_C2R,
                      static_cast<int>(batch));
    if (inverse != CUFFT_SUCCESS) cufftDestroy(p.forward);
    check_fft(inverse, "planning (C2R)", n, batch);
    return p;
  }

  std::mutex mutex_;
  std::map<std::pair<int64_t, int64_t>, Plans> plans_;
};

}  // namespace

void fft_rows_forward(int64_t n, int64_t batch, const float* rows, float2* bins) {
  PlanCache::instance().with_plans(n, batch, [&](const Plans& p) {
    // cuFFT's R2C takes a non-const input but leaves it unchanged out of place.
    check_fft(cufftExecR2C(p.forward, const_cast<float*>(rows), bins), "R2C", n, batch);
  });
}

void fft_rows_inverse(int64_t n, int64_t batch, float2* bins, float* rows) {
  PlanCache::instance().with_plans(n, batch, [&](const Plans& p) {
    check_fft(cufftExecC2R(p.inverse, bins, rows), "C2R", n, batch);
  });
}

}  // namespace kernels::cuda::detail
