#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/io/safetensors.h"
#include "core/random/philox.h"
#include "core/train/adamw.h"
#include "error_of.h"
#include "golden.h"
#include "temp_dir.h"

namespace {

using nlohmann::json;

core::Parameter parameter(const std::string& name, std::vector<float> values) {
  core::Parameter p;
  p.name = name;
  const auto n = static_cast<int64_t>(values.size());
  p.value = core::Tensor::from_values({n}, std::move(values));
  p.grad = core::Tensor({n});
  return p;
}

void set_grad(core::Parameter& p, uint64_t stream) {
  core::RandomStream random(3, stream);
  for (float& g : p.grad.values())
    g = static_cast<float>(random.normal());
}

// torch.optim.AdamW in double, one parameter, for checks of the options.
struct ReferenceAdamW {
  double lr, beta1, beta2, eps, wd;
  std::vector<double> p, m, v;
  int step = 0;
  void update(const std::vector<float>& g) {
    ++step;
    const double b1 = 1 - std::pow(beta1, step), b2 = 1 - std::pow(beta2, step);
    for (size_t i = 0; i < p.size(); ++i) {
      p[i] *= 1 - lr * wd;
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      p[i] -= lr / b1 * m[i] / (std::sqrt(v[i]) / std::sqrt(b2) + eps);
    }
  }
};

}  // namespace

TEST(AdamW, ThreeStepsMatchTorch) {
  const json g = neuroseq_test::load_golden("adamw.json");
  const json& inputs = g["inputs"];
  core::Parameter p = parameter("w", neuroseq_test::golden_array(inputs["p0"]).floats());
  core::AdamWOptions options;
  options.lr = inputs["lr"].get<double>();
  options.beta1 = inputs["beta1"].get<double>();
  options.beta2 = inputs["beta2"].get<double>();
  options.eps = inputs["eps"].get<double>();
  options.weight_decay = inputs["weight_decay"].get<double>();
  core::AdamW adamw({&p}, options);
  for (size_t s = 0; s < 3; ++s) {
    const auto grad = neuroseq_test::golden_array(inputs["grads"][s]).floats();
    std::copy(grad.begin(), grad.end(), p.grad.values().begin());
    adamw.step();
    const std::vector<double> got(p.value.values().begin(), p.value.values().end());
    EXPECT_TRUE(neuroseq_test::matches_golden(
        "params after step " + std::to_string(s + 1), got,
        neuroseq_test::golden_array(g["outputs"]["params_after_step"][s]),
        g["tolerance_rel"].get<double>()));
  }
  EXPECT_EQ(adamw.steps(), 3);
}

TEST(AdamW, ParameterGroupsScaleTheRateAndSwitchDecay) {
  core::Parameter decayed = parameter("decayed", {0.5f, -1.0f, 2.0f});
  core::Parameter plain = parameter("plain", {0.5f, -1.0f, 2.0f});
  plain.weight_decay = false;
  plain.lr_scale = 0.25f;
  core::Parameter frozen = parameter("frozen", {0.5f, -1.0f, 2.0f});
  frozen.lr_scale = 0.0f;
  core::AdamWOptions options;
  options.lr = 0.05;
  options.weight_decay = 0.2;
  core::AdamW adamw({&decayed, &plain, &frozen}, options);
  ReferenceAdamW ref_decayed{0.05, 0.9, 0.999, 1e-8, 0.2, {0.5, -1, 2}, {0, 0, 0}, {0, 0, 0}};
  ReferenceAdamW ref_plain{0.05 * 0.25, 0.9, 0.999, 1e-8, 0.0, {0.5, -1, 2}, {0, 0, 0}, {0, 0, 0}};
  for (uint64_t s = 0; s < 5; ++s) {
    for (core::Parameter* p : {&decayed, &plain, &frozen})
      set_grad(*p, s);
    const std::vector<float> g(decayed.grad.values().begin(), decayed.grad.values().end());
    ref_decayed.update(g);
    ref_plain.update(g);
    adamw.step();
  }
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(decayed.value.values()[i], ref_decayed.p[i], 1e-6);
    EXPECT_NEAR(plain.value.values()[i], ref_plain.p[i], 1e-6);
    EXPECT_EQ(frozen.value.values()[i], (std::vector<float>{0.5f, -1.0f, 2.0f})[i]);
  }
}

TEST(AdamW, ResumingFromSavedStateEqualsRunningThrough) {
  auto run = [](core::Parameter& p, core::AdamW& adamw, uint64_t from, uint64_t to) {
    for (uint64_t s = from; s < to; ++s) {
      set_grad(p, 100 + s);
      adamw.step();
    }
  };
  core::Parameter straight = parameter("w", {1, 2, 3, 4});
  core::AdamW straight_opt({&straight}, {});
  run(straight, straight_opt, 0, 5);

  neuroseq_test::TempDir dir("adamw_state");
  core::Parameter first = parameter("w", {1, 2, 3, 4});
  {
    core::AdamW opt({&first}, {});
    run(first, opt, 0, 3);
    const auto state = opt.state();
    core::write_safetensors(dir / "optim.safetensors", state.tensors,
                            {{"step", std::to_string(state.step)}});
  }
  const auto saved = core::read_safetensors(dir / "optim.safetensors");
  core::AdamW resumed({&first}, {});
  resumed.load_state({std::stoll(saved.metadata.at("step")), saved.tensors});
  EXPECT_EQ(resumed.steps(), 3);
  run(first, resumed, 3, 5);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_EQ(first.value.values()[i], straight.value.values()[i]);
}

TEST(AdamW, RejectsMismatchedStateAndMissingGradients) {
  using neuroseq_test::error_of;
  core::Parameter p = parameter("w", {1, 2});
  core::AdamW adamw({&p}, {});
  auto state = adamw.state();
  state.tensors[1].tensor = core::Tensor({3});
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              adamw.load_state(state);
            }).find("w.exp_avg_sq: expected [2], got [3]"),
            std::string::npos);
  state.tensors[1].name = "v.exp_avg_sq";
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              adamw.load_state(state);
            }).find("no tensor 'w.exp_avg_sq'"),
            std::string::npos);

  p.grad = core::Tensor();
  EXPECT_NE(error_of<std::logic_error>([&] { adamw.step(); }).find("w: no gradient"),
            std::string::npos);
  EXPECT_EQ(adamw.steps(), 0);
  adamw.zero_grad();
  EXPECT_EQ(p.grad.shape(), p.value.shape());

  core::Parameter twin = parameter("w", {1});
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              core::AdamW({&p, &twin}, {});
            }).find("two parameters are named 'w'"),
            std::string::npos);
  EXPECT_THROW(adamw.set_lr(-1), std::invalid_argument);
  core::AdamWOptions bad;
  bad.beta2 = 1.0;
  EXPECT_THROW(core::AdamW({&p}, bad), std::invalid_argument);
}

TEST(ClipGradNorm, ScalesToExactlyTheMaximumNorm) {
  core::Parameter a = parameter("a", {3, 4});
  core::Parameter b = parameter("b", {12});
  a.grad = core::Tensor::from_values({2}, {3, 4});
  b.grad = core::Tensor::from_values({1}, {12});
  const std::vector<core::Parameter*> params{&a, &b};
  EXPECT_EQ(core::clip_grad_norm(params, 6.5), 13.0);  // sqrt(9 + 16 + 144)
  EXPECT_EQ(a.grad.values()[0], 1.5f);
  EXPECT_EQ(a.grad.values()[1], 2.0f);
  EXPECT_EQ(b.grad.values()[0], 6.0f);
  // Now at the limit: untouched.
  EXPECT_EQ(core::clip_grad_norm(params, 6.5), 6.5);
  EXPECT_EQ(b.grad.values()[0], 6.0f);
}

TEST(ClipGradNorm, LeavesNonFiniteGradientsForTheCallerToSkip) {
  core::Parameter a = parameter("a", {0, 0});
  a.grad = core::Tensor::from_values({2}, {NAN, 1});
  const std::vector<core::Parameter*> params{&a};
  EXPECT_TRUE(std::isnan(core::clip_grad_norm(params, 1.0)));
  EXPECT_EQ(a.grad.values()[1], 1.0f);
  EXPECT_THROW(core::clip_grad_norm(params, 0.0), std::invalid_argument);
}
