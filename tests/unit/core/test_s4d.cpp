// S4D: initialisations and the kernel against golden values, the kernel and
// the module against the unrolled state-space recurrence in double, every
// parameter's gradient against finite differences of that recurrence, the
// optimiser settings, and the epsilon rule's conservation.

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/nn/s4d.h"
#include "core/nn/s4d_kernel.h"
#include "error_of.h"
#include "golden.h"
#include "gradient_check.h"
#include "mixer_reference.h"
#include "random_tensor.h"

namespace {

namespace ref = mixer_reference;
using neuroseq_test::DoubleParams;
using neuroseq_test::golden_array;
using neuroseq_test::matches_golden;
using neuroseq_test::random_normal;
using neuroseq_test::random_uniform;
using neuroseq_test::to_double;

core::S4DConfig config_of(int64_t channels, int64_t state_size, core::S4DInit init) {
  core::S4DConfig c;
  c.channels = channels;
  c.state_size = state_size;
  c.init = init;
  return c;
}

TEST(S4DInit, MatchesGolden) {
  const auto golden = neuroseq_test::load_golden("s4d_init.json");
  const auto lin = core::s4d_imag_init(core::S4DInit::kLin, 8);
  const auto inv = core::s4d_imag_init(core::S4DInit::kInv, 8);
  const auto want_lin = golden.at("A_imag_lin").get<std::vector<double>>();
  const auto want_inv = golden.at("A_imag_inv").get<std::vector<double>>();
  ASSERT_EQ(lin.size(), want_lin.size());
  ASSERT_EQ(inv.size(), want_inv.size());
  for (size_t n = 0; n < lin.size(); ++n) {
    EXPECT_NEAR(lin[n], want_lin[n], 1e-12 * std::max(1.0, want_lin[n]));
    EXPECT_NEAR(inv[n], want_inv[n], 1e-12 * std::max(1.0, want_inv[n]));
  }
  core::S4D s4d("s4d", config_of(3, 8, core::S4DInit::kInv), 1);
  const double a_real = golden.at("A_real").get<double>();
  for (float v : s4d.log_a_real().value.values())
    EXPECT_NEAR(-std::exp(v), a_real, 1e-7);
  for (int64_t h = 0; h < 3; ++h)
    for (int64_t n = 0; n < 4; ++n)
      EXPECT_FLOAT_EQ(s4d.a_imag().value.data()[h * 4 + n], static_cast<float>(want_inv[n]));
}

TEST(S4DInit, DtIsLogUniformAndDrawsAreReproducible) {
  core::S4D a("a", config_of(512, 4, core::S4DInit::kLin), 3);
  core::S4D b("b", config_of(512, 4, core::S4DInit::kLin), 3);
  core::S4D c("c", config_of(512, 4, core::S4DInit::kLin), 4);
  double lo = 0.0, hi = -10.0, mean = 0.0;
  for (float v : a.log_dt().value.values()) {
    lo = std::min(lo, static_cast<double>(v));
    hi = std::max(hi, static_cast<double>(v));
    mean += v / 512.0;
  }
  EXPECT_GE(lo, std::log(0.001) - 1e-6);
  EXPECT_LE(hi, std::log(0.1) + 1e-6);
  EXPECT_LT(lo, std::log(0.001) + 0.1);
  EXPECT_GT(hi, std::log(0.1) - 0.1);
  EXPECT_NEAR(mean, 0.5 * (std::log(0.001) + std::log(0.1)), 0.15);  // sd of mean ~0.06
  EXPECT_EQ(to_double(a.log_dt().value), to_double(b.log_dt().value));
  EXPECT_EQ(to_double(a.c().value), to_double(b.c().value));
  EXPECT_NE(to_double(a.log_dt().value), to_double(c.log_dt().value));
  // C is a standard complex normal: E|C|^2 = 1 over 1024 modes.
  double power = 0.0;
  for (float v : a.c().value.values())
    power += static_cast<double>(v) * v / 1024.0;
  EXPECT_NEAR(power, 1.0, 0.1);
}

TEST(S4DParameters, NamesShapesAndOptimiserSettings) {
  core::S4DConfig config = config_of(6, 16, core::S4DInit::kLin);
  config.ssm_lr_scale = 0.2f;
  core::S4D s4d("enc.ssm", config, 1);
  const auto p = s4d.parameters();
  ASSERT_EQ(p.size(), 5u);
  const char* names[] = {"log_dt", "log_A_real", "A_imag", "C", "D"};
  const core::Shape shapes[] = {{6}, {6, 8}, {6, 8}, {6, 8, 2}, {6}};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(p[i]->name, std::string("enc.ssm.") + names[i]);
    EXPECT_EQ(p[i]->value.shape(), shapes[i]) << names[i];
    const bool ssm = i < 3;
    EXPECT_EQ(p[i]->weight_decay, !ssm) << names[i];
    EXPECT_EQ(p[i]->lr_scale, ssm ? 0.2f : 1.0f) << names[i];
  }
  EXPECT_THROW(core::S4D("bad", config_of(6, 7, core::S4DInit::kLin), 1), std::invalid_argument);
  core::Context ctx;
  EXPECT_EQ(neuroseq_test::error_of<std::invalid_argument>([&] {
              s4d.forward(core::Tensor({2, 10, 5}), ctx);
            }),
            "enc.ssm: expected [B, L, 6], got [2, 10, 5]");
}

// Tolerance: the golden's float64 tolerance scaled to float32 by
// matches_golden; the kernel is computed in double from float parameters.
TEST(S4DKernel, MatchesGolden) {
  const auto golden = neuroseq_test::load_golden("s4d_kernel.json");
  const double tol = golden.at("tolerance_rel").get<double>();
  const auto& in = golden.at("inputs");
  const auto floats = [&](const char* key) { return golden_array(in.at(key)).floats(); };
  const auto log_dt = floats("log_dt"), log_a_real = floats("log_A_real"),
             a_imag = floats("A_imag"), c_re = floats("C_re"), c_im = floats("C_im"),
             g = floats("G");
  const int64_t h = static_cast<int64_t>(log_dt.size());
  const int64_t m = static_cast<int64_t>(a_imag.size()) / h;
  const int64_t l = in.at("L").get<int64_t>();
  std::vector<float> c(2 * c_re.size());
  for (size_t i = 0; i < c_re.size(); ++i) {
    c[2 * i] = c_re[i];
    c[2 * i + 1] = c_im[i];
  }
  const core::S4DKernelShape shape{h, m, l};
  std::vector<float> k(static_cast<size_t>(h * l));
  core::s4d_kernel(shape, log_dt.data(), log_a_real.data(), a_imag.data(), c.data(), k.data());
  std::vector<float> d_log_dt(log_dt.size()), d_lar(a_imag.size()), d_ai(a_imag.size()),
      dc(c.size());
  core::s4d_kernel_backward(shape, log_dt.data(), log_a_real.data(), a_imag.data(), c.data(),
                            g.data(), d_log_dt.data(), d_lar.data(), d_ai.data(), dc.data());
  std::vector<double> dc_re, dc_im;
  for (size_t i = 0; i < c_re.size(); ++i) {
    dc_re.push_back(dc[2 * i]);
    dc_im.push_back(dc[2 * i + 1]);
  }
  const auto& out = golden.at("outputs");
  const auto as_double = [](const std::vector<float>& v) {
    return std::vector<double>(v.begin(), v.end());
  };
  EXPECT_TRUE(matches_golden("K", as_double(k), golden_array(out.at("K")), tol));
  EXPECT_TRUE(
      matches_golden("d_log_dt", as_double(d_log_dt), golden_array(out.at("d_log_dt")), tol));
  EXPECT_TRUE(
      matches_golden("d_log_A_real", as_double(d_lar), golden_array(out.at("d_log_A_real")), tol));
  EXPECT_TRUE(matches_golden("d_A_imag", as_double(d_ai), golden_array(out.at("d_A_imag")), tol));
  EXPECT_TRUE(matches_golden("d_C_re", dc_re, golden_array(out.at("d_C_re")), tol));
  EXPECT_TRUE(matches_golden("d_C_im", dc_im, golden_array(out.at("d_C_im")), tol));
}

// The kernel is the impulse response of the recurrence: feed a unit impulse
// through the double recurrence (D = 0) and read K off the output.
TEST(S4DKernel, EqualsImpulseResponseOfTheRecurrence) {
  for (core::S4DInit init : {core::S4DInit::kLin, core::S4DInit::kInv}) {
    core::S4D s4d("s4d", config_of(3, 16, init), 9);
    const int64_t l = 300;  // past the re-anchoring interval several times
    const auto k = to_double(s4d.kernel(l));
    std::vector<double> impulse(static_cast<size_t>(l * 3), 0.0);
    for (int64_t h = 0; h < 3; ++h)
      impulse[static_cast<size_t>(h)] = 1.0;
    const auto y = ref::s4d_recurrence(
        impulse, to_double(s4d.log_dt().value), to_double(s4d.log_a_real().value),
        to_double(s4d.a_imag().value), to_double(s4d.c().value), {}, 1, l, 3, 8);
    std::vector<double> want(k.size());
    for (int64_t h = 0; h < 3; ++h)
      for (int64_t t = 0; t < l; ++t)
        want[static_cast<size_t>(h * l + t)] = y[static_cast<size_t>(t * 3 + h)];
    // The kernel is rounded to float once: relative 1e-7 of the largest tap.
    EXPECT_TRUE(neuroseq_test::close_to("K", k, want, 1e-6, 1e-7));
  }
}

neuroseq_test::DoubleReference recurrence(int64_t batch, int64_t length, int64_t channels,
                                          int64_t modes) {
  return [=](const std::vector<double>& x, const DoubleParams& p) {
    return ref::s4d_recurrence(x, p[0], p[1], p[2], p[3], p[4], batch, length, channels, modes);
  };
}

TEST(S4DModule, ForwardAndGradientsMatchTheRecurrence) {
  for (core::S4DInit init : {core::S4DInit::kLin, core::S4DInit::kInv}) {
    core::S4D s4d("s4d", config_of(3, 8, init), 5);
    // Larger steps than the init's so that the kernel decays within the
    // sequence and every parameter moves the output visibly.
    s4d.log_dt().value = random_uniform({3}, 6, std::log(0.05), std::log(0.3));
    s4d.log_a_real().value = random_uniform({3, 4}, 7, -1.5, 0.5);
    neuroseq_test::GradientCheckOptions o;
    EXPECT_TRUE(neuroseq_test::gradients_match(s4d, random_normal({2, 24, 3}, 8),
                                               recurrence(2, 24, 3, 4), o))
        << "init " << static_cast<int>(init);
  }
}

TEST(S4DLrp, ConservesRelevance) {
  core::S4D s4d("s4d", config_of(4, 16, core::S4DInit::kLin), 2);
  core::LrpRule rule;
  rule.epsilon = 1e-9;
  EXPECT_TRUE(neuroseq_test::relevance_conserved(s4d, random_normal({2, 100, 4}, 3),
                                                 random_uniform({2, 100, 4}, 4, 0.5, 1.5), rule));
}

}  // namespace
