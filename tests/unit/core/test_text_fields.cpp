#include "core/io/text_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace {

using core::LeadingPlus;
using ::testing::ElementsAre;

TEST(Trim, DropsAsciiWhitespaceAtBothEnds) {
  EXPECT_EQ(core::trim("  a b \t"), "a b");
  EXPECT_EQ(core::trim("\r\n\v\fx\t"), "x");
  EXPECT_EQ(core::trim("x"), "x");
  EXPECT_EQ(core::trim(""), "");
  EXPECT_EQ(core::trim(" \t\r\n"), "");
  EXPECT_EQ(core::trim("\xA0x\xA0"), "\xA0x\xA0");  // not ASCII whitespace
}

TEST(Trim, DropsOnlyTheCharactersItIsGiven) {
  EXPECT_EQ(core::trim("  1.5 ", " "), "1.5");
  EXPECT_EQ(core::trim(" \t1.5\r ", " "), "\t1.5\r");
  EXPECT_EQ(core::trim("    ", " "), "");
}

TEST(Split, KeepsEmptyFields) {
  EXPECT_THAT(core::split("a\tb\tc", '\t'), ElementsAre("a", "b", "c"));
  EXPECT_THAT(core::split("a\t\tc\t", '\t'), ElementsAre("a", "", "c", ""));
  EXPECT_THAT(core::split("\t", '\t'), ElementsAre("", ""));
  EXPECT_THAT(core::split("", '\t'), ElementsAre(""));
  EXPECT_THAT(core::split("a b", '\t'), ElementsAre("a b"));
}

TEST(Split, DoesNotTrim) {
  EXPECT_THAT(core::split(" a , b", ','), ElementsAre(" a ", " b"));
}

TEST(ParseDouble, ReadsWholeNumbers) {
  EXPECT_EQ(core::parse_double("1.5"), 1.5);
  EXPECT_EQ(core::parse_double("-0.72"), -0.72);
  EXPECT_EQ(core::parse_double("7"), 7.0);
  EXPECT_EQ(core::parse_double(".5"), 0.5);
  EXPECT_EQ(core::parse_double("2.5e-2"), 0.025);
  EXPECT_EQ(core::parse_double("1E3"), 1000.0);
  EXPECT_TRUE(std::isinf(*core::parse_double("inf")));
  EXPECT_TRUE(std::isnan(*core::parse_double("nan")));
}

TEST(ParseDouble, RefusesAnythingButOneNumber) {
  EXPECT_EQ(core::parse_double(""), std::nullopt);
  EXPECT_EQ(core::parse_double("n/a"), std::nullopt);
  EXPECT_EQ(core::parse_double("1.5s"), std::nullopt);
  EXPECT_EQ(core::parse_double("1.5 "), std::nullopt);
  EXPECT_EQ(core::parse_double(" 1.5"), std::nullopt);
  EXPECT_EQ(core::parse_double("1,5"), std::nullopt);
  EXPECT_EQ(core::parse_double("0x10"), std::nullopt);
  EXPECT_EQ(core::parse_double("1e"), std::nullopt);
  EXPECT_EQ(core::parse_double("1e400"), std::nullopt);  // out of range
}

TEST(ParseDouble, LeadingPlusOnlyWhenAccepted) {
  EXPECT_EQ(core::parse_double("+1.5"), std::nullopt);
  EXPECT_EQ(core::parse_double("+1.5", LeadingPlus::kRejected), std::nullopt);
  EXPECT_EQ(core::parse_double("+1.5", LeadingPlus::kAccepted), 1.5);
  EXPECT_EQ(core::parse_double("-1.5", LeadingPlus::kAccepted), -1.5);
  EXPECT_EQ(core::parse_double("+-1.5", LeadingPlus::kAccepted), -1.5);
  EXPECT_EQ(core::parse_double("++1.5", LeadingPlus::kAccepted), std::nullopt);
  EXPECT_EQ(core::parse_double("+", LeadingPlus::kAccepted), std::nullopt);
  EXPECT_EQ(core::parse_double(" +1", LeadingPlus::kAccepted), std::nullopt);
}

TEST(ParseFloat, ReadsToTheNearestFloat) {
  EXPECT_EQ(core::parse_float("0.1"), 0.1f);
  EXPECT_EQ(core::parse_float("-3.25e1"), -32.5f);
  EXPECT_EQ(core::parse_float("+2", LeadingPlus::kAccepted), 2.0f);
  EXPECT_EQ(core::parse_float("+2"), std::nullopt);
  EXPECT_EQ(core::parse_float("1e39"), std::nullopt);  // fits a double, not a float
  EXPECT_EQ(core::parse_float("2x"), std::nullopt);
  EXPECT_EQ(core::parse_float(""), std::nullopt);
}

TEST(ParseInteger, ReadsWholeIntegers) {
  EXPECT_EQ(core::parse_integer("42"), 42);
  EXPECT_EQ(core::parse_integer("-7"), -7);
  EXPECT_EQ(core::parse_integer("007"), 7);
  EXPECT_EQ(core::parse_integer("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(core::parse_integer("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(core::parse_integer("+42", LeadingPlus::kAccepted), 42);
}

TEST(ParseInteger, RefusesAnythingButOneInteger) {
  EXPECT_EQ(core::parse_integer(""), std::nullopt);
  EXPECT_EQ(core::parse_integer("+42"), std::nullopt);
  EXPECT_EQ(core::parse_integer("4.0"), std::nullopt);
  EXPECT_EQ(core::parse_integer("1e3"), std::nullopt);
  EXPECT_EQ(core::parse_integer("12ab"), std::nullopt);
  EXPECT_EQ(core::parse_integer(" 12"), std::nullopt);
  EXPECT_EQ(core::parse_integer("12 "), std::nullopt);
  EXPECT_EQ(core::parse_integer("9223372036854775808"), std::nullopt);  // out of range
  EXPECT_EQ(core::parse_integer("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(core::parse_integer("++1", LeadingPlus::kAccepted), std::nullopt);
}

TEST(FormatDouble, ShortestTextThatReadsBack) {
  EXPECT_EQ(core::format_double(0.72), "0.72");
  EXPECT_EQ(core::format_double(2.0), "2");
  EXPECT_EQ(core::format_double(-1.5), "-1.5");
  EXPECT_EQ(core::format_double(1e-6), "1e-06");
  EXPECT_EQ(core::format_double(0.1 + 0.2), "0.30000000000000004");
  for (const double value : {0.1, 1.0 / 3.0, -2.5e-300, 6.02214076e23}) {
    EXPECT_EQ(core::parse_double(core::format_double(value)), value);
  }
}

}  // namespace
