#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "neuro/sim/phantom.h"
#include "neuro/sim/sim_space.h"
#include "temp_dir.h"

namespace {

const std::filesystem::path kResources = std::filesystem::path(NEUROSEQ_SOURCE_DIR) / "resources";

bool template_installed() {
  return neuro::template_available(std::string(neuro::kMricronTemplateDir),
                                   neuro::AtlasChoice::kHarvardOxford);
}

}  // namespace

TEST(SimPhantom, GridIsRasWithTheOriginOnAVoxelCentre) {
  const auto grid = neuro::phantom_grid(3.0);
  const auto size = grid.affine.voxel_size();
  EXPECT_DOUBLE_EQ(size[0], 3.0);
  EXPECT_EQ(neuro::orientation_code(grid.affine), "RAS");
  const auto origin = grid.affine.to_voxel(0, 0, 0);
  for (double c : origin) {
    EXPECT_NEAR(c, std::round(c), 1e-9);
  }
  EXPECT_THROW(neuro::phantom_grid(0.0), std::invalid_argument);
}

TEST(SimPhantom, RegionsLieInTheGreyBandOfAnEllipsoidBrain) {
  const auto grid = neuro::phantom_grid(2.0);
  const auto phantom = neuro::make_phantom(grid);
  const auto anatomy = phantom.anatomy.data();
  const auto labels = phantom.labels.data();
  std::set<int> seen;
  int64_t brain = 0, white = 0, csf = 0;
  for (size_t v = 0; v < anatomy.size(); ++v) {
    if (anatomy[v] > 0) ++brain;
    if (anatomy[v] == neuro::kPhantomWhite) ++white;
    if (anatomy[v] == neuro::kPhantomCsf) ++csf;
    if (labels[v] != 0) {
      EXPECT_EQ(anatomy[v], neuro::kPhantomGrey);
      seen.insert(static_cast<int>(labels[v]));
    }
  }
  // About an adult brain: 4/3 pi 68 86 60 mm^3 = 1.47 litres.
  EXPECT_NEAR(static_cast<double>(brain) * 8.0 / 1e6, 1.47, 0.05);
  EXPECT_GT(white, brain / 3);
  EXPECT_GT(csf, 0);
  EXPECT_EQ(seen.size(), neuro::phantom_regions().size());
  EXPECT_EQ(phantom.names.at(1), "motor_left");
  // Left regions on the left (x < 0 in RAS).
  for (const auto& region : neuro::phantom_regions()) {
    if (region.name.ends_with("_left")) {
      EXPECT_LT(region.centre_mm[0], 0.0) << region.name;
    } else if (region.name.ends_with("_right")) {
      EXPECT_GT(region.centre_mm[0], 0.0) << region.name;
    }
  }
}

TEST(SimSpace, ForcedPhantomHasStatesOnItsRegions) {
  neuro::SpaceOptions options;
  options.atlas = neuro::AtlasChoice::kPhantom;
  options.voxel_size_mm = 3.0;
  const auto space = neuro::make_sim_space(options);
  EXPECT_EQ(space.space, "phantom");
  EXPECT_FALSE(space.from_template);
  EXPECT_EQ(space.xform, neuro::XformCode::kAlignedAnat);
  EXPECT_EQ(space.regions.size(), neuro::phantom_regions().size());
  ASSERT_EQ(space.states.size(), 4u);
  std::vector<std::string> names;
  for (const auto& state : space.states) {
    names.push_back(state.name);
    ASSERT_FALSE(state.regions.empty());
    for (const auto& r : state.regions) {
      EXPECT_GE(space.region_index(r.label), 0);
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"motor", "visual", "language", "auditory"}));
  // Motor activates both motor regions at full weight.
  for (const auto& r : space.states[0].regions) {
    EXPECT_TRUE(
        space.regions[static_cast<size_t>(space.region_index(r.label))].name.starts_with("motor_"));
    EXPECT_EQ(r.weight, 1.0);
  }
  // Tissue agrees with the mask.
  for (size_t v = 0; v < space.mask.size(); ++v) {
    EXPECT_EQ(space.mask[v] != 0, space.tissue[v] != neuro::Tissue::kOutside);
  }
  EXPECT_TRUE(space.underlay.grid().affine.voxel_size()[0] == 1.0);
}

TEST(SimSpace, AutoFallsBackToThePhantomWithoutTemplate) {
  neuroseq_test::TempDir empty("sim_no_template");
  neuro::SpaceOptions options;
  options.template_dir = empty.path();
  EXPECT_FALSE(neuro::template_available(empty.path(), neuro::AtlasChoice::kAuto));
  const auto space = neuro::make_sim_space(options);
  EXPECT_EQ(space.space, "phantom");
  ASSERT_EQ(space.notes.size(), 1u);
  EXPECT_NE(space.notes[0].find("ch2bet.nii.gz"), std::string::npos);
}

TEST(SimSpace, AskingForAMissingAtlasIsAnError) {
  neuroseq_test::TempDir empty("sim_no_atlas");
  neuro::SpaceOptions options;
  options.template_dir = empty.path();
  options.atlas = neuro::AtlasChoice::kAicha;
  try {
    neuro::make_sim_space(options);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind((empty.path() / "ch2bet.nii.gz").string() + ": not found", 0), 0u)
        << message;
  }
  options.voxel_size_mm = 12;
  EXPECT_THROW(neuro::make_sim_space(options), std::runtime_error);
}

TEST(SimSpace, AtlasNamesParseBothWays) {
  for (auto choice : {neuro::AtlasChoice::kAuto, neuro::AtlasChoice::kHarvardOxford,
                      neuro::AtlasChoice::kAicha, neuro::AtlasChoice::kPhantom}) {
    EXPECT_EQ(neuro::parse_atlas_choice(neuro::atlas_choice_name(choice)), choice);
  }
  EXPECT_THROW(neuro::parse_atlas_choice("aal"), std::invalid_argument);
}

TEST(SimSpace, HarvardOxfordOnTheColinTemplate) {
  if (!template_installed()) GTEST_SKIP() << "mricron-data is not installed";
  neuro::SpaceOptions options;
  options.resources_dir = kResources;
  const auto space = neuro::make_sim_space(options);
  EXPECT_EQ(space.space, "MNIColin27");
  EXPECT_EQ(space.atlas, "HarvardOxford");
  EXPECT_TRUE(space.from_template);
  EXPECT_EQ(space.xform, neuro::XformCode::kMni152);
  EXPECT_TRUE(space.notes.empty());
  EXPECT_NEAR(space.grid.affine.voxel_size()[0], 3.0, 1e-12);
  // About 1.5 litres of brain at 27 mm^3 a voxel.
  const auto brain = std::count(space.mask.begin(), space.mask.end(), 1);
  EXPECT_GT(brain, 45000);
  EXPECT_LT(brain, 80000);
  EXPECT_GE(space.regions.size(), 45u);
  const int precentral = space.region_index(7);
  ASSERT_GE(precentral, 0);
  EXPECT_EQ(space.regions[static_cast<size_t>(precentral)].name, "Precentral Gyrus");
  // The precentral gyrus sits superior and in the middle third front to back.
  EXPECT_GT(space.regions[static_cast<size_t>(precentral)].centre_mm[2], 20.0);
  EXPECT_EQ(space.states[0].name, "motor");
  EXPECT_EQ(space.states[0].regions.front().label, 7);
  // The occipital pole, the visual state's core, lies at the back.
  const int pole = space.region_index(48);
  ASSERT_GE(pole, 0);
  EXPECT_LT(space.regions[static_cast<size_t>(pole)].centre_mm[1], -70.0);
  // All four tissues are present.
  std::set<neuro::Tissue> tissues(space.tissue.begin(), space.tissue.end());
  EXPECT_EQ(tissues.size(), 4u);
}

TEST(SimSpace, AichaOnTheColinTemplate) {
  if (!neuro::template_available(std::string(neuro::kMricronTemplateDir),
                                 neuro::AtlasChoice::kAicha)) {
    GTEST_SKIP() << "mricron-data is not installed";
  }
  neuro::SpaceOptions options;
  options.atlas = neuro::AtlasChoice::kAicha;
  const auto space = neuro::make_sim_space(options);
  EXPECT_EQ(space.atlas, "AICHA");
  EXPECT_GE(space.regions.size(), 150u);
  for (const auto& state : space.states) {
    EXPECT_GE(state.regions.size(), 2u) << state.name;
  }
  const auto& motor = space.states[0];
  EXPECT_TRUE(space.regions[static_cast<size_t>(space.region_index(motor.regions[0].label))]
                  .name.starts_with("S_"));
}
