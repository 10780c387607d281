#pragma once
// Layer-wise relevance propagation of one logit per window (Bach et al.
// 2015; Montavon et al. 2019): the model's own relevance pass, seeded with
// the explained logit's value at its state and 0 at every other state. The
// rule applies wherever the model's modules apply it.
//
// Conservation error per window: |sum R_x - R_logit| / |R_logit| (NaN where
// the logit is 0). Biases, the time embedding and stabilisers absorb
// relevance, so the error is small only for models with zero biases and a
// tiny epsilon.

#include <string_view>

#include "core/attribution/explanation.h"
#include "core/nn/module.h"

namespace core {

// "epsilon", "gamma", "alpha_beta", "zbox"; the parser throws
// std::invalid_argument naming the accepted values.
const char* lrp_rule_name(LrpRule::Kind kind);
LrpRule::Kind parse_lrp_rule(std::string_view name);

struct LrpOptions {
  LrpRule rule;
};

// Throws std::invalid_argument("lrp: ...") for a rule out of range.
void validate(const LrpOptions& options);

Explanation explain_lrp(WindowClassifier& model, const WindowBatch& batch, int target = kPredicted,
                        const LrpOptions& options = {});

}  // namespace core
