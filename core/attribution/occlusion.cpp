#include "core/attribution/occlusion.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace core {

namespace {

// A group of cells of every window: whether (t, p) belongs to it.
using Group = std::function<bool(int64_t t, int64_t p)>;

// Occludes each group in turn and spreads each window's logit drop evenly
// over the group's cells.
Explanation occlude(WindowClassifier& model, const WindowBatch& batch, int target,
                    const OcclusionOptions& options, const std::vector<Group>& groups,
                    const std::string& who) {
  validate(options);
  require_window_batch(batch, who);
  const Tensor logits = eval_logits(model, batch);
  const std::vector<int> targets = resolve_targets(logits, target, who);
  std::vector<double> f_x = target_logits(logits, targets);
  const int64_t b = batch.x.size(0), l = batch.x.size(1), p = batch.x.size(2);
  Tensor relevance(batch.x.shape());
  for (const Group& in_group : groups) {
    Tensor x = batch.x.clone();
    int64_t cells = 0;  // per window
    for (int64_t t = 0; t < l; ++t)
      for (int64_t j = 0; j < p; ++j) {
        if (!in_group(t, j)) continue;
        ++cells;
        for (int64_t i = 0; i < b; ++i)
          x.data()[(i * l + t) * p + j] = options.reference;
      }
    if (cells == 0) continue;
    const std::vector<double> f_occ =
        target_logits(eval_logits(model, with_x(batch, std::move(x))), targets);
    for (int64_t i = 0; i < b; ++i) {
      const auto share =
          static_cast<float>((f_x[static_cast<size_t>(i)] - f_occ[static_cast<size_t>(i)]) /
                             static_cast<double>(cells));
      for (int64_t t = 0; t < l; ++t)
        for (int64_t j = 0; j < p; ++j)
          if (in_group(t, j)) relevance.data()[(i * l + t) * p + j] = share;
    }
  }
  return make_explanation(std::move(relevance), targets, std::move(f_x));
}

}  // namespace

void validate(const OcclusionOptions& options) {
  if (options.block < 1) {
    throw std::invalid_argument("occlusion: block must be >= 1 frame, got " +
                                std::to_string(options.block));
  }
  if (!std::isfinite(options.reference)) {
    throw std::invalid_argument("occlusion: reference must be finite");
  }
}

Explanation explain_occlusion_parcels(WindowClassifier& model, const WindowBatch& batch, int target,
                                      const OcclusionOptions& options) {
  require_window_batch(batch, "occlusion_parcels");
  std::vector<Group> groups;
  for (int64_t parcel = 0; parcel < batch.x.size(2); ++parcel)
    groups.emplace_back([parcel](int64_t, int64_t j) { return j == parcel; });
  return occlude(model, batch, target, options, groups, "occlusion_parcels");
}

Explanation explain_occlusion_time(WindowClassifier& model, const WindowBatch& batch, int target,
                                   const OcclusionOptions& options) {
  validate(options);
  require_window_batch(batch, "occlusion_time");
  std::vector<Group> groups;
  for (int64_t start = 0; start < batch.x.size(1); start += options.block) {
    const int64_t end = start + options.block;
    groups.emplace_back([start, end](int64_t t, int64_t) { return t >= start && t < end; });
  }
  return occlude(model, batch, target, options, groups, "occlusion_time");
}

}  // namespace core
