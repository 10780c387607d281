#include "kernels/cpu/long_conv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "error_of.h"

namespace {

using kernels::cpu::LongConvAlgorithm;
using kernels::cpu::LongConvOptions;
using kernels::cpu::LongConvShape;

// Accuracy bar against double-precision references: the largest error over
// the largest reference magnitude. Float32 rounding of the inputs and of a
// sum of up to ~10^4 products, or of an FFT of size up to 2^14 (error growing
// like log n), stays one to two orders of magnitude below this.
constexpr double kRel = 1e-5;

size_t sz(int64_t v) {
  return static_cast<size_t>(v);
}

std::vector<float> random_floats(int64_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(sz(count));
  for (auto& x : v)
    x = dist(rng);
  return v;
}

std::vector<double> to_double(const std::vector<float>& v) {
  return {v.begin(), v.end()};
}

// Inputs of one problem, in float (what the kernels see).
struct Problem {
  LongConvShape shape;
  std::vector<float> u, k, d, dy;  // [B, L, H], [H, (2,) Lk], [H], [B, L, H]

  explicit Problem(LongConvShape s, uint64_t seed = 1) : shape(s) {
    u = random_floats(s.signal_size(), seed);
    k = random_floats(s.kernel_size(), seed + 1);
    d = random_floats(s.channels, seed + 2);
    dy = random_floats(s.signal_size(), seed + 3);
  }
};

// The definitions in long_conv.h, summed naively in double.
struct Reference {
  std::vector<double> y, du, dk, dd;
};

std::vector<double> naive_forward(const LongConvShape& s, const std::vector<double>& u,
                                  const std::vector<double>& k, const std::vector<double>& d) {
  const int64_t B = s.batch, L = s.length, H = s.channels, Lk = s.kernel_length;
  const int64_t per_channel = s.bidirectional ? 2 * Lk : Lk;
  auto at = [&](int64_t b, int64_t t, int64_t h) { return u[sz((b * L + t) * H + h)]; };
  std::vector<double> y(sz(B * L * H));  // [B, L, H]
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t t = 0; t < L; ++t) {
      for (int64_t h = 0; h < H; ++h) {
        const double* kh = k.data() + h * per_channel;
        double acc = d[sz(h)] * at(b, t, h);
        for (int64_t i = 0; i < Lk && i <= t; ++i)
          acc += kh[i] * at(b, t - i, h);
        if (s.bidirectional) {
          for (int64_t i = 0; i < Lk && t + 1 + i < L; ++i)
            acc += kh[Lk + i] * at(b, t + 1 + i, h);
        }
        y[sz((b * L + t) * H + h)] = acc;
      }
    }
  }
  return y;
}

Reference naive(const Problem& p) {
  const LongConvShape& s = p.shape;
  const int64_t B = s.batch, L = s.length, H = s.channels, Lk = s.kernel_length;
  const int64_t per_channel = s.bidirectional ? 2 * Lk : Lk;
  const auto u = to_double(p.u), k = to_double(p.k), d = to_double(p.d), dy = to_double(p.dy);
  Reference r;
  r.y = naive_forward(s, u, k, d);
  auto id = [&](int64_t b, int64_t t, int64_t h) { return sz((b * L + t) * H + h); };
  r.du.assign(sz(B * L * H), 0.0);
  r.dk.assign(sz(s.kernel_size()), 0.0);
  r.dd.assign(sz(H), 0.0);
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t t = 0; t < L; ++t) {
      for (int64_t h = 0; h < H; ++h) {
        const double* kh = k.data() + h * per_channel;
        double* dkh = r.dk.data() + h * per_channel;
        double acc = d[sz(h)] * dy[id(b, t, h)];
        r.dd[sz(h)] += dy[id(b, t, h)] * u[id(b, t, h)];
        for (int64_t i = 0; i < Lk; ++i) {
          if (t + i < L) acc += kh[i] * dy[id(b, t + i, h)];
          if (i <= t) dkh[i] += dy[id(b, t, h)] * u[id(b, t - i, h)];
          if (!s.bidirectional) continue;
          if (t - 1 - i >= 0) acc += kh[Lk + i] * dy[id(b, t - 1 - i, h)];
          if (t + 1 + i < L) dkh[Lk + i] += dy[id(b, t, h)] * u[id(b, t + 1 + i, h)];
        }
        r.du[id(b, t, h)] = acc;
      }
    }
  }
  return r;
}

struct Output {
  std::vector<float> y, du, dk, dd;
};

Output run(const Problem& p, LongConvAlgorithm algorithm, int threads = 2) {
  const LongConvOptions options{algorithm, threads};
  const LongConvShape& s = p.shape;
  Output o;
  o.y.assign(sz(s.signal_size()), NAN);
  o.du.assign(sz(s.signal_size()), NAN);
  o.dk.assign(sz(s.kernel_size()), NAN);
  o.dd.assign(sz(s.channels), NAN);
  kernels::cpu::long_conv_forward(s, p.u.data(), p.k.data(), p.d.data(), o.y.data(), options);
  kernels::cpu::long_conv_backward(s, p.u.data(), p.k.data(), p.d.data(), p.dy.data(), o.du.data(),
                                   o.dk.data(), o.dd.data(), options);
  return o;
}

// max |got - want| <= rel * max |want|, reporting the worst element.
void expect_close(const std::vector<float>& got, const std::vector<double>& want, double rel,
                  const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double scale = 0.0, worst = -1.0;
  size_t at = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    scale = std::max(scale, std::fabs(want[i]));
    const double err = std::fabs(static_cast<double>(got[i]) - want[i]);
    if (!(err <= worst)) {  // also catches NaN
      worst = err;
      at = i;
    }
  }
  if (want.empty()) return;
  EXPECT_LE(worst, rel * std::max(scale, 1e-30))
      << what << ": element " << at << " is " << got[at] << ", expected " << want[at]
      << " (max |ref| " << scale << ")";
}

std::string name(const LongConvShape& s) {
  return "B=" + std::to_string(s.batch) + " L=" + std::to_string(s.length) +
         " H=" + std::to_string(s.channels) + " Lk=" + std::to_string(s.kernel_length) +
         (s.bidirectional ? " bidirectional" : " causal");
}

void expect_matches_reference(const Problem& p, LongConvAlgorithm algorithm, double rel,
                              const std::string& label) {
  const Reference r = naive(p);
  const Output o = run(p, algorithm);
  expect_close(o.y, r.y, rel, label + " y");
  expect_close(o.du, r.du, rel, label + " du");
  expect_close(o.dk, r.dk, rel, label + " dk");
  expect_close(o.dd, r.dd, rel, label + " dD");
}

// Sizes the FFT plans quickly; the measured planner is covered by Determinism.
class LongConv : public ::testing::Test {
 protected:
  void SetUp() override { kernels::cpu::set_fft_planning(kernels::cpu::FftPlanning::kEstimate); }
};

std::vector<LongConvShape> shapes() {
  std::vector<LongConvShape> out;
  const std::vector<LongConvShape> base = {
      {1, 1, 1, 1, false},      {3, 1, 5, 1, false},    {2, 2, 3, 1, false},
      {2, 7, 5, 3, false},      {2, 7, 5, 7, false},    {3, 17, 4, 17, false},
      {2, 31, 19, 8, false},    {1, 64, 16, 64, false}, {2, 100, 33, 37, false},
      {1, 255, 17, 255, false}, {2, 129, 70, 5, false}, {4, 96, 3, 1, false},
  };
  for (auto s : base) {
    out.push_back(s);
    s.bidirectional = true;
    out.push_back(s);
  }
  return out;
}

TEST_F(LongConv, FftMatchesNaiveDouble) {
  uint64_t seed = 10;
  for (const auto& s : shapes())
    expect_matches_reference(Problem(s, seed += 4), LongConvAlgorithm::kFft, kRel, name(s));
}

TEST_F(LongConv, DirectMatchesNaiveDouble) {
  uint64_t seed = 20;
  for (const auto& s : shapes())
    expect_matches_reference(Problem(s, seed += 4), LongConvAlgorithm::kDirect, kRel, name(s));
}

TEST_F(LongConv, AutoMatchesNaiveDouble) {
  for (const auto& s : shapes())
    expect_matches_reference(Problem(s, 30), LongConvAlgorithm::kAuto, kRel, name(s));
}

// Long sequences: transforms of size up to 2^14 and mixed sizes (5120 =
// 2^10 5, 9216 = 2^10 3^2, 2160 = 2^4 3^3 5) with full-length, short and odd
// kernels.
TEST_F(LongConv, LargeLengthsMatchNaiveDouble) {
  const std::vector<LongConvShape> large = {
      {1, 8192, 2, 8192, false}, {2, 4999, 3, 10, false}, {1, 8000, 2, 1000, false},
      {1, 4096, 2, 4096, true},  {2, 3001, 2, 999, true}, {2, 2000, 3, 160, true},
  };
  for (const auto& s : large) {
    const Problem p(s, 40);
    expect_matches_reference(p, LongConvAlgorithm::kFft, kRel, name(s) + " fft");
    if (s.kernel_length <= 1000)
      expect_matches_reference(p, LongConvAlgorithm::kDirect, kRel, name(s) + " direct");
  }
}

// Gradients against central differences of the double reference's loss
// sum(y * G) with G = dy. The loss is linear in each of u, k and D, so the
// differences are exact up to rounding of the loss itself.
TEST_F(LongConv, GradientsMatchFiniteDifferences) {
  const std::vector<LongConvShape> small = {
      {2, 9, 3, 4, false}, {2, 9, 3, 9, true}, {1, 1, 2, 1, false}, {3, 6, 2, 2, true}};
  for (const auto& s : small) {
    const Problem p(s, 50);
    std::vector<double> u = to_double(p.u), k = to_double(p.k), d = to_double(p.d);
    const std::vector<double> g = to_double(p.dy);
    auto loss = [&] {
      const auto y = naive_forward(s, u, k, d);
      double sum = 0.0;
      for (size_t i = 0; i < y.size(); ++i)
        sum += y[i] * g[i];
      return sum;
    };
    auto differences = [&](std::vector<double>& x) {
      std::vector<double> grad(x.size());
      const double step = 1e-3;
      for (size_t i = 0; i < x.size(); ++i) {
        const double keep = x[i];
        x[i] = keep + step;
        const double up = loss();
        x[i] = keep - step;
        const double down = loss();
        x[i] = keep;
        grad[i] = (up - down) / (2 * step);
      }
      return grad;
    };
    const auto du = differences(u), dk = differences(k), dd = differences(d);
    for (auto algorithm : {LongConvAlgorithm::kFft, LongConvAlgorithm::kDirect}) {
      const Output o = run(p, algorithm);
      const std::string label =
          name(s) + (algorithm == LongConvAlgorithm::kFft ? " fft" : " direct");
      expect_close(o.du, du, kRel, label + " du");
      expect_close(o.dk, dk, kRel, label + " dk");
      expect_close(o.dd, dd, kRel, label + " dD");
    }
  }
}

// Golden vectors computed independently in float64. Their own tolerance
// (1e-9) is for double precision; here the inputs are rounded to float32
// and sums of up to 64 products of O(1) terms are formed in float32, which
// bounds the error near 64 * 2^-24 * max|term| ~ 4e-6 of the output scale,
// so the bar is kRel of the largest magnitude of each output.
TEST_F(LongConv, GoldenCausal) {
  std::ifstream in(NEUROSEQ_TEST_DATA_DIR "/golden/long_conv_causal.json");
  ASSERT_TRUE(in) << "missing golden/long_conv_causal.json";
  const auto golden = nlohmann::json::parse(in);
  auto data = [&](const char* group, const char* field) {
    return golden.at(group).at(field).at("data").get<std::vector<double>>();
  };
  const auto shape_u = golden.at("inputs").at("u").at("shape").get<std::vector<int64_t>>();
  const auto shape_k = golden.at("inputs").at("k").at("shape").get<std::vector<int64_t>>();
  ASSERT_EQ(shape_u.size(), 3u);
  ASSERT_EQ(shape_k.size(), 2u);
  const LongConvShape s{shape_u[0], shape_u[1], shape_u[2], shape_k[1], false};
  ASSERT_EQ(shape_k[0], s.channels);

  Problem p(s);
  auto to_float = [](const std::vector<double>& v) {
    return std::vector<float>(v.begin(), v.end());
  };
  p.u = to_float(data("inputs", "u"));
  p.k = to_float(data("inputs", "k"));
  p.d = to_float(data("inputs", "D"));
  p.dy = to_float(data("inputs", "dy"));
  for (auto algorithm : {LongConvAlgorithm::kFft, LongConvAlgorithm::kDirect}) {
    const Output o = run(p, algorithm);
    const std::string label = algorithm == LongConvAlgorithm::kFft ? "fft" : "direct";
    expect_close(o.y, data("outputs", "y"), kRel, label + " y");
    expect_close(o.du, data("outputs", "du"), kRel, label + " du");
    expect_close(o.dk, data("outputs", "dk"), kRel, label + " dk");
    expect_close(o.dd, data("outputs", "dD"), kRel, label + " dD");
  }
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST_F(LongConv, DeterministicAcrossThreadCounts) {
  kernels::cpu::set_fft_planning(kernels::cpu::FftPlanning::kMeasure);
  const std::vector<LongConvShape> cases = {{3, 300, 70, 300, false}, {2, 257, 37, 13, true}};
  for (const auto& s : cases) {
    const Problem p(s, 60);
    for (auto algorithm : {LongConvAlgorithm::kFft, LongConvAlgorithm::kDirect}) {
      const Output one = run(p, algorithm, 1);
      for (int threads : {2, 3, 8}) {
        const Output many = run(p, algorithm, threads);
        const std::string label = name(s) + " threads=" + std::to_string(threads);
        EXPECT_TRUE(same_bits(one.y, many.y)) << label << " y";
        EXPECT_TRUE(same_bits(one.du, many.du)) << label << " du";
        EXPECT_TRUE(same_bits(one.dk, many.dk)) << label << " dk";
        EXPECT_TRUE(same_bits(one.dd, many.dd)) << label << " dD";
      }
      EXPECT_TRUE(same_bits(one.y, run(p, algorithm, 1).y)) << "repeat " << name(s);
    }
  }
}

// Channel blocks follow the buffers' alignment (H a multiple of 16), which
// must not change any result: the same data at other offsets gives the same
// bits.
TEST_F(LongConv, BufferAlignmentDoesNotChangeResults) {
  const Problem p({2, 50, 32, 20, true}, 65);
  for (auto algorithm : {LongConvAlgorithm::kFft, LongConvAlgorithm::kDirect}) {
    const Output aligned = run(p, algorithm);
    for (size_t offset : {1u, 2u, 4u, 6u}) {
      auto shifted = [&](const std::vector<float>& v) {
        std::vector<float> out(offset, 0.0f);
        out.insert(out.end(), v.begin(), v.end());
        return out;
      };
      const auto u = shifted(p.u), dy = shifted(p.dy);
      std::vector<float> y(u.size()), du(u.size()), dk(p.k.size()), dd(p.d.size());
      const LongConvOptions options{algorithm, 2};
      kernels::cpu::long_conv_forward(p.shape, u.data() + offset, p.k.data(), p.d.data(),
                                      y.data() + offset, options);
      kernels::cpu::long_conv_backward(p.shape, u.data() + offset, p.k.data(), p.d.data(),
                                       dy.data() + offset, du.data() + offset, dk.data(), dd.data(),
                                       options);
      const std::string label = "offset " + std::to_string(offset);
      EXPECT_TRUE(same_bits({y.begin() + static_cast<long>(offset), y.end()}, aligned.y)) << label;
      EXPECT_TRUE(same_bits({du.begin() + static_cast<long>(offset), du.end()}, aligned.du))
          << label;
      EXPECT_TRUE(same_bits(dk, aligned.dk)) << label;
      EXPECT_TRUE(same_bits(dd, aligned.dd)) << label;
    }
  }
}

TEST_F(LongConv, NullOutputsAreSkippedAndOthersUnchanged) {
  const Problem p({2, 40, 5, 12, true}, 70);
  for (auto algorithm : {LongConvAlgorithm::kFft, LongConvAlgorithm::kDirect}) {
    const Output full = run(p, algorithm);
    const LongConvOptions options{algorithm, 2};
    std::vector<float> du(full.du.size()), dk(full.dk.size()), dd(full.dd.size());
    kernels::cpu::long_conv_backward(p.shape, p.u.data(), p.k.data(), p.d.data(), p.dy.data(),
                                     du.data(), nullptr, nullptr, options);
    kernels::cpu::long_conv_backward(p.shape, p.u.data(), p.k.data(), p.d.data(), p.dy.data(),
                                     nullptr, dk.data(), dd.data(), options);
    EXPECT_TRUE(same_bits(du, full.du));
    EXPECT_TRUE(same_bits(dk, full.dk));
    EXPECT_TRUE(same_bits(dd, full.dd));
  }
}

TEST_F(LongConv, WithoutSkipTermDIsZero) {
  Problem p({2, 33, 4, 10, false}, 80);
  const Output o = run(p, LongConvAlgorithm::kFft);
  std::vector<float> y(o.y.size());
  kernels::cpu::long_conv_forward(p.shape, p.u.data(), p.k.data(), nullptr, y.data());
  std::fill(p.d.begin(), p.d.end(), 0.0f);
  expect_close(y, naive(p).y, kRel, "y without D");
}

TEST_F(LongConv, EmptyBatchGivesZeroParameterGradients) {
  const LongConvShape s{0, 16, 3, 4, false};
  const std::vector<float> k(12, 1.0f), d(3, 1.0f);
  std::vector<float> dk(12, NAN), dd(3, NAN);
  const float none = 0.0f;
  kernels::cpu::long_conv_backward(s, &none, k.data(), d.data(), &none, nullptr, dk.data(),
                                   dd.data());
  EXPECT_EQ(dk, std::vector<float>(12, 0.0f));
  EXPECT_EQ(dd, std::vector<float>(3, 0.0f));
}

TEST_F(LongConv, RejectsBadShapes) {
  using neuroseq_test::error_of;
  const std::vector<float> buf(64, 0.0f);
  std::vector<float> out(64);
  auto forward = [&](LongConvShape s) {
    return error_of<std::invalid_argument>(
        [&] { kernels::cpu::long_conv_forward(s, buf.data(), buf.data(), nullptr, out.data()); });
  };
  EXPECT_NE(forward({1, 4, 1, 5, false}).find("kernel_length"), std::string::npos);
  EXPECT_NE(forward({1, 4, 1, 0, false}).find("kernel_length"), std::string::npos);
  EXPECT_NE(forward({1, 0, 1, 1, false}).find("length"), std::string::npos);
  EXPECT_NE(forward({-1, 4, 1, 1, false}).find("batch"), std::string::npos);
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              kernels::cpu::long_conv_forward({1, 4, 1, 1, false}, nullptr, buf.data(), nullptr,
                                              out.data());
            }).find("null"),
            std::string::npos);
}

TEST_F(LongConv, CostModelPicksDirectForShortKernelsOnly) {
  using kernels::cpu::long_conv_choose_algorithm;
  EXPECT_EQ(long_conv_choose_algorithm({8, 4096, 256, 4, false}, false),
            LongConvAlgorithm::kDirect);
  EXPECT_EQ(long_conv_choose_algorithm({8, 4096, 256, 4096, false}, false),
            LongConvAlgorithm::kFft);
  EXPECT_EQ(long_conv_choose_algorithm({8, 4096, 256, 4096, true}, true), LongConvAlgorithm::kFft);
  EXPECT_EQ(kernels::cpu::long_conv_fft_size({1, 4096, 1, 4096, false}), 8192);
  EXPECT_EQ(kernels::cpu::long_conv_fft_size({1, 1, 1, 1, false}), 2);
  EXPECT_EQ(kernels::cpu::long_conv_fft_size({1, 100, 1, 7, false}), 128);
  EXPECT_EQ(kernels::cpu::long_conv_fft_size({1, 4999, 1, 10, false}), 5120);
  EXPECT_EQ(kernels::cpu::long_conv_fft_size({1, 16384, 1, 16, false}), 17280);
}

}  // namespace
