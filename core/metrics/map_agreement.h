#pragma once
// How alike are two maps (two attribution methods, a map and a GLM contrast),
// and how well does a map find the parcels known to matter: Pearson's r,
// Dice overlap of the top fraction of values, and the area under the ROC
// curve of a map's values against a binary ground truth.
//
// Every function throws std::invalid_argument("<name>: ...") where its value
// is undefined: inputs of different lengths, empty inputs, and the specific
// cases each one lists.

#include <span>

namespace core {

// Pearson's correlation of a and b over the pairs where neither is NaN, in
// [-1, 1]. Throws for sizes that differ, fewer than 2 such pairs, or either
// map constant over them (zero variance: r is 0/0).
double pearson_r(std::span<const double> a, std::span<const double> b);

enum class TopMode {
  kAbsolute,  // the largest |value|: strong evidence either way
  kSigned,    // the largest value: strong evidence for
};

// Dice overlap 2|A ∩ B| / (|A| + |B|) of A, B = the top ceil(fraction * n)
// entries of a and b (with a 1e-9 allowance, and at least 1), in [0, 1]. Both
// sets have the same size, so this is |A ∩ B| / k. Entries tied at the
// boundary enter by lower index. Throws for sizes that differ, empty maps,
// a fraction outside (0, 1], a NaN value, or a map whose ranked values
// (|value| or value, per mode) are all equal (its top set would be arbitrary).
double top_dice(std::span<const double> a, std::span<const double> b, double fraction,
                TopMode mode = TopMode::kAbsolute);

// Area under the ROC curve of `score` against `truth` (1: positive, 0:
// negative): the probability that a random positive scores above a random
// negative, ties counted 1/2, from the Mann-Whitney U with average ranks:
// (R+ - n+ (n+ + 1) / 2) / (n+ n-), in [0, 1]; constant scores give 0.5.
// Throws for sizes that differ, empty inputs, a truth value other than 0 or
// 1, a NaN score, or a truth without positives or without negatives.
double auroc(std::span<const double> score, std::span<const int> truth);

}  // namespace core
