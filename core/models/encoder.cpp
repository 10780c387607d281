#include "core/models/encoder.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/models/encoder_blocks.h"
#include "core/nn/dropout.h"
#include "core/nn/linear.h"
#include "core/nn/lrp_rules.h"
#include "core/nn/seeds.h"
#include "core/random/philox.h"

namespace core {

namespace {

// Context layout: children {embed, blocks, final norm}; saved {e (after the
// mask), seconds, mask as floats}.
enum Child : size_t { kEmbed, kBlocks, kFinal };

// backward and relevance index the children of a forward pass's context.
void require_forward(const Context& ctx, const char* call) {
  if (ctx.children.size() != 3 || ctx.saved.size() != 3) {
    throw std::logic_error(std::string("encoder: ") + call +
                           " needs the context of a forward pass");
  }
}

Parameter make_mask_vector(const std::string& name, int64_t dim, uint64_t seed) {
  Tensor value({dim});
  RandomStream rng(seed, 0);
  for (float& v : value.values())
    v = static_cast<float>(rng.normal(0.0, 0.02));
  return Parameter{
      .name = name + ".mask_vector", .value = value, .grad = {}, .weight_decay = false};
}

}  // namespace

Tensor elapsed_seconds(std::span<const double> tr_seconds, int64_t frames) {
  Tensor out({static_cast<int64_t>(tr_seconds.size()), frames});
  for (size_t b = 0; b < tr_seconds.size(); ++b)
    for (int64_t t = 0; t < frames; ++t)
      out.data()[static_cast<int64_t>(b) * frames + t] =
          static_cast<float>(tr_seconds[b] * static_cast<double>(t));
  return out;
}

Encoder::Encoder(const EncoderConfig& config, uint64_t seed, std::string name)
    : config_((validate(config), config)),
      embed_(name + ".embed"),
      mask_vector_(make_mask_vector(name, config.dim, submodule_seed(seed, 1))),
      time_(name + ".time", config.time_bins(), config.dim, config.time_step_seconds,
            submodule_seed(seed, 2)),
      blocks_(name + ".blocks"),
      final_norm_(name + ".final_norm", config.dim) {
  embed_.emplace<Linear>(name + ".embed.proj", config.parcels, config.dim, submodule_seed(seed, 0));
  embed_.emplace<LayerNorm>(name + ".embed.norm", config.dim);
  embed_.emplace<Dropout>(name + ".embed.dropout", config.dropout, 1);
  add_encoder_blocks(blocks_, config, submodule_seed(seed, 3));
}

void Encoder::check(const WindowBatch& batch) const {
  const Tensor& x = batch.x;
  if (x.rank() != 3 || x.size(2) != config_.parcels || x.size(0) < 1 || x.size(1) < 1 ||
      x.size(1) > config_.max_frames) {
    throw std::invalid_argument(
        "encoder: expected windows [B, L <= " + std::to_string(config_.max_frames) + ", " +
        std::to_string(config_.parcels) + " parcels], got " + x.shape().to_string());
  }
  if (batch.seconds.shape() != Shape{x.size(0), x.size(1)}) {
    throw std::invalid_argument("encoder: expected elapsed times [" + std::to_string(x.size(0)) +
                                ", " + std::to_string(x.size(1)) + "], got " +
                                batch.seconds.shape().to_string());
  }
  if (!batch.masked.empty() && static_cast<int64_t>(batch.masked.size()) != x.size(0) * x.size(1)) {
    throw std::invalid_argument("encoder: the mask needs one flag per frame of the batch");
  }
}

Tensor Encoder::forward(const WindowBatch& batch, Context& ctx, const ForwardMode& mode) {
  check(batch);
  ctx = Context{};
  ctx.mode = mode;
  ctx.input_shape = batch.x.shape();
  ctx.children.resize(3);
  Tensor e = embed_.forward(batch.x, ctx.children[kEmbed], mode);  // [B, L, D]
  const int64_t d = config_.dim;
  Tensor mask_flags;
  if (!batch.masked.empty()) {
    mask_flags = Tensor({static_cast<int64_t>(batch.masked.size())});
    for (size_t i = 0; i < batch.masked.size(); ++i) {
      if (!batch.masked[i]) continue;
      mask_flags.data()[i] = 1.0f;
      std::copy_n(mask_vector_.value.data(), d, e.data() + static_cast<int64_t>(i) * d);
    }
  }
  Tensor h = e.clone();
  time_.add_to(h, batch.seconds);
  Tensor y = blocks_.forward(h, ctx.children[kBlocks], mode);
  y = final_norm_.forward(y, ctx.children[kFinal], mode);
  ctx.saved = {e, batch.seconds, mask_flags};
  return y;
}

Tensor Encoder::backward(const Tensor& grad_y, const Context& ctx) {
  require_forward(ctx, "backward");
  Tensor g = final_norm_.backward(grad_y, ctx.children[kFinal]);
  g = blocks_.backward(g, ctx.children[kBlocks]);  // dL/dh0 [B, L, D]
  time_.accumulate_grad(g, ctx.saved[1]);
  const Tensor& mask_flags = ctx.saved[2];
  if (!mask_flags.empty()) {
    const int64_t d = config_.dim;
    Tensor& mg = grad_buffer(mask_vector_);
    for (int64_t i = 0; i < mask_flags.numel(); ++i) {
      if (mask_flags.data()[i] == 0.0f) continue;
      float* row = g.data() + i * d;
      for (int64_t c = 0; c < d; ++c) {
        mg.data()[c] += row[c];
        row[c] = 0.0f;  // a masked frame's embedding never reached the blocks
      }
    }
  }
  return embed_.backward(g, ctx.children[kEmbed]);
}

Tensor Encoder::relevance(const Tensor& relevance_y, const Context& ctx, const LrpRule& rule) {
  check_lrp_rule(rule, "encoder");
  require_forward(ctx, "relevance");
  Tensor r = final_norm_.relevance(relevance_y, ctx.children[kFinal], rule);
  r = blocks_.relevance(r, ctx.children[kBlocks], rule);  // at h0 = e + time
  const Tensor& e = ctx.saved[0];
  const Tensor time = time_.lookup(ctx.saved[1]);
  const Tensor& mask_flags = ctx.saved[2];
  const int64_t d = config_.dim;
  Tensor relevance_e(e.shape());
  for (int64_t i = 0; i < e.numel(); ++i) {
    if (!mask_flags.empty() && mask_flags.data()[i / d] != 0.0f) continue;
    const double den =
        lrp_stabilise(static_cast<double>(e.data()[i]) + time.data()[i], rule.epsilon);
    relevance_e.data()[i] =
        den == 0.0 ? 0.0f : static_cast<float>(e.data()[i] * (r.data()[i] / den));
  }
  return embed_.relevance(relevance_e, ctx.children[kEmbed], rule);
}

std::vector<Parameter*> Encoder::parameters() {
  std::vector<Parameter*> out = embed_.parameters();
  out.push_back(&mask_vector_);
  out.push_back(&time_.table());
  for (Parameter* p : blocks_.parameters())
    out.push_back(p);
  for (Parameter* p : final_norm_.parameters())
    out.push_back(p);
  return out;
}

void Encoder::zero_grad() {
  for (Parameter* p : parameters())
    grad_buffer(*p).fill(0.0f);
}

}  // namespace core
