// The FFT path of the CPU long convolution.
//
// Two channels travel through one complex FFT: z = x_h + i x_{h+1} (channel
// pairs (0, 1), (2, 3), ... fixed by H, never by the thread count). A complex
// transform of size n took 15-50% less time than the two real-to-complex and
// two complex-to-real transforms it replaces (n = 2048 to 32768), and in
// [B, L, H] the two channels of a pair sit side by side, so gathering them is
// one 8-byte move. Each channel's spectrum is separated from the pair's,
// multiplied by its own kernel spectrum, and the two products are recombined
// before the inverse transform; the imaginary part of the result is the
// second channel. The price is that rounding in one channel depends slightly
// on its partner (the same sample, never another batch element).

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/cpu/long_conv.h"
#include "kernels/cpu/long_conv_internal.h"

namespace kernels::cpu {

namespace {

using long_conv_internal::Block;
using long_conv_internal::channel_blocks;
using long_conv_internal::gather;
using long_conv_internal::idx;
using long_conv_internal::kBlock;
using long_conv_internal::PairRows;
using long_conv_internal::parallel_for;
using long_conv_internal::scatter;
using long_conv_internal::zero_padding;

struct FftwFree {
  void operator()(void* p) const { fftwf_free(p); }
};
using RealBuffer = std::unique_ptr<float[], FftwFree>;
using ComplexBuffer = std::unique_ptr<fftwf_complex[], FftwFree>;

RealBuffer alloc_real(int64_t count) {
  auto* p = fftwf_alloc_real(idx(std::max<int64_t>(count, 1)));
  if (!p) throw std::bad_alloc();
  return RealBuffer(p);
}
ComplexBuffer alloc_complex(int64_t count, bool zero = false) {
  auto* p = fftwf_alloc_complex(idx(std::max<int64_t>(count, 1)));
  if (!p) throw std::bad_alloc();
  if (zero) std::fill(&p[0][0], &p[0][0] + 2 * count, 0.0f);
  return ComplexBuffer(p);
}

int64_t round_up(int64_t v, int64_t m) {
  return (v + m - 1) / m * m;
}

// ---------------------------------------------------------------------------
// Plans. They are executed on many rows of larger buffers (new-array
// execution), which FFTW allows when every row has the alignment of the
// planning arrays: rows start on 64-byte boundaries. Each stride also has one
// extra cache line, because with power-of-two strides the rows a block moves
// at once would all map to the same L1 set.

struct FftPlans {
  int64_t n = 0;
  int64_t real_stride = 0;       // floats between real rows
  int64_t half_stride = 0;       // complex values between half-spectrum rows (n/2 + 1 used)
  int64_t pair_stride = 0;       // complex values between full complex rows (n used)
  fftwf_plan r2c = nullptr;      // kernels
  fftwf_plan c2r = nullptr;      // kernel gradients
  fftwf_plan forward = nullptr;  // channel pairs, out of place (faster than in place)
  fftwf_plan inverse = nullptr;
};

class PlanCache {
 public:
  static PlanCache& instance() {
    static PlanCache cache;
    return cache;
  }
  ~PlanCache() {
    for (auto& [n, p] : plans_) {
      for (fftwf_plan plan : {p->r2c, p->c2r, p->forward, p->inverse})
        fftwf_destroy_plan(plan);
    }
  }

  void set_planning(FftPlanning planning) {
    std::lock_guard lock(mutex_);
    planning_ = planning;
  }

  // Thread-safe: FFTW's planner is not, so every plan is made under the lock.
  // The plans live as long as the process; executing them concurrently is safe.
  const FftPlans& get(int64_t n) {
    std::lock_guard lock(mutex_);
    if (auto it = plans_.find(n); it != plans_.end()) return *it->second;
    load_wisdom();
    auto p = std::make_unique<FftPlans>();
    p->n = n;
    p->real_stride = round_up(n, 16) + 16;
    p->half_stride = round_up(n / 2 + 1, 8) + 8;
    p->pair_stride = round_up(n, 8) + 8;
    // FFTW_MEASURE overwrites the arrays while it times candidates, so plan
    // on scratch rows.
    auto real = alloc_real(p->real_stride);
    auto half = alloc_complex(p->half_stride);
    auto full = alloc_complex(p->pair_stride);
    auto full2 = alloc_complex(p->pair_stride);
    const unsigned flags = planning_ == FftPlanning::kMeasure ? FFTW_MEASURE : FFTW_ESTIMATE;
    const int size = static_cast<int>(n);
    p->r2c = fftwf_plan_dft_r2c_1d(size, real.get(), half.get(), flags);
    p->c2r = fftwf_plan_dft_c2r_1d(size, half.get(), real.get(), flags);
    p->forward = fftwf_plan_dft_1d(size, full.get(), full2.get(), FFTW_FORWARD, flags);
    p->inverse = fftwf_plan_dft_1d(size, full2.get(), full.get(), FFTW_BACKWARD, flags);
    if (!p->r2c || !p->c2r || !p->forward || !p->inverse) {
      for (fftwf_plan plan : {p->r2c, p->c2r, p->forward, p->inverse}) {
        if (plan) fftwf_destroy_plan(plan);
      }
      throw std::runtime_error("long_conv: FFTW could not plan transforms of size " +
                               std::to_string(n));
    }
    if (planning_ == FftPlanning::kMeasure) save_wisdom();
    return *plans_.emplace(n, std::move(p)).first->second;
  }

 private:
  PlanCache() = default;

  static const char* wisdom_path() { return std::getenv("NEUROSEQ_FFTW_WISDOM"); }

  void load_wisdom() {
    if (wisdom_loaded_) return;
    wisdom_loaded_ = true;
    const char* path = wisdom_path();
    // A missing or stale wisdom file only costs planning time, so failing to
    // read it is not an error.
    if (path && *path && std::filesystem::exists(path)) fftwf_import_wisdom_from_filename(path);
  }

  void save_wisdom() {
    const char* path = wisdom_path();
    if (!path || !*path) return;
    // Written to a temporary and renamed so that concurrent processes never
    // read a half-written file.
    const std::string tmp = std::string(path) + ".tmp";
    if (fftwf_export_wisdom_to_filename(tmp.c_str())) {
      std::error_code ec;
      std::filesystem::rename(tmp, path, ec);
    }
  }

  std::mutex mutex_;
  std::map<int64_t, std::unique_ptr<FftPlans>> plans_;  // unique_ptr: stable addresses
  FftPlanning planning_ = FftPlanning::kMeasure;
  bool wisdom_loaded_ = false;
};

bool is_power_of_two(int64_t n) {
  return n > 0 && (n & (n - 1)) == 0;
}

// The FFT size for a product that must not wrap: the cheapest by fft_cost of
// the next power of two >= minimum and the 2^a 3^b 5^c >= minimum with
// a >= 4 below it. Depends on the shape alone, so results are reproducible.
int64_t choose_fft_size(int64_t minimum) {
  int64_t pow2 = 1;
  while (pow2 < minimum)
    pow2 *= 2;
  int64_t best = pow2;
  for (int64_t p3 = 1; 16 * p3 < pow2; p3 *= 3) {
    for (int64_t p35 = p3; 16 * p35 < pow2; p35 *= 5) {
      if (p35 == 1) continue;  // powers of two are already counted
      int64_t n = 16 * p35;
      while (n < minimum)
        n *= 2;
      if (n < pow2 && long_conv_internal::fft_cost(n) < long_conv_internal::fft_cost(best)) {
        best = n;
      }
    }
  }
  return best;
}

constexpr int64_t kPairs = kBlock / 2;

// A pair row seen as n complex values (FFTW's complex is two floats).
fftwf_complex* as_complex(float* row) {
  return reinterpret_cast<fftwf_complex*>(row);
}

// ---------------------------------------------------------------------------
// Spectra. For a pair spectrum Z = X1 + i X2 of real x1, x2, with
// Z*(f) = conj(Z[(n - f) mod n]):  X1 = (Z + Z*) / 2,  X2 = (Z - Z*) / 2i.

// Half spectra (f <= n/2) of the kernels of a block, scaled by 1/(2n): 1/n
// makes the inverse transform the convolution itself, 1/2 is the halving
// above. The skip weight D joins the kernel at lag 0, which spares the scatter
// a second pass over the input. The forward half of the kernel sits at lags
// 0..Lk-1 and the backward half at lags -1..-Lk, i.e. at n-1..n-Lk. An odd
// block gets a zero spectrum for its missing last partner.
void kernel_spectra(const FftPlans& p, const float* k, const float* d, const LongConvShape& s,
                    Block blk, float* scratch, fftwf_complex* spectra) {
  const int64_t n = p.n, Lk = s.kernel_length, nc = n / 2 + 1;
  const int64_t per_channel = s.bidirectional ? 2 * Lk : Lk;
  const float scale = 0.5f / static_cast<float>(n);
  for (int64_t j = 0; j < blk.hb; ++j) {
    const int64_t h = blk.h0 + j;
    const float* kh = k + h * per_channel;
    std::fill(scratch, scratch + n, 0.0f);
    std::copy(kh, kh + Lk, scratch);
    if (d) scratch[0] += d[h];
    if (s.bidirectional) {
      for (int64_t i = 0; i < Lk; ++i)
        scratch[n - 1 - i] = kh[Lk + i];
    }
    fftwf_complex* out = spectra + j * p.half_stride;
    fftwf_execute_dft_r2c(p.r2c, scratch, out);
    for (int64_t f = 0; f < nc; ++f) {
      out[f][0] *= scale;
      out[f][1] *= scale;
    }
  }
  if (blk.hb % 2) {
    fftwf_complex* missing = spectra + blk.hb * p.half_stride;
    std::fill(&missing[0][0], &missing[0][0] + 2 * nc, 0.0f);
  }
}

// Spectrum arithmetic couples bin f with bin n - f, which walks memory
// backwards and keeps the loops scalar. Copying the upper half reversed into
// scratch first lets them run forwards.
void reverse_copy(const fftwf_complex* __restrict src, int64_t count,
                  fftwf_complex* __restrict dst) {
  for (int64_t i = 0; i < count; ++i) {
    dst[i][0] = src[count - 1 - i][0];
    dst[i][1] = src[count - 1 - i][1];
  }
}

// For bins f whose mirror g = n - f is another bin, given z[f] and z[g]
// (zg, read forwards): with P = Z + Z* and M = Z - Z*, A = P K1 and C = M K2
// (the kernels carry the 1/2), w[f] = A + C and w[g] = conj(A - C) (written
// forwards into wg). `sign` = -1 conjugates the kernels (correlation).
__attribute__((target_clones("avx512f", "avx2", "default"))) void combine_bins(
    const fftwf_complex* __restrict z, const fftwf_complex* __restrict zg,
    const fftwf_complex* __restrict k1, const fftwf_complex* __restrict k2,
    fftwf_complex* __restrict w, fftwf_complex* __restrict wg, int64_t count, float sign) {
  for (int64_t f = 0; f < count; ++f) {
    const float pr = z[f][0] + zg[f][0], pi = z[f][1] - zg[f][1];
    const float mr = z[f][0] - zg[f][0], mi = z[f][1] + zg[f][1];
    const float k1r = k1[f][0], k1i = sign * k1[f][1];
    const float k2r = k2[f][0], k2i = sign * k2[f][1];
    const float ar = pr * k1r - pi * k1i, ai = pr * k1i + pi * k1r;
    const float cr = mr * k2r - mi * k2i, ci = mr * k2i + mi * k2r;
    w[f][0] = ar + cr;
    w[f][1] = ai + ci;
    wg[f][0] = ar - cr;
    wg[f][1] = ci - ai;
  }
}

// w <- Y1 + i Y2 from the pair spectrum z, with Yc = Xc Kc (or Xc conj(Kc)
// when `conjugate`). `rev` and `wrev` are scratch of n/2 values.
void apply_kernels(const fftwf_complex* z, const fftwf_complex* k1, const fftwf_complex* k2,
                   int64_t n, bool conjugate, fftwf_complex* rev, fftwf_complex* wrev,
                   fftwf_complex* w) {
  const float sign = conjugate ? -1.0f : 1.0f;
  const int64_t h = (n - 1) / 2;  // bins 1..h pair with n-1..n-h
  // f = 0 and, for even n, f = n/2 are their own mirrors.
  for (int64_t f : {int64_t{0}, n % 2 == 0 ? n / 2 : int64_t{-1}}) {
    if (f < 0) continue;
    fftwf_complex mirror = {z[f][0], z[f][1]}, unused;  // copies: the arguments are restrict
    combine_bins(z + f, &mirror, k1 + f, k2 + f, w + f, &unused, 1, sign);
  }
  reverse_copy(z + n - h, h, rev);  // rev[f - 1] = z[n - f]
  combine_bins(z + 1, rev, k1 + 1, k2 + 1, w + 1, wrev, h, sign);
  reverse_copy(wrev, h, w + n - h);
}

// acc1 += Pd conj(Pu), acc2 += Md conj(Mu) over `count` bins: 4 DYc conj(Uc)
// for the two channels of a pair, from the pair spectra of dy and u and their
// mirrors (read forwards).
__attribute__((target_clones("avx512f", "avx2", "default"))) void correlate_bins(
    const fftwf_complex* __restrict zd, const fftwf_complex* __restrict zdg,
    const fftwf_complex* __restrict zu, const fftwf_complex* __restrict zug,
    fftwf_complex* __restrict acc1, fftwf_complex* __restrict acc2, int64_t count) {
  for (int64_t f = 0; f < count; ++f) {
    const float pdr = zd[f][0] + zdg[f][0], pdi = zd[f][1] - zdg[f][1];
    const float mdr = zd[f][0] - zdg[f][0], mdi = zd[f][1] + zdg[f][1];
    const float pur = zu[f][0] + zug[f][0], pui = zu[f][1] - zug[f][1];
    const float mur = zu[f][0] - zug[f][0], mui = zu[f][1] + zug[f][1];
    acc1[f][0] += pdr * pur + pdi * pui;
    acc1[f][1] += pdi * pur - pdr * pui;
    acc2[f][0] += mdr * mur + mdi * mui;
    acc2[f][1] += mdi * mur - mdr * mui;
  }
}

// Both channels' 4 DY conj(U) added to acc1, acc2 for bins f <= n/2.
void accumulate_correlation(const fftwf_complex* zd, const fftwf_complex* zu, int64_t n,
                            fftwf_complex* drev, fftwf_complex* urev, fftwf_complex* acc1,
                            fftwf_complex* acc2) {
  const int64_t h = (n - 1) / 2;
  for (int64_t f : {int64_t{0}, n % 2 == 0 ? n / 2 : int64_t{-1}}) {
    if (f < 0) continue;
    fftwf_complex dg = {zd[f][0], zd[f][1]}, ug = {zu[f][0], zu[f][1]};
    correlate_bins(zd + f, &dg, zu + f, &ug, acc1 + f, acc2 + f, 1);
  }
  reverse_copy(zd + n - h, h, drev);
  reverse_copy(zu + n - h, h, urev);
  correlate_bins(zd + 1, drev, zu + 1, urev, acc1 + 1, acc2 + 1, h);
}

// Per-worker buffers, sized for one block and reused across blocks.
struct Workspace {
  RealBuffer scratch;                          // [n]
  ComplexBuffer rows, rows2;                   // [kPairs, n] zero-padded pairs of dy (or u) and u
  ComplexBuffer kernel, correlation;           // [kBlock, n/2 + 1]
  ComplexBuffer spectrum, spectrum2, product;  // [n]
  ComplexBuffer rev, rev2;                     // [n/2]

  void allocate(const FftPlans& p, bool backward) {
    if (scratch) return;
    scratch = alloc_real(p.real_stride);
    rows = alloc_complex(kPairs * p.pair_stride, true);
    kernel = alloc_complex(kBlock * p.half_stride);
    spectrum = alloc_complex(p.pair_stride);
    product = alloc_complex(p.pair_stride);
    rev = alloc_complex(p.half_stride);
    rev2 = alloc_complex(p.half_stride);
    if (!backward) return;
    rows2 = alloc_complex(kPairs * p.pair_stride, true);
    spectrum2 = alloc_complex(p.pair_stride);
    correlation = alloc_complex(kBlock * p.half_stride);
  }
};

}  // namespace

int64_t long_conv_fft_size(const LongConvShape& shape) {
  return choose_fft_size(shape.length + shape.kernel_length);
}

void set_fft_planning(FftPlanning planning) {
  PlanCache::instance().set_planning(planning);
}

namespace long_conv_internal {

// FFTW's speed per n log2 n differs by 5x between sizes. With AVX, a c2c
// forward + inverse took (ns per n log2 n) 0.14-0.16 at powers of two up to
// 4096, which stay in cache; about 0.23 at larger powers of two and at
// 2^a 3^b 5^c with a >= 4 from 4096 up (4320: 0.22, 5120: 0.20, 17280: 0.23);
// 0.23-0.33 for those below 4096 (1080: 0.26, 1152: 0.33); and 0.7-0.9 with
// few factors of two (1125, 4374, 16875), which choose_fft_size never picks.
double fft_cost(int64_t n) {
  const double relative = n > 4096 ? 1.0 : is_power_of_two(n) ? 0.65 : 1.3;
  return relative * static_cast<double>(n) *
         std::log2(static_cast<double>(std::max<int64_t>(n, 2)));
}

void fft_forward(const LongConvShape& s, const float* u, const float* k, const float* d, float* y,
                 int threads) {
  const FftPlans& p = PlanCache::instance().get(long_conv_fft_size(s));
  const int64_t n = p.n, hs = p.half_stride;
  const auto blocks = channel_blocks(s.channels, u);
  std::vector<Workspace> ws(idx(std::min<int64_t>(threads, std::ssize(blocks))));
  parallel_for(std::ssize(blocks), threads, [&](int64_t task, int worker) {
    Workspace& w = ws[idx(worker)];
    w.allocate(p, false);
    const Block blk = blocks[idx(task)];
    kernel_spectra(p, k, d, s, blk, w.scratch.get(), w.kernel.get());
    const PairRows rows{2 * p.pair_stride, &w.rows[0][0]};  // [pairs, n], zero past L
    fftwf_complex *z = w.spectrum.get(), *product = w.product.get();
    for (int64_t b = 0; b < s.batch; ++b) {
      gather(u, s, b, blk, rows);
      for (int64_t q = 0; q < blk.pairs(); ++q) {
        fftwf_execute_dft(p.forward, as_complex(rows.pair(q)), z);
        apply_kernels(z, w.kernel.get() + 2 * q * hs, w.kernel.get() + (2 * q + 1) * hs, n, false,
                      w.rev.get(), w.rev2.get(), product);
        fftwf_execute_dft(p.inverse, product, as_complex(rows.pair(q)));
      }
      scatter(rows, s, b, blk, y);
      zero_padding(rows, blk, s.length, n);  // the inverse transforms filled it
    }
  });
}

void fft_backward(const LongConvShape& s, const float* u, const float* k, const float* d,
                  const float* dy, float* du, float* dk, float* dd, int threads) {
  const FftPlans& p = PlanCache::instance().get(long_conv_fft_size(s));
  const int64_t n = p.n, hs = p.half_stride, L = s.length;
  const int64_t Lk = s.kernel_length, per_channel = s.bidirectional ? 2 * Lk : Lk;
  const float scale = 0.25f / static_cast<float>(n);  // the 4 of the correlation sums, and 1/n
  const bool need_u = dk || dd;
  const auto blocks = channel_blocks(s.channels, dy);
  std::vector<Workspace> ws(idx(std::min<int64_t>(threads, std::ssize(blocks))));
  parallel_for(std::ssize(blocks), threads, [&](int64_t task, int worker) {
    Workspace& w = ws[idx(worker)];
    w.allocate(p, true);
    const Block blk = blocks[idx(task)];
    if (du) kernel_spectra(p, k, d, s, blk, w.scratch.get(), w.kernel.get());
    const PairRows dy_rows{2 * p.pair_stride, &w.rows[0][0]};
    const PairRows u_rows{2 * p.pair_stride, &w.rows2[0][0]};
    fftwf_complex* corr = w.correlation.get();  // [hb, n/2 + 1]: sum_b 4 DY_b conj(U_b)
    if (dk) std::fill(&corr[0][0], &corr[0][0] + 2 * kBlock * hs, 0.0f);
    std::vector<double> skip(idx(2 * blk.pairs()), 0.0);  // dD of the block
    fftwf_complex *zd = w.spectrum.get(), *zu = w.spectrum2.get(), *product = w.product.get();
    // Batch elements in increasing order: a fixed order of summation for dk and dD.
    for (int64_t b = 0; b < s.batch; ++b) {
      gather(dy, s, b, blk, dy_rows);
      if (need_u) gather(u, s, b, blk, u_rows);
      for (int64_t q = 0; q < blk.pairs(); ++q) {
        if (dd) {
          long_conv_internal::lag_products(dy_rows.pair(q), u_rows.pair(q), L, 0,
                                           &skip[idx(2 * q)]);
        }
        fftwf_execute_dft(p.forward, as_complex(dy_rows.pair(q)), zd);
        if (dk) {
          fftwf_execute_dft(p.forward, as_complex(u_rows.pair(q)), zu);
          accumulate_correlation(zd, zu, n, w.rev.get(), w.rev2.get(), corr + 2 * q * hs,
                                 corr + (2 * q + 1) * hs);
        }
        if (du) {
          // du = dy correlated with (k + D at lag 0): DY conj(K).
          apply_kernels(zd, w.kernel.get() + 2 * q * hs, w.kernel.get() + (2 * q + 1) * hs, n, true,
                        w.rev.get(), w.rev2.get(), product);
          fftwf_execute_dft(p.inverse, product, as_complex(dy_rows.pair(q)));
        }
      }
      if (du) {
        scatter(dy_rows, s, b, blk, du);
        zero_padding(dy_rows, blk, L, n);  // the inverse transforms filled it
      }
    }
    for (int64_t j = 0; j < blk.hb; ++j) {
      if (dd) dd[blk.h0 + j] = static_cast<float>(skip[idx(j)]);
      if (!dk) continue;
      // Lag m of the correlation sits at m mod n: forward lags 0..Lk-1,
      // backward lags -1..-Lk at n-1..n-Lk.
      float* lags = w.scratch.get();
      fftwf_execute_dft_c2r(p.c2r, corr + j * hs, lags);
      float* dkh = dk + (blk.h0 + j) * per_channel;
      for (int64_t i = 0; i < Lk; ++i)
        dkh[i] = lags[i] * scale;
      if (s.bidirectional) {
        for (int64_t i = 0; i < Lk; ++i)
          dkh[Lk + i] = lags[n - 1 - i] * scale;
      }
    }
  });
}

}  // namespace long_conv_internal

}  // namespace kernels::cpu
