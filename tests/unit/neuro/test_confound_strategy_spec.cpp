// --confound-strategy specs: reading them, writing them back, and what a bad
// one says. The columns each strategy picks are in test_confound_strategy.cpp.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "error_of.h"
#include "neuro/signal/confound_strategy.h"

namespace {

using neuro::ConfoundStrategy;
using neuro::ConfoundTable;
using neuroseq_test::error_of;
using Names = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- Parsing ----

TEST(ConfoundStrategyParse, WordsLevelsAndParameters) {
  const ConfoundStrategy a =
      neuro::parse_confound_strategy("motion=basic,high_pass,compcor=temporal:5");
  EXPECT_EQ(a.strategy, (Names{"motion", "high_pass", "compcor"}));
  EXPECT_EQ(a.motion, "basic");
  EXPECT_EQ(a.compcor, "temporal");
  EXPECT_EQ(a.n_compcor, 5);

  const ConfoundStrategy b = neuro::parse_confound_strategy(
      " motion , wm_csf=full , scrub=3 , fd_threshold=0.2, std_dvars_threshold=2, "
      "non_steady_state");
  EXPECT_EQ(b.strategy, (Names{"motion", "wm_csf", "scrub"}));
  EXPECT_EQ(b.motion, "full");  // the default level
  EXPECT_EQ(b.wm_csf, "full");
  EXPECT_EQ(b.scrub_min_segment, 3);
  EXPECT_EQ(b.fd_threshold, 0.2);
  EXPECT_EQ(b.std_dvars_threshold, 2.0);

  const ConfoundStrategy c =
      neuro::parse_confound_strategy("high_pass,compcor=anat_separated,n_compcor=all");
  EXPECT_EQ(c.n_compcor, -1);
  EXPECT_EQ(c.compcor, "anat_separated");
}

TEST(ConfoundStrategyParse, DescribeRoundTrips) {
  EXPECT_EQ(neuro::describe(ConfoundStrategy{}),
            "motion=full,high_pass,wm_csf=basic,non_steady_state");
  EXPECT_EQ(neuro::parse_confound_strategy(neuro::describe(ConfoundStrategy{})),
            ConfoundStrategy{});
  for (const char* spec :
       {"motion=basic", "global_signal=power2,wm_csf=derivatives,high_pass",
        "motion,high_pass,compcor=temporal_anat_separated:3,scrub=0,fd_threshold=0.25",
        "non_steady_state"}) {
    const ConfoundStrategy s = neuro::parse_confound_strategy(spec);
    EXPECT_EQ(neuro::parse_confound_strategy(neuro::describe(s)), s) << spec;
  }
  EXPECT_EQ(neuro::describe(neuro::parse_confound_strategy("high_pass,compcor=temporal:5,scrub")),
            "high_pass,compcor=temporal:5,scrub=5,fd_threshold=0.5,std_dvars_threshold=1.5,"
            "non_steady_state");
}

TEST(ConfoundStrategyParse, ErrorsNameTheWordAndTheValidOnes) {
  auto e = [](const std::string& spec) {
    return error_of<std::invalid_argument>([&] { neuro::parse_confound_strategy(spec); });
  };
  EXPECT_EQ(e("motion,motoin"),
            "confound strategy 'motion,motoin': unknown word 'motoin'; valid: motion, wm_csf, "
            "global_signal, compcor, high_pass, scrub, non_steady_state; parameters: n_compcor, "
            "fd_threshold, std_dvars_threshold");
  EXPECT_EQ(e("motion=ful"),
            "confound strategy 'motion=ful': unknown level 'ful' for motion; valid: basic, "
            "derivatives, power2, full");
  EXPECT_NE(e("high_pass,compcor=anat:3")
                .find("unknown compcor type 'anat'; valid: anat_combined, "
                      "anat_separated, temporal"),
            std::string::npos);
  EXPECT_PRED2(contains, e("compcor=temporal"), "compcor needs high_pass");
  EXPECT_PRED2(contains, e("motion,fd_threshold=0.3"), "fd_threshold needs scrub");
  EXPECT_PRED2(contains, e("motion,n_compcor=3"), "n_compcor needs compcor");
  EXPECT_PRED2(contains, e("motion,motion=basic"), "'motion' given twice");
  EXPECT_PRED2(contains, e("high_pass,compcor=temporal:5,n_compcor=3"), "'n_compcor' given twice");
  EXPECT_NE(e("").find("empty; valid: motion"), std::string::npos);
  EXPECT_PRED2(contains, e("motion,,wm_csf"), "an empty item");
  EXPECT_PRED2(contains, e("high_pass=1"), "'high_pass' takes no value");
  EXPECT_PRED2(contains, e("high_pass,compcor=temporal:0"),
               "n_compcor must be a whole number >= 1");
  EXPECT_PRED2(contains, e("scrub=-1"), "scrub must be a whole number >= 0, not '-1'");
  EXPECT_PRED2(contains, e("scrub,fd_threshold=abc"),
               "fd_threshold must be a number >= 0, not 'abc'");
  EXPECT_PRED2(contains, e("motion="), "'motion=' without a value");
}

TEST(ConfoundStrategyParse, StructsBuiltInCodeAreChecked) {
  ConfoundStrategy s;
  s.strategy = {"motion", "ica_aroma"};
  ConfoundTable table;
  table.names = {"trans_x"};
  table.frames = 1;
  table.values = {0.0};
  const std::string e =
      error_of<std::invalid_argument>([&] { neuro::select_confounds(table, s, {}); });
  EXPECT_PRED2(contains, e, "unknown word 'ica_aroma'");
  s.strategy = {"compcor"};
  EXPECT_NE(error_of<std::invalid_argument>([&] {
              neuro::check_confound_strategy(s);
            }).find("compcor needs high_pass"),
            std::string::npos);
}

}  // namespace
