// `neuroseq demo`, README's first command, end to end as a user runs it: it
// decodes held-out subjects far above chance, explains the decisions, and the
// peaks of its attribution maps land on the atlas regions the simulator made
// active — looked up independently through the atlas image and its table.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "neuro/image/nifti_header.h"
#include "neuro/image/nifti_reader.h"
#include "temp_dir.h"

namespace fs = std::filesystem;

namespace {

const char* const kMethods[] = {
    "gradient", "saliency",          "input_x_gradient", "smoothgrad", "integrated_gradients",
    "lrp",      "occlusion_parcels", "occlusion_time"};

class DemoRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new neuroseq_test::TempDir("cli_demo");
    result_ = new neuroseq_test::CliResult(
        neuroseq_test::run_neuroseq("demo --out " + out().string(), scratch_->path()));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete scratch_;
  }
  static fs::path out() { return scratch_->path() / "demo-output"; }
  static fs::path sim() { return out() / "dataset" / "sim"; }
  static const neuroseq_test::CliResult& result() { return *result_; }

  // The demo runs for a minute: one run, every check on it.
  static void DecodesHeldOutSubjectsFarAboveChance();
  static void EndsWithTheExplanationReport();
  static void MapPeaksLandOnTheActiveRegions();
  static void WritesPerFrameAndGroupLevelMaps();

  // The simulator's active regions (atlas labels) per state.
  static std::map<std::string, std::set<int>> true_regions() {
    const auto simulation = nlohmann::json::parse(std::ifstream(sim() / "simulation.json"));
    std::map<std::string, std::set<int>> regions;
    for (const auto& state : simulation["states"])
      for (const auto& region : state["regions"])
        regions[state["name"].get<std::string>()].insert(region["label"].get<int>());
    return regions;
  }

 private:
  static neuroseq_test::TempDir* scratch_;
  static neuroseq_test::CliResult* result_;
};

neuroseq_test::TempDir* DemoRun::scratch_ = nullptr;
neuroseq_test::CliResult* DemoRun::result_ = nullptr;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path group_map(const std::string& stat, const std::string& state) {
  return "sub-group_space-MNIColin27_stat-" + stat + "_desc-" + state + "_statmap.nii.gz";
}

}  // namespace

void DemoRun::DecodesHeldOutSubjectsFarAboveChance() {
  for (const char* model : {"model-linear", "model-longconv-pretrained"}) {
    const auto scores = nlohmann::json::parse(
        std::ifstream(out() / "decoding" / (std::string(model) + "_scores.json")));
    EXPECT_DOUBLE_EQ(scores["chance"].get<double>(), 0.25) << model;
    EXPECT_GT(scores["balanced_accuracy"].get<double>(), 0.7) << model;
    EXPECT_LT(scores["binomial_p"].get<double>(), 1e-10) << model;
  }
}

void DemoRun::EndsWithTheExplanationReport() {
  const std::string report = read_text(out() / "report.md");
  EXPECT_NE(report.find("## Explaining the decisions"), std::string::npos);
  for (const char* method : kMethods)
    EXPECT_NE(report.find(std::string("| ") + method + " |"), std::string::npos) << method;
  EXPECT_TRUE(fs::exists(out() / "explanations" / "report.html"));
  // Undefined scores (occlusion of time has no map to correlate) read n/a.
  EXPECT_EQ(report.find("| nan"), std::string::npos);
  EXPECT_NE(report.find("| n/a"), std::string::npos);
  EXPECT_TRUE(fs::exists(out() / "explanations" / "explanations.tsv"));
  EXPECT_TRUE(fs::exists(out() / "decoder" / "decoder.safetensors"));
  EXPECT_NE(result().out.find("explanations of"), std::string::npos) << result().out;
}

// The peak voxel of each state's LRP and integrated-gradients group map, taken
// to world mm with the map's affine and back into the atlas's voxels with the
// atlas's own affine, is in a region the simulator made active for the state;
// and the cluster table names the same region.
void DemoRun::MapPeaksLandOnTheActiveRegions() {
  const neuro::Volume atlas =
      neuro::read_volume(sim() / "space-MNIColin27_atlas-HarvardOxford_dseg.nii.gz");
  std::map<int, std::string> names;
  {
    std::ifstream table(sim() / "space-MNIColin27_atlas-HarvardOxford_dseg.tsv");
    std::string line;
    std::getline(table, line);  // header
    while (std::getline(table, line)) {
      const auto tab = line.find('\t');
      names[std::stoi(line.substr(0, tab))] = line.substr(tab + 1);
    }
  }
  for (const auto& [state, regions] : true_regions()) {
    for (const std::string stat : {"lrp", "ig"}) {
      const fs::path image = out() / "explanations" / group_map(stat, state);
      const neuro::Volume map = neuro::read_volume(image);
      size_t peak = 0;
      for (size_t n = 0; n < map.data().size(); ++n)
        if (map.data()[n] > map.data()[peak]) peak = n;
      const auto [nx, ny, nz] = map.dims();
      const auto i = static_cast<double>(peak % static_cast<size_t>(nx));
      const auto j =
          static_cast<double>((peak / static_cast<size_t>(nx)) % static_cast<size_t>(ny));
      const auto k = static_cast<double>(peak / static_cast<size_t>(nx * ny));
      ASSERT_LT(k, static_cast<double>(nz));
      const auto world = map.affine().to_world(i, j, k);
      const auto voxel = atlas.affine().to_voxel(world[0], world[1], world[2]);
      const int label = static_cast<int>(
          atlas.at(std::lround(voxel[0]), std::lround(voxel[1]), std::lround(voxel[2])));
      EXPECT_TRUE(regions.count(label)) << stat << " " << state << ": peak at " << world[0] << ","
                                        << world[1] << "," << world[2] << " in " << names[label];
      // The cluster table's strongest positive peak: the same region.
      std::ifstream clusters(
          fs::path(image.string().substr(0, image.string().size() - 15) + "_clusters.tsv"));
      std::string line, strongest_region;
      double strongest = -std::numeric_limits<double>::infinity();
      std::getline(clusters, line);
      while (std::getline(clusters, line)) {
        std::vector<std::string> field;
        std::stringstream row(line);
        for (std::string f; std::getline(row, f, '\t');)
          field.push_back(f);
        ASSERT_EQ(field.size(), 12u) << line;
        if (field[1] == "positive" && std::stod(field[2]) > strongest)
          strongest = std::stod(field[2]), strongest_region = field[11];
      }
      EXPECT_EQ(strongest_region, names[label]) << stat << " " << state;
    }
  }
}

// The per-frame maps sum over frames to the window map; the group z-maps are
// z-maps.
void DemoRun::WritesPerFrameAndGroupLevelMaps() {
  const auto decoder = nlohmann::json::parse(std::ifstream(out() / "decoder" / "decoder.json"));
  for (const auto& [state, regions] : true_regions()) {
    const neuro::Volume summed =
        neuro::read_volume(out() / "explanations" / group_map("lrp", state));
    neuro::ImageHeader header;
    const neuro::Volume frames =
        neuro::read_volume(out() / "explanations" / group_map("lrptime", state), header);
    EXPECT_EQ(header.dim[0], 4);
    EXPECT_GT(frames.tr_seconds(), 0.0);
    EXPECT_EQ(frames.frames(), decoder["window_frames"].get<int64_t>()) << state;
    double largest = 0;
    for (float v : summed.data())
      largest = std::max(largest, std::abs(static_cast<double>(v)));
    for (size_t n = 0; n < summed.data().size(); ++n) {
      double total = 0;
      for (int64_t t = 0; t < frames.frames(); ++t)
        total += frames.frame(t)[n];
      ASSERT_NEAR(total, summed.data()[n], 1e-4 * largest) << state << " voxel " << n;
    }
    neuro::ImageHeader z_header;
    neuro::read_volume(out() / "explanations" / group_map("lrpz", state), z_header);
    EXPECT_EQ(z_header.intent_code, 5) << state;
  }
}

// gtest runs every test in a process of its own: one test, one demo.
TEST_F(DemoRun, RunsEndToEnd) {
  ASSERT_EQ(result().exit_code, 0) << result().err;
  {
    SCOPED_TRACE("DecodesHeldOutSubjectsFarAboveChance");
    DecodesHeldOutSubjectsFarAboveChance();
  }
  {
    SCOPED_TRACE("EndsWithTheExplanationReport");
    EndsWithTheExplanationReport();
  }
  {
    SCOPED_TRACE("MapPeaksLandOnTheActiveRegions");
    MapPeaksLandOnTheActiveRegions();
  }
  {
    SCOPED_TRACE("WritesPerFrameAndGroupLevelMaps");
    WritesPerFrameAndGroupLevelMaps();
  }
}
