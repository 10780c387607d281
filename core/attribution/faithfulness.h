#pragma once
// Is an attribution map faithful to the model? Two tests that delete what a
// map calls relevant and watch the model's decisions fall apart:
//  - the occlusion accuracy test of Thomas, Re & Poldrack (2022): for each
//    fraction f of a grid, occlude the ceil(f * P) most relevant parcels of
//    every window (all frames set to a reference value), re-run the model and
//    record its accuracy; the score is the first f at which the accuracy falls
//    to chance (1/C) or below. A faithful map reaches chance at a small f.
//  - the deletion curve of each window's explained logit: parcels deleted in
//    relevance order, `step` at a time, the logit normalised so that the
//    intact window reads 1 and the fully occluded one 0, and the area under
//    that curve over the fraction deleted in [0, 1] (trapezoids). A faithful
//    map gives a small area (the logit drops early).
// Both come with a control: the same deletions in a random parcel order, one
// permutation per window drawn from the Philox stream (seed, window index),
// shared by the two tests.
//
// Parcels are ranked per window by relevance, descending, ties (and NaN, which
// ranks last) broken by the lower parcel index. Every forward pass runs in
// eval mode, `chunk` occluded windows at a time.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "core/attribution/explanation.h"

namespace core {

// Logits [n, C] of a batch of n windows; the model's eval-mode forward.
using LogitFunction = std::function<Tensor(const WindowBatch&)>;

struct FaithfulnessOptions {
  // Fractions of parcels occluded, each in [0, 1]; empty: 0, 0.05, ..., 0.5.
  std::vector<double> fractions;
  float reference = 0.0f;  // the value of an occluded cell (0: the z-scored mean)
  double tolerance = 0.0;  // chance is reached at accuracy <= 1/C + tolerance
  uint64_t seed = 0;       // the random-order control's permutations
  int64_t chunk = 64;      // windows per forward pass, >= 1
};

struct AccuracyCurve {
  std::vector<double> accuracy;  // one per fraction, over the labelled windows
  std::optional<double> score;   // first fraction reaching chance; none: never reached
};

struct FaithfulnessResult {
  std::vector<double> fractions;  // the grid used
  std::vector<int64_t> occluded;  // [fractions]: ceil(f * P) parcels per window
  double chance = 0;              // 1 / C
  AccuracyCurve relevance;        // occluded in relevance order
  AccuracyCurve random;           // occluded in a random order (control)
};

// `truth` [B]: each window's state; negative marks an unlabelled window,
// which is left out of the accuracy. `parcel_relevance` [B, P]: relevance
// summed over frames (core::parcel_relevance). ceil(f * P) is taken with a
// 1e-9 allowance so that 0.05 * 20 occludes 1 parcel, not 2.
// Throws std::invalid_argument("faithfulness: ...") for shapes that do not
// match, no labelled window, a label >= C, a fraction outside [0, 1], a
// non-finite reference, negative tolerance or chunk < 1.
FaithfulnessResult occlusion_faithfulness(const LogitFunction& logits, const WindowBatch& batch,
                                          std::span<const int> truth,
                                          const Tensor& parcel_relevance,
                                          const FaithfulnessOptions& options = {});
FaithfulnessResult occlusion_faithfulness(WindowClassifier& model, const WindowBatch& batch,
                                          std::span<const int> truth,
                                          const Tensor& parcel_relevance,
                                          const FaithfulnessOptions& options = {});

struct DeletionOptions {
  int64_t step = 1;        // parcels deleted per point of the curve, >= 1
  float reference = 0.0f;  // the value of a deleted cell
  uint64_t seed = 0;       // the random-order control's permutations
  int64_t chunk = 64;      // occluded windows per forward pass, >= 1
};

struct DeletionCurves {
  std::vector<double> fractions;  // [K]: 0, step/P, 2 step/P, ..., 1
  // [B][K]: (logit_k(x with the first parcels deleted) - logit_k(x_0)) /
  // (logit_k(x) - logit_k(x_0)), x_0 = every parcel deleted. A window whose
  // denominator is not positive (the fully deleted window scores the state at
  // least as high as the intact one: deletion cannot show what the map found)
  // or not finite gets NaN throughout.
  std::vector<std::vector<double>> relevance;
  std::vector<std::vector<double>> random;
  std::vector<double> relevance_auc;  // [B]: trapezoid area over the fractions; NaN as above
  std::vector<double> random_auc;     // [B]
  double mean_relevance_auc = 0;      // over the windows with a finite area; NaN if none
  double mean_random_auc = 0;
};

// `targets` [B]: the state whose logit each window's map explains
// (Explanation::target). Throws std::invalid_argument("deletion: ...") for
// shapes that do not match, a target outside [0, C), step < 1, chunk < 1 or a
// non-finite reference.
DeletionCurves deletion_curves(const LogitFunction& logits, const WindowBatch& batch,
                               std::span<const int> targets, const Tensor& parcel_relevance,
                               const DeletionOptions& options = {});
DeletionCurves deletion_curves(WindowClassifier& model, const WindowBatch& batch,
                               std::span<const int> targets, const Tensor& parcel_relevance,
                               const DeletionOptions& options = {});

// The parcels of each window in relevance order (descending; ties and NaN as
// above): [B][P]. Throws std::invalid_argument for a tensor not of rank 2.
std::vector<std::vector<int64_t>> relevance_order(const Tensor& parcel_relevance);
// A uniformly random order of P parcels per window, window b from the Philox
// stream (seed, b): [B][P].
std::vector<std::vector<int64_t>> random_order(int64_t windows, int64_t parcels, uint64_t seed);

}  // namespace core
