// Long convolution on CPU at encoder sizes: B = 8, H = 256, a full-length
// causal kernel (Lk = L), L from 256 to 16384, on 1 and 2 threads.
//
// Besides the time per call, the forward and forward+backward benchmarks
// report how much of it the bare FFTs would take on their own: the same
// number of transforms of the same size and kind (complex FFTs of channel
// pairs, real ones for the kernels and dk), through plans made the same way
// (FFTW_MEASURE, so FFTW's wisdom hands back the plans the kernel uses), on
// the same threads. `fft_share` = fft_ms / measured ms; the rest is moving
// [B, L, H] into padded rows and back, and the spectrum products.
//
// BM_LongConvCrossover times both algorithms, forward and backward, against
// the kernel length at L = 1024, 4096 and 16384 on one thread: the data
// behind the cost model that picks the direct path for short kernels.
//
//   build-conv/tests/bench/bench_long_conv --benchmark_filter=Forward
//   python3 tests/bench/torch_long_conv.py   (the PyTorch s4d.py reference)

#include <benchmark/benchmark.h>
#include <fftw3.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "kernels/cpu/long_conv.h"

namespace {

using kernels::cpu::LongConvAlgorithm;
using kernels::cpu::LongConvOptions;
using kernels::cpu::LongConvShape;

constexpr int64_t kBatch = 8;
constexpr int64_t kChannels = 256;

size_t sz(int64_t v) {
  return static_cast<size_t>(v);
}

struct Buffers {
  std::vector<float> u, k, d, dy, y, du, dk, dd;

  explicit Buffers(const LongConvShape& s) {
    std::mt19937 rng(3);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    auto fill = [&](std::vector<float>& v, int64_t n, float scale) {
      v.resize(sz(n));
      for (auto& x : v)
        x = scale * normal(rng);
    };
    fill(u, s.signal_size(), 1.0f);
    fill(dy, s.signal_size(), 1.0f);
    fill(k, s.kernel_size(), 0.02f);
    fill(d, s.channels, 1.0f);
    y.resize(sz(s.signal_size()));
    du.resize(sz(s.signal_size()));
    dk.resize(sz(s.kernel_size()));
    dd.resize(sz(s.channels));
  }

  void forward(const LongConvShape& s, const LongConvOptions& o) {
    kernels::cpu::long_conv_forward(s, u.data(), k.data(), d.data(), y.data(), o);
  }
  void backward(const LongConvShape& s, const LongConvOptions& o) {
    kernels::cpu::long_conv_backward(s, u.data(), k.data(), d.data(), dy.data(), du.data(),
                                     dk.data(), dd.data(), o);
  }
};

// Wall time in ms of the transforms alone: `round_trips` forward + inverse
// complex FFTs of size n (out of place, as the kernel runs them on channel
// pairs), `r2c` real-to-complex and `c2r` complex-to-real ones, spread over
// `threads` threads, each cycling through 8 zero-padded rows as the kernel
// does. Median of five runs.
double bare_fft_ms(int64_t n, int64_t round_trips, int64_t r2c, int64_t c2r, int threads) {
  const int64_t rows = 8, stride = n + 8;  // complex values, as the kernel pads rows
  std::vector<fftwf_complex*> work(sz(threads)), spectra(sz(threads));
  for (int w = 0; w < threads; ++w) {
    work[sz(w)] = fftwf_alloc_complex(sz(rows * stride));
    spectra[sz(w)] = fftwf_alloc_complex(sz(stride));
    std::fill(&spectra[sz(w)][0][0], &spectra[sz(w)][0][0] + 2 * stride, 0.0f);
    std::fill(&work[sz(w)][0][0], &work[sz(w)][0][0] + 2 * rows * stride, 0.0f);
    for (int64_t t = 0; t < n / 2; ++t)
      work[sz(w)][t][0] = static_cast<float>(t % 7) - 3.0f;
  }
  const int size = static_cast<int>(n);
  float* real = reinterpret_cast<float*>(work[0]);
  const fftwf_plan forward =
      fftwf_plan_dft_1d(size, work[0], spectra[0], FFTW_FORWARD, FFTW_MEASURE);
  const fftwf_plan inverse =
      fftwf_plan_dft_1d(size, spectra[0], work[0], FFTW_BACKWARD, FFTW_MEASURE);
  const fftwf_plan real_forward = fftwf_plan_dft_r2c_1d(size, real, spectra[0], FFTW_MEASURE);
  const fftwf_plan real_inverse = fftwf_plan_dft_c2r_1d(size, spectra[0], real, FFTW_MEASURE);
  auto run = [&](int w) {
    fftwf_complex* f = spectra[sz(w)];
    const int64_t total = round_trips + r2c + c2r;
    for (int64_t i = w; i < total; i += threads) {
      fftwf_complex* row = work[sz(w)] + (i % rows) * stride;
      if (i < round_trips) {
        fftwf_execute_dft(forward, row, f);
        fftwf_execute_dft(inverse, f, row);
      } else if (i < round_trips + r2c) {
        fftwf_execute_dft_r2c(real_forward, reinterpret_cast<float*>(row), f);
      } else {
        fftwf_execute_dft_c2r(real_inverse, f, reinterpret_cast<float*>(row));
      }
    }
  };
  std::vector<double> times;
  for (int rep = 0; rep < 5; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    {
      std::vector<std::jthread> pool;
      for (int w = 1; w < threads; ++w)
        pool.emplace_back(run, w);
      run(0);
    }
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  for (fftwf_plan plan : {forward, inverse, real_forward, real_inverse})
    fftwf_destroy_plan(plan);
  for (int w = 0; w < threads; ++w) {
    fftwf_free(work[sz(w)]);
    fftwf_free(spectra[sz(w)]);
  }
  std::sort(times.begin(), times.end());
  return times[2];
}

// The measured time per iteration in ms, for the share counter.
template <typename Fn>
double timed_loop(benchmark::State& state, Fn&& fn) {
  double total = 0.0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    total +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  return total / static_cast<double>(std::max<int64_t>(state.iterations(), 1));
}

// Args: L, threads.
void BM_LongConvForward(benchmark::State& state) {
  const LongConvShape s{kBatch, state.range(0), kChannels, state.range(0), false};
  const LongConvOptions o{LongConvAlgorithm::kAuto, static_cast<int>(state.range(1))};
  Buffers buf(s);
  buf.forward(s, o);  // plans the size
  const int64_t n = kernels::cpu::long_conv_fft_size(s);
  // Per (b, channel pair): a forward and an inverse complex FFT; per h: r2c(k).
  const double fft = bare_fft_ms(n, s.batch * s.channels / 2, s.channels, 0, o.threads);
  const double ms = timed_loop(state, [&] { buf.forward(s, o); });
  state.counters["n"] = static_cast<double>(n);
  state.counters["fft_ms"] = fft;
  state.counters["fft_share"] = fft / ms;
}

void BM_LongConvForwardBackward(benchmark::State& state) {
  const LongConvShape s{kBatch, state.range(0), kChannels, state.range(0), false};
  const LongConvOptions o{LongConvAlgorithm::kAuto, static_cast<int>(state.range(1))};
  Buffers buf(s);
  buf.forward(s, o);
  const int64_t n = kernels::cpu::long_conv_fft_size(s);
  // Forward as above; backward per (b, channel pair): FFTs of dy and u and
  // the inverse for du, counted as 1.5 round trips; per h: r2c(k), c2r(dk).
  const int64_t pairs = s.batch * s.channels / 2;
  const double fft = bare_fft_ms(n, pairs + 3 * pairs / 2, 2 * s.channels, s.channels, o.threads);
  const double ms = timed_loop(state, [&] {
    buf.forward(s, o);
    buf.backward(s, o);
  });
  state.counters["n"] = static_cast<double>(n);
  state.counters["fft_ms"] = fft;
  state.counters["fft_share"] = fft / ms;
}

// Just the transforms of the forward pass, as a benchmark of its own.
void BM_BareFftOfForward(benchmark::State& state) {
  const LongConvShape s{kBatch, state.range(0), kChannels, state.range(0), false};
  const int64_t n = kernels::cpu::long_conv_fft_size(s);
  const int threads = static_cast<int>(state.range(1));
  double fft = 0.0;
  for (auto _ : state)
    fft = bare_fft_ms(n, s.batch * s.channels / 2, s.channels, 0, threads);
  state.counters["n"] = static_cast<double>(n);
  state.counters["fft_ms"] = fft;
}

// Args: L, kernel length, 0 = direct / 1 = FFT, forward (0) or backward (1).
void BM_LongConvCrossover(benchmark::State& state) {
  const LongConvShape s{kBatch, state.range(0), kChannels, state.range(1), false};
  const LongConvOptions o{state.range(2) ? LongConvAlgorithm::kFft : LongConvAlgorithm::kDirect, 1};
  Buffers buf(s);
  buf.forward(s, o);
  const bool backward = state.range(3) != 0;
  for (auto _ : state) {
    if (backward) {
      buf.backward(s, o);
    } else {
      buf.forward(s, o);
    }
  }
  state.counters["auto_is_fft"] =
      kernels::cpu::long_conv_choose_algorithm(s, backward) == LongConvAlgorithm::kFft;
}

void sizes(benchmark::internal::Benchmark* b) {
  for (int64_t threads : {1, 2}) {
    for (int64_t length : {256, 1024, 4096, 16384})
      b->Args({length, threads});
  }
}

void crossover(benchmark::internal::Benchmark* b) {
  for (int64_t pass : {0, 1}) {
    for (int64_t length : {1024, 4096, 16384}) {
      for (int64_t lk : {8, 16, 32, 48, 64, 96}) {
        b->Args({length, lk, 0, pass});
        b->Args({length, lk, 1, pass});
      }
    }
  }
}

}  // namespace

BENCHMARK(BM_LongConvForward)->Apply(sizes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LongConvForwardBackward)->Apply(sizes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BareFftOfForward)->Apply(sizes)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_LongConvCrossover)->Apply(crossover)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
