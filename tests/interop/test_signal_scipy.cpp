// Cross-checks signal cleaning against numpy/scipy: Butterworth sections
// against scipy.signal.butter(output='sos'), zero-phase filtering against
// scipy.signal.sosfiltfilt, and whole cleaning runs against nilearn's
// algorithm written out in numpy (signal_reference.py).

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "neuro/signal/butterworth.h"
#include "neuro/signal/clean.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using neuro::CleanOptions;
using Filter = CleanOptions::Filter;
using Standardize = CleanOptions::Standardize;

// Relative to the largest reference value. The filters run in double on both
// sides; cleaned series are stored as float, so they can only agree to float
// precision.
constexpr double kFilterTolerance = 1e-9;
constexpr double kCleanTolerance = 1e-5;

std::string shell_quoted(const std::string& s) {
  return "'" + s + "'";
}

struct Design {
  int order;
  double high, low, fs;
};

struct CleanCase {
  std::string name;
  neuro::ParcelSeries series;
  CleanOptions options;
  std::optional<neuro::ConfoundTable> confounds;
};

const char* filter_name(Filter f) {
  switch (f) {
    case Filter::kCosine:
      return "cosine";
    case Filter::kButterworth:
      return "butterworth";
    default:
      return "none";
  }
}

const char* standardize_name(Standardize s) {
  switch (s) {
    case Standardize::kZScore:
      return "zscore";
    case Standardize::kZScoreSample:
      return "zscore_sample";
    case Standardize::kPercentSignalChange:
      return "psc";
    default:
      return "none";
  }
}

// Offsets, drifts, slow and fast oscillations and noise, as in BOLD series.
neuro::ParcelSeries bold_like(int64_t frames, int64_t parcels, double tr, uint32_t seed) {
  neuro::ParcelSeries s(frames, parcels, tr);
  std::mt19937 rng(seed);
  std::normal_distribution<double> g;
  for (int64_t p = 0; p < parcels; ++p) {
    s.names[static_cast<size_t>(p)] = "parcel" + std::to_string(p);
    const double offset = 500.0 + 100.0 * p, slope = 0.05 * (p - 1);
    for (int64_t t = 0; t < frames; ++t) {
      const double time = t * tr;
      s.at(t, p) =
          static_cast<float>(offset + slope * t + 3.0 * std::sin(0.004 * 6.283 * time + p) +
                             std::sin(0.05 * 6.283 * time) + 0.7 * g(rng));
    }
  }
  return s;
}

neuro::ConfoundTable motion_like(int64_t frames, int64_t columns, uint32_t seed,
                                 bool missing_first_row) {
  neuro::ConfoundTable c;
  c.frames = frames;
  c.source = "motion";
  std::mt19937 rng(seed);
  std::normal_distribution<double> g;
  for (int64_t j = 0; j < columns; ++j)
    c.names.push_back("m" + std::to_string(j));
  std::vector<double> walk(static_cast<size_t>(columns), 0.0);
  for (int64_t t = 0; t < frames; ++t) {
    for (int64_t j = 0; j < columns; ++j) {
      walk[static_cast<size_t>(j)] += 0.1 * g(rng);
      c.values.push_back(walk[static_cast<size_t>(j)] + 0.05 * g(rng));
    }
  }
  if (missing_first_row) c.values[static_cast<size_t>(columns - 1)] = std::nan("");
  return c;
}

Json matrix_json(const std::vector<double>& values, int64_t rows, int64_t cols) {
  Json m = Json::array();
  for (int64_t r = 0; r < rows; ++r) {
    Json row = Json::array();
    for (int64_t c = 0; c < cols; ++c) {
      const double v = values[static_cast<size_t>(r * cols + c)];
      row.push_back(std::isnan(v) ? Json(nullptr) : Json(v));
    }
    m.push_back(row);
  }
  return m;
}

class SignalScipy : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string python = NEUROSEQ_PEER_PYTHON;
    if (python.empty() || python.find("NOTFOUND") != std::string::npos) {
      GTEST_SKIP() << "no python3 found at configure time (NEUROSEQ_PEER_PYTHON)";
    }
    if (std::system((shell_quoted(python) + " -c 'import numpy, scipy.signal, scipy.linalg'" +
                     " > /dev/null 2>&1")
                        .c_str()) != 0) {
      GTEST_SKIP() << python << " cannot import numpy and scipy";
    }
    python_ = python;
    dir_ = fs::temp_directory_path() / ("neuroseq_signal_scipy_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  Json run_reference(const Json& request) {
    const fs::path in = dir_ / "request.json", out = dir_ / "reference.json";
    std::ofstream(in) << request.dump();
    const std::string command = shell_quoted(python_) + " " +
                                shell_quoted(NEUROSEQ_SIGNAL_REFERENCE) + " " +
                                shell_quoted(in.string()) + " " + shell_quoted(out.string());
    const int status = std::system(command.c_str());
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
      ADD_FAILURE() << "the reference script could not import numpy/scipy";
      return {};
    }
    EXPECT_EQ(status, 0) << command;
    std::ifstream result(out);
    return Json::parse(result);
  }

  std::string python_;
  fs::path dir_;
};

TEST_F(SignalScipy, ButterworthSectionsAndZeroPhaseFilteringMatchScipy) {
  const double fs_hcp = 1.0 / 0.72, fs_slow = 1.0 / 2.0;
  std::vector<Design> designs;
  for (int order : {1, 2, 3, 4, 5, 6, 8}) {
    designs.push_back({order, 0.0, 0.1, fs_hcp});
    designs.push_back({order, 0.01, 0.0, fs_hcp});
    designs.push_back({order, 0.01, 0.1, fs_hcp});
    designs.push_back({order, 0.008, 0.0, fs_slow});
    designs.push_back({order, 0.0, 0.24, fs_slow});    // close to Nyquist
    designs.push_back({order, 0.009, 0.24, fs_slow});  // wide band
  }
  const int64_t n = 300;
  std::vector<double> signal(static_cast<size_t>(n));
  std::mt19937 rng(17);
  std::normal_distribution<double> g;
  double walk = 0.0;
  for (int64_t t = 0; t < n; ++t) {
    walk += g(rng);
    signal[static_cast<size_t>(t)] = 100.0 + walk + std::sin(0.3 * t) + 0.5 * g(rng);
  }

  Json request = {{"filter_signal", signal}, {"designs", Json::array()}, {"cleans", Json::array()}};
  for (const Design& d : designs) {
    request["designs"].push_back(
        {{"order", d.order}, {"high", d.high}, {"low", d.low}, {"fs", d.fs}});
  }
  const Json reference = run_reference(request);
  ASSERT_FALSE(reference.is_null());

  for (size_t i = 0; i < designs.size(); ++i) {
    const Design& d = designs[i];
    SCOPED_TRACE("order " + std::to_string(d.order) + " high " + std::to_string(d.high) + " low " +
                 std::to_string(d.low) + " fs " + std::to_string(d.fs));
    const auto sos = neuro::butterworth_sections(d.order, d.high, d.low, d.fs);
    const Json& expected = reference["sos"][i];
    ASSERT_EQ(sos.size(), expected.size());
    for (size_t s = 0; s < sos.size(); ++s) {
      double b_scale = 0.0;
      for (int j = 0; j < 3; ++j)
        b_scale = std::max(b_scale, std::abs(expected[s][j].get<double>()));
      for (int j = 0; j < 6; ++j) {
        const double ref = expected[s][j].get<double>();
        const double scale = j < 3 ? b_scale : std::max(1.0, std::abs(ref));
        EXPECT_NEAR(sos[s][static_cast<size_t>(j)], ref, kFilterTolerance * scale)
            << "section " << s << " coefficient " << j;
      }
    }
    auto filtered = signal;
    neuro::filter_zero_phase(sos, filtered.data(), n, 1);
    const auto ref = reference["filtered"][i].get<std::vector<double>>();
    double scale = 0.0, worst = 0.0;
    for (int64_t t = 0; t < n; ++t) {
      scale = std::max(scale, std::abs(ref[static_cast<size_t>(t)]));
      worst =
          std::max(worst, std::abs(filtered[static_cast<size_t>(t)] - ref[static_cast<size_t>(t)]));
    }
    EXPECT_LE(worst, kFilterTolerance * std::max(1.0, scale));
  }
}

TEST_F(SignalScipy, CleaningMatchesNilearnAlgorithm) {
  std::vector<CleanCase> cases;
  const auto with = [](Filter f, double high, double low, Standardize s, bool detrend,
                       bool standardize_confounds) {
    CleanOptions o;
    o.filter = f;
    o.high_pass_hz = high;
    o.low_pass_hz = low;
    o.standardize = s;
    o.detrend = detrend;
    o.standardize_confounds = standardize_confounds;
    return o;
  };
  cases.push_back({"detrend + cosine + confounds, zscore", bold_like(180, 5, 2.0, 1),
                   with(Filter::kCosine, 0.01, 0, Standardize::kZScore, true, true),
                   motion_like(180, 4, 2, true)});
  cases.push_back({"detrend + cosine, zscore_sample", bold_like(151, 3, 0.72, 3),
                   with(Filter::kCosine, 0.008, 0, Standardize::kZScoreSample, true, true),
                   std::nullopt});
  {
    // A user confound that is a cosine drift term already: used alone.
    auto conf = motion_like(120, 2, 4, false);
    neuro::ConfoundTable own;
    own.frames = 120;
    own.source = "own";
    own.names = {"m0", "m1", "cosine00"};
    for (int64_t t = 0; t < 120; ++t) {
      own.values.insert(own.values.end(),
                        {conf.at(t, 0), conf.at(t, 1),
                         std::cos(3.141592653589793 * (t + 0.5) / 120.0) + 0.01 * conf.at(t, 0)});
    }
    cases.push_back({"detrend + cosine with the user's cosine, psc", bold_like(120, 4, 2.5, 5),
                     with(Filter::kCosine, 0.01, 0, Standardize::kPercentSignalChange, true, true),
                     own});
  }
  cases.push_back({"detrend + butterworth band + confounds, zscore", bold_like(300, 4, 0.72, 6),
                   with(Filter::kButterworth, 0.01, 0.1, Standardize::kZScore, true, true),
                   motion_like(300, 6, 7, true)});
  cases.push_back(
      {"butterworth high-pass, psc, raw confounds", bold_like(200, 3, 2.0, 8),
       with(Filter::kButterworth, 0.01, 0, Standardize::kPercentSignalChange, false, false),
       motion_like(200, 3, 9, false)});
  cases.push_back({"detrend + confounds, psc", bold_like(100, 2, 1.0, 10),
                   with(Filter::kNone, 0, 0, Standardize::kPercentSignalChange, true, true),
                   motion_like(100, 3, 11, true)});

  Json request = {{"filter_signal", std::vector<double>{0.0}},
                  {"designs", Json::array()},
                  {"cleans", Json::array()}};
  for (const CleanCase& c : cases) {
    const auto& s = c.series;
    const std::vector<double> values(s.values.begin(), s.values.end());
    Json j = {{"signals", matrix_json(values, s.frames, s.parcels)},
              {"tr", s.tr_seconds},
              {"detrend", c.options.detrend},
              {"filter", filter_name(c.options.filter)},
              {"high", c.options.high_pass_hz},
              {"low", c.options.low_pass_hz},
              {"order", c.options.butterworth_order},
              {"standardize", standardize_name(c.options.standardize)},
              {"standardize_confounds", c.options.standardize_confounds},
              {"confounds", nullptr}};
    if (c.confounds) {
      j["confounds"] =
          matrix_json(c.confounds->values, c.confounds->frames, c.confounds->columns());
    }
    request["cleans"].push_back(j);
  }
  const Json reference = run_reference(request);
  ASSERT_FALSE(reference.is_null());

  for (size_t i = 0; i < cases.size(); ++i) {
    CleanCase& c = cases[i];
    SCOPED_TRACE(c.name);
    neuro::clean_series(c.series, c.options, c.confounds ? &*c.confounds : nullptr);
    const Json& expected = reference["cleaned"][i];
    ASSERT_EQ(expected.size(), static_cast<size_t>(c.series.frames));
    double worst = 0.0, scale = 0.0;
    for (int64_t t = 0; t < c.series.frames; ++t) {
      for (int64_t p = 0; p < c.series.parcels; ++p) {
        const double ref = expected[static_cast<size_t>(t)][static_cast<size_t>(p)].get<double>();
        scale = std::max(scale, std::abs(ref));
        worst = std::max(worst, std::abs(c.series.at(t, p) - ref));
      }
    }
    EXPECT_LE(worst, kCleanTolerance * std::max(1.0, scale)) << "largest reference value " << scale;
  }
}

}  // namespace
