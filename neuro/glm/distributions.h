#pragma once
// The two distributions the GLM reports in: Student's t (its tail through the
// regularised incomplete beta) and the standard normal (its quantile), and the
// map between them that turns a t statistic into the z score with the same
// tail probability, z = Phi^-1(F_t(t; dof)).
//
// Everything is in double and in log space where the tail gets small, so that
// z keeps growing with t instead of saturating near 8 (where 1 - F_t rounds to
// 0 in double) or near 38 (where the normal tail underflows): the z of a
// t of 1e6 is finite and larger than that of 1e5.
// Invalid arguments (NaN, dof <= 0) give NaN rather than throwing, so that a
// map with an empty column still converts the rest.

namespace neuro {

// log I_x(a, b), the regularised incomplete beta function, with y = 1 - x
// passed separately so that x near 1 loses nothing (y is what is small then).
// Continued fraction (modified Lentz) on whichever of I_x(a, b) and
// 1 - I_y(b, a) converges, as in Numerical Recipes' betai, but kept in logs.
// NaN unless a > 0, b > 0, 0 <= x <= 1 and |x + y - 1| is a rounding error.
double log_incomplete_beta(double a, double b, double x, double y);

// P(T <= t) for Student's t with `dof` degrees of freedom (dof may be
// infinite: the normal).
double student_t_cdf(double t, double dof);
// log P(T > t), accurate far into the upper tail (t = 1e6 included).
double student_t_log_sf(double t, double dof);

// log(1 - Phi(z)), accurate for large z (asymptotic series past z = 35).
double normal_log_sf(double z);
// Phi^-1(p) for 0 < p < 1 (-inf / +inf at 0 / 1).
double normal_quantile(double p);
// The z with log(1 - Phi(z)) = log_p, for log_p <= 0: the upper-tail quantile
// for probabilities far below the smallest double.
double normal_isf_from_log(double log_p);

// The z score with the same one-sided tail probability as t on dof degrees of
// freedom; odd in t, z_from_t(t, inf) = t, |z| < |t| otherwise.
double z_from_t(double t, double dof);

}  // namespace neuro
