#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bids_tree.h"
#include "neuro/bids/derivatives.h"
#include "neuro/bids/sidecar.h"

namespace neuro {
namespace {

namespace fs = std::filesystem;
using testing::TempTree;

TEST(DatasetDescription, WritesADerivativeDescription) {
  TempTree tree;
  const auto root = tree.root() / "derivatives" / "neuroseq";
  DerivativeDescription description;
  description.name = "NeuroSeq attribution maps";
  description.version = "0.1.0";
  description.code_url = "https://example.org/neuroseq";
  description.source_datasets = {{"bids::", "", ""},
                                 {"", "doi:10.18112/openneuro.ds000114.v1.0.2", "1.0.2"}};
  write_dataset_description(root, description);

  const auto json = read_json_file(root / "dataset_description.json");
  EXPECT_EQ(json.at("Name"), "NeuroSeq attribution maps");
  EXPECT_EQ(json.at("BIDSVersion"), "1.8.0");
  EXPECT_EQ(json.at("DatasetType"), "derivative");
  ASSERT_EQ(json.at("GeneratedBy").size(), 1u);
  EXPECT_EQ(json.at("GeneratedBy")[0].at("Name"), "NeuroSeq");
  EXPECT_EQ(json.at("GeneratedBy")[0].at("Version"), "0.1.0");
  EXPECT_EQ(json.at("GeneratedBy")[0].at("CodeURL"), "https://example.org/neuroseq");
  ASSERT_EQ(json.at("SourceDatasets").size(), 2u);
  EXPECT_EQ(json.at("SourceDatasets")[0], nlohmann::json({{"URL", "bids::"}}));
  EXPECT_EQ(json.at("SourceDatasets")[1].at("DOI"), "doi:10.18112/openneuro.ds000114.v1.0.2");
  EXPECT_EQ(json.at("SourceDatasets")[1].at("Version"), "1.0.2");
  // Fields appear in the order the specification lists them.
  const auto text = testing::read_text(root / "dataset_description.json");
  EXPECT_LT(text.find("\"Name\""), text.find("\"BIDSVersion\""));
  EXPECT_LT(text.find("\"BIDSVersion\""), text.find("\"DatasetType\""));

  const auto back = read_dataset_description(root);
  EXPECT_TRUE(back.exists);
  EXPECT_EQ(back.dataset_type, "derivative");
  EXPECT_EQ(back.generated_by, (std::vector<std::string>{"NeuroSeq"}));
}

TEST(DatasetDescription, LeavesOptionalFieldsOut) {
  TempTree tree;
  write_dataset_description(tree.root(), {"maps", "0.1.0", "", {}});
  const auto json = read_json_file(tree.root() / "dataset_description.json");
  EXPECT_FALSE(json.at("GeneratedBy")[0].contains("CodeURL"));
  EXPECT_FALSE(json.contains("SourceDatasets"));
  // Rewriting replaces the file whole, leaving no temporary beside it.
  write_dataset_description(tree.root(), {"maps again", "0.1.1", "", {}});
  EXPECT_EQ(read_json_file(tree.root() / "dataset_description.json").at("Name"), "maps again");
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(tree.root()))
    ++files;
  EXPECT_EQ(files, 1u);
}

TEST(DatasetDescription, RefusesIncompleteDescriptions) {
  TempTree tree;
  EXPECT_THROW(write_dataset_description(tree.root(), {"", "0.1.0", "", {}}),
               std::invalid_argument);
  EXPECT_THROW(write_dataset_description(tree.root(), {"maps", "", "", {}}), std::invalid_argument);
  EXPECT_THROW(write_dataset_description(tree.root(), {"maps", "0.1", "", {{"", "", "1"}}}),
               std::invalid_argument);
  EXPECT_FALSE(fs::exists(tree.root() / "dataset_description.json"));
}

TEST(DatasetDescription, ReadsRawAndMissingDescriptions) {
  TempTree tree;
  EXPECT_FALSE(read_dataset_description(tree.root()).exists);
  EXPECT_EQ(read_dataset_description(tree.root()).dataset_type, "raw");
  tree.write("dataset_description.json", R"({"Name": "ds", "BIDSVersion": "1.6.0"})");
  const auto raw = read_dataset_description(tree.root());
  EXPECT_TRUE(raw.exists);
  EXPECT_EQ(raw.name, "ds");
  EXPECT_EQ(raw.dataset_type, "raw");
  tree.write("dataset_description.json", R"({"Name": "ds", "DatasetType": 3})");
  try {
    read_dataset_description(tree.root());
    FAIL() << "a numeric DatasetType was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((tree.root() / "dataset_description.json").string()),
              std::string::npos);
  }
}

}  // namespace
}  // namespace neuro
