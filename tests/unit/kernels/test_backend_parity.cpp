// Every op of every non-CPU backend against the CPU reference, in the manner
// of ggml's test-backend-ops: a table of ops, each with the shapes it runs at
// and an NMSE tolerance; inputs are random from a fixed seed, identical on
// both backends; outputs start as a NaN sentinel, so an op that leaves an
// element unwritten fails; outputs must be finite and within the tolerance
// of the CPU's. Without a CUDA device every case skips.
//
// The tolerances sit orders of magnitude above float32 rounding (NMSE about
// 1e-14 to 1e-12 for these sizes) and orders below any real mistake (a wrong
// lag, a missing term, an unscaled transform give NMSE of 1e-3 or more).

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/backend.h"
#include "kernels/cpu/norms.h"

namespace {

using kernels::Backend;
using kernels::cpu::LongConvShape;

constexpr uint32_t kSentinelBits = 0x7fc0deadu;  // a quiet NaN no arithmetic produces
constexpr uint32_t kSeed = 20240611u;

float sentinel() {
  return std::bit_cast<float>(kSentinelBits);
}

// One run of one op on one backend: random host inputs drawn in call order
// from the seed (so every backend sees the same values), buffers in the
// backend's memory, and the named outputs read back.
class OpRun {
 public:
  OpRun(const Backend& backend, uint32_t seed) : backend_(backend), rng_(seed) {}
  ~OpRun() {
    for (float* p : owned_)
      backend_.free(p);
  }
  OpRun(const OpRun&) = delete;
  OpRun& operator=(const OpRun&) = delete;

  const Backend& backend() const { return backend_; }

  std::vector<float> random(int64_t count, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(static_cast<size_t>(count));
    for (auto& x : v)
      x = dist(rng_);
    return v;
  }

  const float* input(const std::vector<float>& host) { return upload(host); }

  // Filled with the sentinel: every element must be written by the op.
  float* output(const std::string& name, int64_t count) {
    float* p = allocate(count);
    backend_.fill(p, sentinel(), count);
    outputs_[name] = {p, count};
    return p;
  }

  // Starts at `initial` and is updated in place (+=, axpy, the optimiser).
  float* in_out(const std::string& name, const std::vector<float>& initial) {
    float* p = upload(initial);
    outputs_[name] = {p, static_cast<int64_t>(initial.size())};
    return p;
  }

  // A result the op returns to the host rather than writes.
  void record(const std::string& name, std::vector<float> values) {
    recorded_[name] = std::move(values);
  }

  std::map<std::string, std::vector<float>> results() {
    backend_.synchronize();
    auto all = recorded_;
    for (const auto& [name, buffer] : outputs_) {
      std::vector<float> host(static_cast<size_t>(buffer.second));
      backend_.download(buffer.first, host.data(), buffer.second);
      all[name] = std::move(host);
    }
    return all;
  }

 private:
  float* allocate(int64_t count) {
    float* p = backend_.alloc(std::max<int64_t>(count, 1));
    owned_.push_back(p);
    return p;
  }
  float* upload(const std::vector<float>& host) {
    const auto count = static_cast<int64_t>(host.size());
    float* p = allocate(count);
    backend_.upload(host.data(), p, count);
    return p;
  }

  const Backend& backend_;
  std::mt19937 rng_;
  std::vector<float*> owned_;
  std::map<std::string, std::pair<float*, int64_t>> outputs_;
  std::map<std::string, std::vector<float>> recorded_;
};

struct OpCase {
  std::string name;  // op and shape, e.g. long_conv_forward_causal_B2_L100_H6_Lk37
  std::function<void(OpRun&)> run;
  double tolerance;  // largest NMSE accepted
};

// Test names and failure messages show the case by its name.
void PrintTo(const OpCase& op, std::ostream* os) {
  *os << op.name;
}

// sum (got - want)^2 / sum want^2 (the plain squared error when want is 0).
double nmse(const std::vector<float>& got, const std::vector<float>& want) {
  double err = 0.0, ref = 0.0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double d = static_cast<double>(got[i]) - want[i];
    err += d * d;
    ref += static_cast<double>(want[i]) * want[i];
  }
  return ref > 0.0 ? err / ref : err;
}

std::string dims(std::initializer_list<std::pair<const char*, int64_t>> named) {
  std::string s;
  for (const auto& [label, value] : named)
    s += std::string("_") + label + std::to_string(value);
  return s;
}

// ---------------------------------------------------------------------------
// The table.

// Ops whose outputs are long float32 sums (FFT convolution, GEMM), and the rest.
constexpr double kLongSumTolerance = 1e-9;
constexpr double kTolerance = 1e-10;

void add_long_conv_cases(std::vector<OpCase>& table) {
  const std::vector<std::vector<int64_t>> shapes = {
      // B, L, H, Lk: L = 1; tiny; powers of two; odd H and lengths that are
      // not powers of two; a short kernel on a long signal. On CUDA, Lk <= 64
      // takes the direct path: the last three straddle its limit with several
      // tiles of time and channels.
      {2, 1, 3, 1},        {2, 7, 5, 7},       {3, 64, 8, 64},   {2, 100, 6, 37},
      {2, 1000, 33, 1000}, {1, 4096, 4, 4096}, {2, 333, 33, 17}, {3, 2048, 40, 300},
      {3, 1000, 70, 64},   {2, 1000, 70, 65},  {2, 5000, 40, 9}};
  for (const auto& v : shapes) {
    for (bool bidirectional : {false, true}) {
      const LongConvShape s{v[0], v[1], v[2], v[3], bidirectional};
      const std::string suffix = std::string(bidirectional ? "_bidirectional" : "_causal") +
                                 dims({{"B", v[0]}, {"L", v[1]}, {"H", v[2]}, {"Lk", v[3]}});
      const float k_scale = 1.0f / static_cast<float>(v[3]);
      table.push_back({"long_conv_forward" + suffix,
                       [s, k_scale](OpRun& r) {
                         const float* u = r.input(r.random(s.signal_size()));
                         const float* k = r.input(r.random(s.kernel_size(), -k_scale, k_scale));
                         const float* d = r.input(r.random(s.channels));
                         r.backend().long_conv_forward(s, u, k, d, r.output("y", s.signal_size()));
                       },
                       kLongSumTolerance});
      table.push_back({"long_conv_backward" + suffix,
                       [s, k_scale](OpRun& r) {
                         const float* u = r.input(r.random(s.signal_size()));
                         const float* k = r.input(r.random(s.kernel_size(), -k_scale, k_scale));
                         const float* d = r.input(r.random(s.channels));
                         const float* dy = r.input(r.random(s.signal_size()));
                         r.backend().long_conv_backward(
                             s, u, k, d, dy, r.output("du", s.signal_size()),
                             r.output("dk", s.kernel_size()), r.output("dD", s.channels));
                       },
                       kLongSumTolerance});
    }
  }
  // Optional buffers: no skip term, and each gradient alone.
  const LongConvShape s{2, 300, 7, 120, true};
  table.push_back({"long_conv_forward_without_skip_B2_L300_H7_Lk120",
                   [s](OpRun& r) {
                     const float* u = r.input(r.random(s.signal_size()));
                     const float* k = r.input(r.random(s.kernel_size(), -0.01f, 0.01f));
                     r.backend().long_conv_forward(s, u, k, nullptr,
                                                   r.output("y", s.signal_size()));
                   },
                   kLongSumTolerance});
  table.push_back({"long_conv_backward_each_gradient_alone_B2_L300_H7_Lk120",
                   [s](OpRun& r) {
                     const float* u = r.input(r.random(s.signal_size()));
                     const float* k = r.input(r.random(s.kernel_size(), -0.01f, 0.01f));
                     const float* dy = r.input(r.random(s.signal_size()));
                     const Backend& b = r.backend();
                     b.long_conv_backward(s, u, k, nullptr, dy, r.output("du", s.signal_size()),
                                          nullptr, nullptr);
                     b.long_conv_backward(s, u, k, nullptr, dy, nullptr,
                                          r.output("dk", s.kernel_size()), nullptr);
                     b.long_conv_backward(s, u, k, nullptr, dy, nullptr, nullptr,
                                          r.output("dD", s.channels));
                   },
                   kLongSumTolerance});
}

void add_gemm_cases(std::vector<OpCase>& table) {
  struct Gemm {
    int64_t m, n, k;
    bool ta, tb;
    int64_t pad;  // extra elements between stored rows of A, B and C
    float beta;
  };
  const std::vector<Gemm> cases = {
      {17, 33, 65, false, false, 0, 0.0f},    {17, 33, 65, true, false, 0, 0.0f},
      {17, 33, 65, false, true, 0, 0.0f},     {17, 33, 65, true, true, 0, 0.0f},
      {128, 256, 512, false, false, 0, 0.0f}, {1, 1, 1, false, false, 0, 0.0f},
      {19, 23, 31, true, true, 5, 0.5f},      {19, 23, 31, false, true, 3, 0.5f},
      {5, 7, 0, false, false, 0, 0.0f},       {5, 7, 0, false, false, 2, 0.5f}};
  for (const auto& g : cases) {
    const std::string name = std::string("gemm_") + (g.ta ? "T" : "N") + (g.tb ? "T" : "N") +
                             dims({{"m", g.m}, {"n", g.n}, {"k", g.k}, {"pad", g.pad}}) +
                             (g.beta != 0.0f ? "_beta" : "");
    table.push_back({name,
                     [g](OpRun& r) {
                       const int64_t a_rows = g.ta ? g.k : g.m, a_cols = g.ta ? g.m : g.k;
                       const int64_t b_rows = g.tb ? g.n : g.k, b_cols = g.tb ? g.k : g.n;
                       const int64_t lda = a_cols + g.pad, ldb = b_cols + g.pad, ldc = g.n + g.pad;
                       const float* a = r.input(r.random(a_rows * lda));
                       const float* b = r.input(r.random(b_rows * ldb));
                       // With beta = 0, C is not read: the sentinel must not leak in.
                       float* c = g.beta != 0.0f ? r.in_out("C", r.random(g.m * ldc))
                                                 : r.output("C", g.m * ldc);
                       r.backend().gemm(g.ta, g.tb, g.m, g.n, g.k, 0.7f, a, lda, b, ldb, g.beta, c,
                                        ldc);
                     },
                     kLongSumTolerance});
  }
}

void add_elementwise_cases(std::vector<OpCase>& table) {
  for (int64_t n : {int64_t{1}, int64_t{4099}}) {
    const std::string size = dims({{"n", n}});
    auto unary = [&](const std::string& op, float range,
                     void (*Backend::*fn)(const float*, float*, int64_t)) {
      table.push_back({op + size,
                       [=](OpRun& r) {
                         const float* x = r.input(r.random(n, -range, range));
                         (r.backend().*fn)(x, r.output("y", n), n);
                       },
                       kTolerance});
    };
    auto backward = [&](const std::string& op, float range,
                        void (*Backend::*fn)(const float*, const float*, float*, int64_t)) {
      table.push_back({op + size,
                       [=](OpRun& r) {
                         const float* x = r.input(r.random(n, -range, range));
                         const float* dy = r.input(r.random(n));
                         (r.backend().*fn)(x, dy, r.output("dx", n), n);
                       },
                       kTolerance});
    };
    // GELU over [-8, 8] reaches the far tail where erfc matters.
    unary("gelu_forward", 8.0f, &Backend::gelu_forward);
    backward("gelu_backward", 8.0f, &Backend::gelu_backward);
    unary("silu_forward", 20.0f, &Backend::silu_forward);
    backward("silu_backward", 20.0f, &Backend::silu_backward);
    auto binary = [&](const std::string& op,
                      void (*Backend::*fn)(const float*, const float*, float*, int64_t)) {
      table.push_back({op + size,
                       [=](OpRun& r) {
                         const float* a = r.input(r.random(n));
                         const float* b = r.input(r.random(n));
                         (r.backend().*fn)(a, b, r.output("out", n), n);
                       },
                       kTolerance});
    };
    binary("add", &Backend::add);
    binary("mul", &Backend::mul);
    table.push_back({"scale" + size,
                     [n](OpRun& r) {
                       const float* x = r.input(r.random(n));
                       r.backend().scale(x, -1.75f, r.output("out", n), n);
                     },
                     kTolerance});
    table.push_back({"axpy" + size,
                     [n](OpRun& r) {
                       const float* x = r.input(r.random(n));
                       r.backend().axpy(0.3f, x, r.in_out("y", r.random(n)), n);
                     },
                     kTolerance});
  }
  table.push_back({"add_row_rows37_cols129",
                   [](OpRun& r) {
                     const float* row = r.input(r.random(129));
                     r.backend().add_row(row, r.in_out("y", r.random(37 * 129)), 37, 129);
                   },
                   kTolerance});
}

void add_norm_cases(std::vector<OpCase>& table) {
  struct Norm {
    int64_t rows, cols;
    bool affine;
    float offset;  // added to x: a large mean tests the two-pass variance
  };
  for (const Norm& c : std::vector<Norm>{{37, 768, true, 0.0f},
                                         {64, 100, false, 0.0f},
                                         {5, 1, true, 0.0f},
                                         {3, 5000, true, 100.0f}}) {
    const std::string shape = dims({{"rows", c.rows}, {"cols", c.cols}}) +
                              (c.affine ? "_affine" : "") + (c.offset != 0.0f ? "_offset" : "");
    const int64_t n = c.rows * c.cols;
    table.push_back({"layer_norm_forward" + shape,
                     [c, n](OpRun& r) {
                       auto x = r.random(n);
                       for (auto& v : x)
                         v += c.offset;
                       const float* gamma =
                           c.affine ? r.input(r.random(c.cols, 0.5f, 1.5f)) : nullptr;
                       const float* beta = c.affine ? r.input(r.random(c.cols)) : nullptr;
                       r.backend().layer_norm_forward(
                           r.input(x), gamma, beta, c.rows, c.cols, 1e-5f, r.output("y", n),
                           r.output("mean", c.rows), r.output("rstd", c.rows));
                     },
                     kTolerance});
    table.push_back(
        {"layer_norm_backward" + shape,
         [c, n](OpRun& r) {
           auto x = r.random(n);
           for (auto& v : x)
             v += c.offset;
           const auto gamma = r.random(c.cols, 0.5f, 1.5f);
           // The statistics the forward pass hands over, made on the host.
           std::vector<float> y(x.size()), mean(static_cast<size_t>(c.rows)), rstd(mean.size());
           kernels::cpu::layer_norm_forward(x.data(), gamma.data(), nullptr, c.rows, c.cols, 1e-5f,
                                            y.data(), mean.data(), rstd.data());
           const float* dy = r.input(r.random(n));
           float* dgamma = c.affine ? r.in_out("dgamma", r.random(c.cols)) : nullptr;
           float* dbeta = c.affine ? r.in_out("dbeta", r.random(c.cols)) : nullptr;
           r.backend().layer_norm_backward(r.input(x), c.affine ? r.input(gamma) : nullptr,
                                           r.input(mean), r.input(rstd), dy, c.rows, c.cols,
                                           r.output("dx", n), dgamma, dbeta);
         },
         kTolerance});
  }
  for (const auto& [rows, cols] :
       std::vector<std::pair<int64_t, int64_t>>{{33, 1000}, {4, 1}, {2, 70000}}) {
    const std::string shape = dims({{"rows", rows}, {"cols", cols}});
    const int64_t n = rows * cols;
    table.push_back({"softmax_forward" + shape,
                     [n, rows, cols](OpRun& r) {
                       const float* x = r.input(r.random(n, -8.0f, 8.0f));
                       r.backend().softmax_forward(x, rows, cols, r.output("y", n));
                     },
                     kTolerance});
    table.push_back({"softmax_backward" + shape,
                     [n, rows, cols](OpRun& r) {
                       const auto x = r.random(n, -8.0f, 8.0f);
                       std::vector<float> y(x.size());
                       kernels::cpu::softmax_forward(x.data(), rows, cols, y.data());
                       const float* dy = r.input(r.random(n));
                       r.backend().softmax_backward(r.input(y), dy, rows, cols, r.output("dx", n));
                     },
                     kTolerance});
  }
}

void add_reduction_cases(std::vector<OpCase>& table) {
  // [outer, n, inner]: columns, single rows, an empty axis, and more outer
  // indices than a grid dimension holds.
  const std::vector<std::vector<int64_t>> shapes = {{3, 1000, 37}, {7, 513, 1},   {1, 5, 768},
                                                    {2, 0, 4},     {70000, 2, 1}, {70000, 2, 3},
                                                    {1, 100000, 1}};
  for (const auto& s : shapes) {
    const int64_t outer = s[0], n = s[1], inner = s[2];
    const std::string shape = dims({{"outer", outer}, {"n", n}, {"inner", inner}});
    for (bool mean : {false, true}) {
      table.push_back({(mean ? "mean_axis" : "sum_axis") + shape,
                       [=](OpRun& r) {
                         const float* x = r.input(r.random(outer * n * inner));
                         float* out = r.output("out", outer * inner);
                         if (mean) {
                           r.backend().mean_axis(x, outer, n, inner, out);
                         } else {
                           r.backend().sum_axis(x, outer, n, inner, out);
                         }
                       },
                       kTolerance});
    }
  }
  for (const auto& s : std::vector<std::vector<int64_t>>{{4, 100, 33}, {70000, 2, 3}}) {
    const int64_t outer = s[0], n = s[1], inner = s[2];
    table.push_back({"broadcast_axis" + dims({{"outer", outer}, {"n", n}, {"inner", inner}}),
                     [=](OpRun& r) {
                       const float* x = r.input(r.random(outer * inner));
                       r.backend().broadcast_axis(x, outer, n, inner, 0.5f,
                                                  r.output("out", outer * n * inner));
                     },
                     kTolerance});
  }
  for (int64_t n : {int64_t{1}, int64_t{1000}, int64_t{(1 << 20) + 3}}) {
    table.push_back({"sum" + dims({{"n", n}}),
                     [n](OpRun& r) {
                       const float* x = r.input(r.random(n, 0.0f, 1.0f));
                       r.record("sum", {static_cast<float>(r.backend().sum(x, n))});
                     },
                     kTolerance});
  }
}

void add_adamw_cases(std::vector<OpCase>& table) {
  for (int64_t n : {int64_t{1}, int64_t{10001}}) {
    for (int64_t step : {int64_t{1}, int64_t{7}}) {
      table.push_back({"adamw_update" + dims({{"n", n}, {"step", step}}),
                       [n, step](OpRun& r) {
                         kernels::cpu::AdamWHyper hyper;
                         hyper.lr = 3e-3;
                         hyper.weight_decay = 0.01;
                         hyper.step = step;
                         const float* grad = r.input(r.random(n));
                         float* param = r.in_out("param", r.random(n));
                         float* m = r.in_out("exp_avg", r.random(n, -0.1f, 0.1f));
                         float* v = r.in_out("exp_avg_sq", r.random(n, 0.0f, 0.01f));
                         r.backend().adamw_update(param, grad, m, v, n, hyper);
                       },
                       kTolerance});
    }
  }
}

std::vector<OpCase> op_table() {
  std::vector<OpCase> table;
  add_long_conv_cases(table);
  add_gemm_cases(table);
  add_elementwise_cases(table);
  add_norm_cases(table);
  add_reduction_cases(table);
  add_adamw_cases(table);
  return table;
}

class BackendParity : public ::testing::TestWithParam<OpCase> {};

TEST_P(BackendParity, MatchesTheCpu) {
  const OpCase& op = GetParam();
  const auto backends = kernels::available_backends();
  if (backends.size() < 2) GTEST_SKIP() << "no CUDA device: backend parity not run";
  OpRun reference_run(kernels::cpu_backend(), kSeed);
  op.run(reference_run);
  const auto reference = reference_run.results();
  for (size_t i = 1; i < backends.size(); ++i) {
    OpRun run(*backends[i], kSeed);
    op.run(run);
    const auto got = run.results();
    for (const auto& [name, want] : reference) {
      SCOPED_TRACE(std::string(backends[i]->name) + ", output " + name);
      ASSERT_TRUE(got.count(name));
      const auto& values = got.at(name);
      ASSERT_EQ(values.size(), want.size());
      int64_t unwritten = 0, non_finite = 0, reference_non_finite = 0;
      for (size_t j = 0; j < values.size(); ++j) {
        if (std::bit_cast<uint32_t>(values[j]) == kSentinelBits) {
          ++unwritten;
        } else if (!std::isfinite(values[j])) {
          ++non_finite;
        }
        if (!std::isfinite(want[j])) ++reference_non_finite;
      }
      EXPECT_EQ(reference_non_finite, 0) << "the CPU reference itself is not finite";
      EXPECT_EQ(unwritten, 0) << "elements still hold the sentinel (never written)";
      EXPECT_EQ(non_finite, 0) << "NaN or inf in the output";
      if (unwritten == 0 && non_finite == 0) {
        EXPECT_LE(nmse(values, want), op.tolerance);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, BackendParity, ::testing::ValuesIn(op_table()),
                         [](const ::testing::TestParamInfo<OpCase>& info) {
                           return info.param.name;
                         });

// The table must cover every op of the backend interface at least once.
TEST(BackendParityTable, NamesEveryOp) {
  const auto table = op_table();
  for (const char* op : {"long_conv_forward_causal",
                         "long_conv_forward_bidirectional",
                         "long_conv_backward_causal",
                         "long_conv_backward_bidirectional",
                         "gemm_NN",
                         "gemm_TN",
                         "gemm_NT",
                         "gemm_TT",
                         "gelu_forward",
                         "gelu_backward",
                         "silu_forward",
                         "silu_backward",
                         "add_n",
                         "mul_n",
                         "scale_n",
                         "axpy_n",
                         "add_row",
                         "layer_norm_forward",
                         "layer_norm_backward",
                         "softmax_forward",
                         "softmax_backward",
                         "sum_axis",
                         "mean_axis",
                         "broadcast_axis",
                         "sum_n",
                         "adamw_update",
                         "long_conv_forward_causal_B2_L1_"}) {
    bool found = false;
    for (const auto& c : table)
      found = found || c.name.rfind(op, 0) == 0;
    EXPECT_TRUE(found) << op;
  }
}

}  // namespace
