// The checks themselves: a module with a planted error in its input
// gradient, its parameter gradient or its relevance must fail them, and the
// correct module must pass.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/nn/module.h"
#include "gradient_check.h"
#include "random_tensor.h"

namespace {

using neuroseq_test::DoubleParams;

// y = x * a over the last axis, a [D]; relevance R_x = R_y (exact for a
// diagonal map), with optional planted errors.
class Scale final : public core::Module {
 public:
  enum class Bug { kNone, kInputGradient, kParameterGradient, kRelevance };

  Scale(int64_t dim, Bug bug) : Module("scale"), dim_(dim), bug_(bug) {
    a_.name = "scale.a";
    a_.value = neuroseq_test::random_uniform({dim}, 3, 0.5, 1.5);
  }

 protected:
  void check_input(const core::Tensor& x) const override {
    core::require_last_dim(x, dim_, name());
  }
  core::Shape output_shape(const core::Shape& input) const override { return input; }
  core::Tensor forward_impl(const core::Tensor& x, core::Context& ctx) override {
    core::Tensor y(x.shape());
    for (int64_t i = 0; i < x.numel(); ++i)
      y.data()[i] = x.data()[i] * a_.value.data()[i % dim_];
    ctx.saved = {x};
    return y;
  }
  core::Tensor backward_impl(const core::Tensor& g, const core::Context& ctx) override {
    const core::Tensor& x = ctx.saved[0];
    core::Tensor gx(x.shape());
    float* ga = core::grad_buffer(a_).data();
    for (int64_t i = 0; i < x.numel(); ++i) {
      // A 0.1% error in one element is what the check must see.
      const float slip = i == 5 ? 1.001f : 1.0f;
      gx.data()[i] =
          g.data()[i] * a_.value.data()[i % dim_] * (bug_ == Bug::kInputGradient ? slip : 1.0f);
      ga[i % dim_] += g.data()[i] * x.data()[i] * (bug_ == Bug::kParameterGradient ? slip : 1.0f);
    }
    return gx;
  }
  core::Tensor relevance_impl(const core::Tensor& r, const core::Context&,
                              const core::LrpRule&) override {
    core::Tensor out = r.clone();
    if (bug_ == Bug::kRelevance) out.data()[0] *= 1.01f;
    return out;
  }
  void collect_parameters(std::vector<core::Parameter*>& out) override { out.push_back(&a_); }

 private:
  int64_t dim_;
  Bug bug_;
  core::Parameter a_;
};

std::vector<double> scale_reference(const std::vector<double>& x, const DoubleParams& p) {
  std::vector<double> y(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    y[i] = x[i] * p[0][i % p[0].size()];
  return y;
}

TEST(GradientCheck, PassesACorrectModuleAndCatchesPlantedErrors) {
  const core::Tensor x = neuroseq_test::random_normal({3, 4}, 1);
  Scale good(4, Scale::Bug::kNone), bad_x(4, Scale::Bug::kInputGradient),
      bad_p(4, Scale::Bug::kParameterGradient);
  EXPECT_TRUE(neuroseq_test::gradients_match(good, x, scale_reference));
  const auto failed_x = neuroseq_test::gradients_match(bad_x, x, scale_reference);
  EXPECT_FALSE(failed_x);
  EXPECT_NE(std::string(failed_x.message()).find("scale d/dx[5]"), std::string::npos)
      << failed_x.message();
  const auto failed_p = neuroseq_test::gradients_match(bad_p, x, scale_reference);
  EXPECT_FALSE(failed_p);
  EXPECT_NE(std::string(failed_p.message()).find("scale d/dscale.a[1]"), std::string::npos)
      << failed_p.message();
}

TEST(GradientCheck, FloatFallbackPassesACorrectModuleAndCatchesErrorsUnderTightTolerances) {
  // The fallback's default tolerances are a few percent; on this linear map
  // its differences are exact enough for tight ones to see the 0.1% slip.
  const core::Tensor x = neuroseq_test::random_normal({3, 4}, 2);
  Scale good(4, Scale::Bug::kNone);
  EXPECT_TRUE(neuroseq_test::gradients_match_float(good, x));
  neuroseq_test::GradientCheckOptions strict;
  strict.float_rtol = 1e-4;
  strict.float_atol = 1e-5;
  Scale bad(4, Scale::Bug::kInputGradient);
  EXPECT_FALSE(neuroseq_test::gradients_match_float(bad, x, strict));
}

TEST(GradientCheck, ForwardDisagreeingWithTheReferenceFails) {
  const core::Tensor x = neuroseq_test::random_normal({2, 4}, 3);
  Scale good(4, Scale::Bug::kNone);
  const auto off = [](const std::vector<double>& v, const DoubleParams& p) {
    auto y = scale_reference(v, p);
    y[0] += 1e-3;
    return y;
  };
  const auto result = neuroseq_test::gradients_match(good, x, off);
  EXPECT_FALSE(result);
  EXPECT_NE(std::string(result.message()).find("scale forward[0]"), std::string::npos);
}

TEST(ConservationCheck, CatchesRelevanceThatIsCreated) {
  const core::Tensor x = neuroseq_test::random_normal({2, 4}, 4);
  const core::Tensor r = neuroseq_test::random_uniform({2, 4}, 5, 0.5, 1.5);
  Scale good(4, Scale::Bug::kNone), bad(4, Scale::Bug::kRelevance);
  EXPECT_TRUE(neuroseq_test::relevance_conserved(good, x, r, core::LrpRule{}));
  EXPECT_FALSE(neuroseq_test::relevance_conserved(bad, x, r, core::LrpRule{}));
}

}  // namespace
