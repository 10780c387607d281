#include "core/nn/hyena_filter.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "core/nn/seeds.h"
#include "core/random/philox.h"

namespace core {
namespace {

void check_config(const std::string& who, const HyenaFilterConfig& c) {
  const auto fail = [&](const std::string& field, const std::string& want, double got) {
    throw std::invalid_argument(who + ": " + field + ": expected " + want + ", got " +
                                std::to_string(got));
  };
  if (c.channels < 1) fail("channels", ">= 1", static_cast<double>(c.channels));
  if (c.max_length < 1) fail("max_length", ">= 1", static_cast<double>(c.max_length));
  if (c.emb_dim < 3 || c.emb_dim % 2 == 0) {
    fail("emb_dim", "an odd number >= 3", static_cast<double>(c.emb_dim));
  }
  if (c.width < 1) fail("width", ">= 1", static_cast<double>(c.width));
  if (c.inner_layers < 0) fail("inner_layers", ">= 0", static_cast<double>(c.inner_layers));
  if (!(c.fast_decay_pct > 0.0)) fail("fast_decay_pct", "> 0", c.fast_decay_pct);
  if (!(c.slow_decay_pct > 0.0)) fail("slow_decay_pct", "> 0", c.slow_decay_pct);
  if (!(c.target > 0.0)) fail("target", "> 0", c.target);
}

// torch.linspace(lo, hi, n)[i].
double linspace(double lo, double hi, int64_t n, int64_t i) {
  if (n == 1) return lo;
  return lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n - 1);
}

// The normalised time t_n of row t.
double normalised_time(int64_t t, int64_t max_length) {
  return linspace(0.0, 1.0, max_length, t);
}

}  // namespace

HyenaFilter::HyenaFilter(std::string name, const HyenaFilterConfig& config, uint64_t seed)
    : name_(std::move(name)), config_(config) {
  check_config(name_, config_);
  const int64_t L = config_.max_length, E = config_.emb_dim, C = config_.channels;
  const int64_t bands = (E - 1) / 2;

  features_ = Tensor({L, E});
  for (int64_t t = 0; t < L; ++t) {
    float* row = features_.data() + t * E;
    const double w = 2.0 * std::numbers::pi * static_cast<double>(t) / static_cast<double>(L);
    row[0] = static_cast<float>(normalised_time(t, L));
    for (int64_t k = 0; k < bands; ++k) {
      const double f = linspace(1e-4, static_cast<double>(bands - 1), bands, k);
      row[1 + k] = static_cast<float>(std::cos(f * w));
      row[1 + bands + k] = static_cast<float>(-std::sin(f * w));
    }
  }

  decays_ = Tensor({C});
  const double slowest = std::log(config_.target) / config_.slow_decay_pct;
  const double fastest = std::log(config_.target) / config_.fast_decay_pct;
  for (int64_t c = 0; c < C; ++c)
    decays_.data()[c] = static_cast<float>(linspace(slowest, fastest, C, c));

  // Hidden layers, then the output layer without bias; safari's indices
  // count the Sin layers in between.
  const std::string prefix = name_ + ".implicit_filter.";
  int64_t index = 0;
  layers_.push_back(
      std::make_unique<Linear>(prefix + "0", E, config_.width, submodule_seed(seed, 0)));
  for (int64_t i = 0; i < config_.inner_layers; ++i) {
    index += 2;
    layers_.push_back(std::make_unique<Linear>(prefix + std::to_string(index), config_.width,
                                               config_.width, submodule_seed(seed, 1 + i)));
  }
  index += 2;
  layers_.push_back(std::make_unique<Linear>(prefix + std::to_string(index), config_.width, C,
                                             submodule_seed(seed, 1 + config_.inner_layers),
                                             false));
  // The filter's parameters opt out of weight decay (safari's wd = 0).
  for (auto& layer : layers_) {
    for (Parameter* p : layer->parameters())
      p->weight_decay = false;
  }
  freq_ = Parameter{.name = prefix + "1.freq",
                    .value = Tensor::full({config_.width}, config_.sine_freq),
                    .grad = {},
                    .weight_decay = false};
  Tensor bias({C});
  RandomStream rng(submodule_seed(seed, 2 + config_.inner_layers), 0);
  for (float& v : bias.values())
    v = static_cast<float>(rng.normal());
  bias_ = Parameter{.name = name_ + ".bias", .value = bias, .grad = {}, .weight_decay = false};
}

// ctx.children: one per Linear layer. ctx.saved: the pre-activation [length,
// width] of each Sin, in order.
Tensor HyenaFilter::generate(int64_t length, Context& ctx) {
  if (length < 1 || length > config_.max_length) {
    throw std::invalid_argument(name_ + ": length: expected 1 .. " +
                                std::to_string(config_.max_length) + ", got " +
                                std::to_string(length));
  }
  const int64_t E = config_.emb_dim, W = config_.width, C = config_.channels;
  ctx = Context{};
  ctx.input_shape = Shape{length};
  ctx.children.resize(layers_.size());
  Tensor z({length, E});  // the first `length` rows of the features
  std::copy_n(features_.data(), length * E, z.data());

  Tensor h = z;
  const float* freq = freq_.value.data();
  for (size_t i = 0; i + 1 < layers_.size(); ++i) {
    const Tensor a = layers_[i]->forward(h, ctx.children[i]);  // [length, W]
    ctx.saved.push_back(a);
    h = Tensor(a.shape());
    for (int64_t r = 0; r < length; ++r)
      for (int64_t j = 0; j < W; ++j)
        h.data()[r * W + j] = std::sin(freq[j] * a.data()[r * W + j]);
  }
  const Tensor out = layers_.back()->forward(h, ctx.children.back());  // [length, C]

  Tensor kernel({C, length});  // [C, length]: the convolution's layout
  for (int64_t t = 0; t < length; ++t) {
    const double tn = normalised_time(t, config_.max_length);
    for (int64_t c = 0; c < C; ++c) {
      const double window = std::exp(-tn * std::abs(decays_.data()[c])) + config_.shift;
      kernel.data()[c * length + t] = static_cast<float>(out.data()[t * C + c] * window);
    }
  }
  return kernel;
}

void HyenaFilter::backward(const Tensor& grad_kernel, const Context& ctx) {
  if (ctx.children.size() != layers_.size() || ctx.input_shape.rank() != 1) {
    throw std::logic_error(name_ + ": backward needs the context of generate");
  }
  const int64_t length = ctx.input_shape[0];
  const int64_t W = config_.width, C = config_.channels;
  require_shape(grad_kernel, {C, length}, (name_ + " backward").c_str());

  // The window is a constant factor per (t, c); undo the transpose with it.
  Tensor grad_out({length, C});  // [length, C]
  for (int64_t t = 0; t < length; ++t) {
    const double tn = normalised_time(t, config_.max_length);
    for (int64_t c = 0; c < C; ++c) {
      const double window = std::exp(-tn * std::abs(decays_.data()[c])) + config_.shift;
      grad_out.data()[t * C + c] = static_cast<float>(grad_kernel.data()[c * length + t] * window);
    }
  }
  Tensor grad = layers_.back()->backward(grad_out, ctx.children.back());  // [length, W]
  const float* freq = freq_.value.data();
  float* grad_freq = grad_buffer(freq_).data();
  for (size_t i = layers_.size() - 1; i-- > 0;) {
    const Tensor& a = ctx.saved[i];  // [length, W]
    Tensor grad_a(a.shape());
    // d sin(f a) = cos(f a) (f da + a df); df sums over rows and, since one
    // Sin serves every layer, over layers too.
    for (int64_t j = 0; j < W; ++j) {
      double df = 0.0;
      for (int64_t r = 0; r < length; ++r) {
        const double av = a.data()[r * W + j];
        const double g = grad.data()[r * W + j] * std::cos(freq[j] * av);
        grad_a.data()[r * W + j] = static_cast<float>(g * freq[j]);
        df += g * av;
      }
      grad_freq[j] += static_cast<float>(df);
    }
    // The first layer's input gradient (the fixed features) is not needed,
    // but Linear::backward also accumulates the layer's parameter gradients.
    grad = layers_[i]->backward(grad_a, ctx.children[i]);
  }
}

void HyenaFilter::collect_parameters(std::vector<Parameter*>& out) {
  for (auto& layer : layers_) {
    for (Parameter* p : layer->parameters())
      out.push_back(p);
  }
  out.push_back(&freq_);
  out.push_back(&bias_);
}

}  // namespace core
