#pragma once
// Golden vectors: JSON files of float64 results computed with PyTorch, kept
// in tests/data/golden/. Each holds "inputs" and "outputs" arrays as
// {"shape": [...], "data": [...]} (row-major) and a float64 "tolerance_rel".
//
// Compared in float32, from inputs rounded to float32, a result cannot match
// to the float64 tolerance: the rounding of the inputs alone moves it by
// about 2^-24 relative, times the op's conditioning. golden_tolerance()
// scales the tolerance to float32 instead: relative kFloat32Rel of
// max(|want|, 1), i.e. about 8 float ulps of the result, with an absolute
// floor at one because the values in these files are sums of O(1) terms (a
// GELU derivative near 0.0008 at x = -0.75 is the difference of 0.23 and
// 0.23, so its float error is an ulp of 0.23, not of 0.0008).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace neuroseq_test {

inline constexpr double kFloat32Rel = 1e-6;

struct GoldenArray {
  std::vector<int64_t> shape;
  std::vector<double> data;
  // The values rounded to float, as the ops under test take them.
  std::vector<float> floats() const { return {data.begin(), data.end()}; }
};

// tests/data/golden/<file>, parsed.
inline nlohmann::json load_golden(const std::string& file) {
  const std::string path = std::string(NEUROSEQ_TEST_DATA_DIR) + "/golden/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("golden: cannot open " + path);
  return nlohmann::json::parse(in);
}

inline GoldenArray golden_array(const nlohmann::json& j) {
  GoldenArray a;
  a.shape = j.at("shape").get<std::vector<int64_t>>();
  a.data = j.at("data").get<std::vector<double>>();
  return a;
}

// |got - want| <= max(tolerance_rel, kFloat32Rel) * max(|want|, 1) element by
// element; reports the first few misses.
inline ::testing::AssertionResult matches_golden(const std::string& what,
                                                 const std::vector<double>& got,
                                                 const GoldenArray& want, double tolerance_rel) {
  if (got.size() != want.data.size()) {
    return ::testing::AssertionFailure()
           << what << ": " << got.size() << " values, golden has " << want.data.size();
  }
  const double rel = std::max(tolerance_rel, kFloat32Rel);
  std::ostringstream why;
  int misses = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double tol = rel * std::max(std::abs(want.data[i]), 1.0);
    const double err = std::abs(got[i] - want.data[i]);
    if (!(err <= tol)) {
      if (misses < 5) {
        why << what << "[" << i << "]: got " << got[i] << ", golden " << want.data[i] << " (error "
            << err << " > " << tol << ")\n";
      }
      ++misses;
    }
  }
  if (misses == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << why.str() << what << ": " << misses << " misses";
}

}  // namespace neuroseq_test
