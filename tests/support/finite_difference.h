#pragma once
// Central finite differences in double and the element-wise comparison that
// gradient checks use; free of the module layer so that kernel tests can use
// them on raw buffers.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace neuroseq_test {

// Element i passes when |got_i - want_i| <= rtol |want_i| + atol max_j |want_j|.
// Appends a failure line to `why` for each element outside tolerance (the
// first few), and returns whether all passed.
inline bool compare_elements(const std::string& what, const std::vector<double>& got,
                             const std::vector<double>& want, double rtol, double atol,
                             std::ostringstream& why) {
  if (got.size() != want.size()) {
    why << what << ": " << got.size() << " values, expected " << want.size() << "\n";
    return false;
  }
  double scale = 0.0;
  for (double w : want)
    scale = std::max(scale, std::abs(w));
  int failures = 0;
  double worst = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::abs(got[i] - want[i]);
    const double tol = rtol * std::abs(want[i]) + atol * scale + 1e-30;
    if (!(err <= tol)) {
      if (failures < 5) {
        why << what << "[" << i << "]: got " << got[i] << ", expected " << want[i] << " (error "
            << err << ", tolerance " << tol << ")\n";
      }
      ++failures;
      worst = std::max(worst, err / tol);
    }
  }
  if (failures > 0) {
    why << what << ": " << failures << " of " << got.size() << " outside tolerance, worst at "
        << worst << "x the tolerance\n";
  }
  return failures == 0;
}

// Central differences of a double function at `at`: step h = step *
// max(1, |v|) per coordinate. For kernels tested without a module.
inline std::vector<double> numeric_gradient(
    const std::function<double(const std::vector<double>&)>& loss, std::vector<double> at,
    double step = 1e-6) {
  std::vector<double> out(at.size());
  for (size_t i = 0; i < at.size(); ++i) {
    const double keep = at[i];
    const double h = step * std::max(1.0, std::abs(keep));
    at[i] = keep + h;
    const double up = loss(at);
    at[i] = keep - h;
    const double down = loss(at);
    at[i] = keep;
    out[i] = (up - down) / (2.0 * h);
  }
  return out;
}

// analytic against numeric element by element, as compare_elements.
inline ::testing::AssertionResult close_to(const std::string& what,
                                           const std::vector<double>& analytic,
                                           const std::vector<double>& numeric, double rtol = 1e-4,
                                           double atol = 1e-5) {
  std::ostringstream why;
  if (compare_elements(what, analytic, numeric, rtol, atol, why)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << why.str();
}

}  // namespace neuroseq_test
