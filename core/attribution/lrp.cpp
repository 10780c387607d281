#include "core/attribution/lrp.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/nn/lrp_rules.h"

namespace core {

namespace {
constexpr LrpRule::Kind kKinds[] = {LrpRule::Kind::kEpsilon, LrpRule::Kind::kGamma,
                                    LrpRule::Kind::kAlphaBeta, LrpRule::Kind::kZBox};
}  // namespace

const char* lrp_rule_name(LrpRule::Kind kind) {
  switch (kind) {
    case LrpRule::Kind::kEpsilon:
      return "epsilon";
    case LrpRule::Kind::kGamma:
      return "gamma";
    case LrpRule::Kind::kAlphaBeta:
      return "alpha_beta";
    case LrpRule::Kind::kZBox:
      return "zbox";
  }
  return "?";
}

LrpRule::Kind parse_lrp_rule(std::string_view name) {
  for (LrpRule::Kind kind : kKinds)
    if (name == lrp_rule_name(kind)) return kind;
  throw std::invalid_argument("lrp: unknown rule '" + std::string(name) +
                              "' (expected epsilon, gamma, alpha_beta or zbox)");
}

void validate(const LrpOptions& options) {
  check_lrp_rule(options.rule, "lrp");
}

Explanation explain_lrp(WindowClassifier& model, const WindowBatch& batch, int target,
                        const LrpOptions& options) {
  validate(options);
  require_window_batch(batch, "lrp");
  Context ctx;
  const Tensor logits = model.forward(batch, ctx, ForwardMode{});  // [B, C]
  const std::vector<int> targets = resolve_targets(logits, target, "lrp");
  std::vector<double> logit = target_logits(logits, targets);
  const int64_t b = logits.size(0), c = logits.size(1);
  Tensor seed(logits.shape());  // the explained logit at its state, 0 elsewhere
  for (int64_t i = 0; i < b; ++i)
    seed.data()[i * c + targets[static_cast<size_t>(i)]] =
        logits.data()[i * c + targets[static_cast<size_t>(i)]];
  Tensor relevance = model.relevance(seed, ctx, options.rule);  // [B, L, P]

  const int64_t per = relevance.numel() / b;
  std::vector<double> error(static_cast<size_t>(b));
  for (int64_t i = 0; i < b; ++i) {
    double total = 0.0;
    for (int64_t j = i * per; j < (i + 1) * per; ++j)
      total += relevance.data()[j];
    const double r = logit[static_cast<size_t>(i)];
    error[static_cast<size_t>(i)] =
        r == 0.0 ? std::numeric_limits<double>::quiet_NaN() : std::abs(total - r) / std::abs(r);
  }
  return Explanation{std::move(relevance), targets, std::move(logit), std::move(error)};
}

}  // namespace core
