#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "neuro/series/parcel_series.h"
#include "temp_dir.h"

TEST(ParcelSeries, TsvRoundTripIsBitExact) {
  neuroseq_test::TempDir dir("series");
  neuro::ParcelSeries s(3, 2, 2.0);
  s.names = {"Precentral_L", "Precentral_R"};
  s.at(0, 0) = 1.0f / 3.0f;
  s.at(0, 1) = -1e-30f;
  s.at(1, 0) = 123456.789f;
  s.at(1, 1) = std::numeric_limits<float>::quiet_NaN();
  s.at(2, 0) = 0.1f;
  s.at(2, 1) = -7.0f;
  write_series_tsv(s, dir / "s.tsv");
  const auto r = neuro::read_series_tsv(dir / "s.tsv");
  ASSERT_EQ(r.frames, 3);
  ASSERT_EQ(r.parcels, 2);
  EXPECT_EQ(r.names, s.names);
  for (int64_t t = 0; t < 3; ++t) {
    for (int64_t p = 0; p < 2; ++p) {
      if (std::isnan(s.at(t, p))) {
        EXPECT_TRUE(std::isnan(r.at(t, p)));
      } else {
        EXPECT_EQ(r.at(t, p), s.at(t, p));
      }
    }
  }
}

TEST(ParcelSeries, RaggedTableIsRejectedWithTheRow) {
  neuroseq_test::TempDir dir("series_bad");
  std::ofstream(dir / "bad.tsv") << "a\tb\n1\t2\n3\n";
  try {
    neuro::read_series_tsv(dir / "bad.tsv");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.tsv: row 2 has 1 columns"), std::string::npos)
        << e.what();
  }
}
