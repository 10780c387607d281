// The browsing panels on small hand-made inputs whose answers are known:
// clusters on each side of the map at its own threshold, the table waiting
// for the thresholds to settle, the folder tree of a raw BIDS dataset with
// sessions, explanations.tsv and the export file names.

#include <QApplication>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "app/gui/cluster_panel.h"
#include "app/gui/data_browser.h"
#include "app/gui/explanation_panel.h"
#include "app/gui/export_actions.h"
#include "neuro/maps/cluster_table.h"
#include "temp_dir.h"

namespace fs = std::filesystem;

namespace {

// 10 x 10 x 10 voxels of 2 mm, voxel 0 at (-10, -10, -10):
//   a cube of 8 voxels at +5 (voxels 1..2), one voxel at +2 (voxel 6,6,6),
//   a row of 3 voxels at -3 (voxels 6..8, 1, 1).
neuro::Volume three_blobs(int64_t frames = 1) {
  neuro::Volume v(neuro::Grid{{10, 10, 10}, neuro::Affine::diagonal(2, 2, 2, -10, -10, -10)},
                  frames);
  for (int64_t i = 1; i <= 2; ++i)
    for (int64_t j = 1; j <= 2; ++j)
      for (int64_t k = 1; k <= 2; ++k)
        v.at(i, j, k, frames - 1) = 5;
  v.at(6, 6, 6, frames - 1) = 2;
  for (int64_t i = 6; i <= 8; ++i)
    v.at(i, 1, 1, frames - 1) = -3;
  return v;
}

// A user's double-click: QTest's alone sends no press first, and item views
// act only on a double-click over the item that was pressed.
void double_click_at(QWidget* widget, QPoint at) {
  QTest::mouseClick(widget, Qt::LeftButton, Qt::NoModifier, at);
  QTest::mouseDClick(widget, Qt::LeftButton, Qt::NoModifier, at);
  QTest::mouseRelease(widget, Qt::LeftButton, Qt::NoModifier, at);
}

void touch(const fs::path& file, const std::string& text = "") {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

}  // namespace

TEST(OverlayClusters, EachSideUsesItsOwnThreshold) {
  const neuro::Volume map = three_blobs();
  auto clusters = gui::overlay_clusters(map, 0, 4, 1, nullptr);
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters[0].id, 1);
  EXPECT_EQ(clusters[0].sign, 1);
  EXPECT_EQ(clusters[0].peak_value, 5.0f);
  EXPECT_DOUBLE_EQ(clusters[0].size_mm3, 8 * 8.0);
  EXPECT_EQ(clusters[0].peak_mm, (std::array<double, 3>{-8, -8, -8}));  // voxel 1,1,1
  EXPECT_EQ(clusters[1].id, 2);
  EXPECT_EQ(clusters[1].sign, -1);
  EXPECT_EQ(clusters[1].peak_value, -3.0f);
  EXPECT_DOUBLE_EQ(clusters[1].size_mm3, 3 * 8.0);
  EXPECT_EQ(clusters[1].peak_mm, (std::array<double, 3>{2, -8, -8}));  // voxel 6,1,1

  clusters = gui::overlay_clusters(map, 0, 1, 4, nullptr);
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters[0].peak_value, 5.0f);
  EXPECT_EQ(clusters[1].peak_value, 2.0f);
  EXPECT_DOUBLE_EQ(clusters[1].size_mm3, 8.0);

  // Equal thresholds: find_clusters' two-sided table, row for row.
  neuro::ClusterOptions options;
  options.threshold = 1;
  options.two_sided = true;
  const auto expected = neuro::find_clusters(map, options);
  clusters = gui::overlay_clusters(map, 0, 1, 1, nullptr);
  ASSERT_EQ(clusters.size(), 3u);
  ASSERT_EQ(expected.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(clusters[i].id, expected[i].id);
    EXPECT_EQ(clusters[i].peak_value, expected[i].peak_value);
    EXPECT_EQ(clusters[i].peak_voxel, expected[i].peak_voxel);
    EXPECT_EQ(clusters[i].centre_mm, expected[i].centre_mm);
  }
}

TEST(OverlayClusters, ReadsTheFrameShownAndRefusesBadThresholds) {
  const neuro::Volume map = three_blobs(3);  // blobs in the last frame only
  EXPECT_TRUE(gui::overlay_clusters(map, 0, 1, 1, nullptr).empty());
  EXPECT_EQ(gui::overlay_clusters(map, 2, 1, 1, nullptr).size(), 3u);
  EXPECT_THROW(gui::overlay_clusters(map, 3, 1, 1, nullptr), std::invalid_argument);
  EXPECT_THROW(gui::overlay_clusters(map, 0, -1, 1, nullptr), std::invalid_argument);
  EXPECT_THROW(gui::overlay_clusters(map, 0, 1, NAN, nullptr), std::invalid_argument);
}

TEST(ClusterPanel, WaitsForTheThresholdsToSettleAndOffersEachPeak) {
  gui::ClusterPanel panel;
  panel.resize(700, 300);
  panel.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
  panel.set_map(std::make_shared<neuro::Volume>(three_blobs()), 0, 4, 1);
  ASSERT_EQ(panel.clusters().size(), 2u);
  ASSERT_EQ(panel.table()->rowCount(), 2);
  EXPECT_EQ(panel.table()->item(0, 6)->text(), "") << "no atlas: no region";

  QSignalSpy recomputed(&panel, &gui::ClusterPanel::clusters_changed);
  panel.set_thresholds(1, 1);
  panel.set_thresholds(1, 4);
  panel.set_thresholds(1, 1);
  EXPECT_EQ(panel.clusters().size(), 2u) << "recomputed before the thresholds settled";
  ASSERT_TRUE(recomputed.wait(5 * gui::ClusterPanel::kDebounceMs));
  QTest::qWait(2 * gui::ClusterPanel::kDebounceMs);
  EXPECT_EQ(recomputed.count(), 1);
  ASSERT_EQ(panel.clusters().size(), 3u);
  ASSERT_EQ(panel.table()->rowCount(), 3);

  QSignalSpy chosen(&panel, &gui::ClusterPanel::peak_chosen);
  QApplication::processEvents();  // lays the new rows out
  const QRect cell = panel.table()->visualItemRect(panel.table()->item(2, 0));
  double_click_at(panel.table()->viewport(), cell.center());
  ASSERT_EQ(chosen.count(), 1);
  const auto& peak = panel.clusters()[2].peak_mm;
  EXPECT_EQ(chosen[0][0].toDouble(), peak[0]);
  EXPECT_EQ(chosen[0][1].toDouble(), peak[1]);
  EXPECT_EQ(chosen[0][2].toDouble(), peak[2]);
  EXPECT_EQ(panel.table()->item(2, 2)->text().toDouble(), panel.clusters()[2].peak_value);

  // With an atlas the region at the peak is named; outside every region, blank.
  neuro::Volume labels(three_blobs().grid(), 1);
  labels.at(1, 1, 1) = 7;
  panel.set_atlas(std::make_shared<neuro::LabelAtlas>(labels, neuro::RegionNames{{7, "cube"}}));
  EXPECT_EQ(panel.table()->item(0, 6)->text(), "cube");
  EXPECT_EQ(panel.table()->item(1, 6)->text(), "");
}

TEST(ScanFolder, ListsARawDatasetWithSessions) {
  neuroseq_test::TempDir dir("scan_folder");
  const fs::path root = dir.path();
  touch(root / "dataset_description.json", R"({"Name": "x", "BIDSVersion": "1.8.0"})");
  touch(root / "participants.tsv", "participant_id\nsub-01\n");
  for (const char* session : {"1", "2"}) {
    const std::string ses = std::string("ses-") + session;
    touch(root / "sub-01" / ses / "func" / ("sub-01_" + ses + "_task-wm_run-1_bold.nii.gz"));
    touch(root / "sub-01" / ses / "func" / ("sub-01_" + ses + "_task-wm_run-1_events.tsv"));
  }
  touch(root / "sub-01" / "ses-1" / "anat" / "sub-01_ses-1_T1w.nii.gz");
  touch(root / "sub-02" / "func" / "sub-02_task-rest_bold.nii");
  touch(root / ".git" / "sub-03_task-rest_bold.nii.gz");  // hidden: not listed
  touch(root / "models" / "decoder.safetensors");
  touch(root / "models" / "decoder.json", "{}");
  touch(root / "models" / "other.safetensors");

  const gui::BrowserEntry tree = gui::scan_folder(root);
  ASSERT_EQ(tree.children.size(), 3u);  // subjects, models, tables
  const auto& subjects = tree.children[0];
  EXPECT_EQ(subjects.label, gui::kSubjectsGroup);
  ASSERT_EQ(subjects.children.size(), 2u);
  const auto& sub01 = subjects.children[0];
  EXPECT_EQ(sub01.label, "sub-01");
  ASSERT_EQ(sub01.children.size(), 2u);
  EXPECT_EQ(sub01.children[0].label, "ses-1");
  ASSERT_EQ(sub01.children[0].children.size(), 2u);
  EXPECT_EQ(sub01.children[0].children[0].label, "T1w");
  EXPECT_EQ(sub01.children[0].children[0].kind, gui::BrowserEntryKind::kAnatomy);
  EXPECT_EQ(sub01.children[0].children[1].label, "task-wm run-1");
  EXPECT_EQ(sub01.children[0].children[1].kind, gui::BrowserEntryKind::kBold);
  EXPECT_EQ(subjects.children[1].children.at(0).label, "task-rest");

  const auto& models = tree.children[1];
  EXPECT_EQ(models.label, gui::kModelsGroup);
  ASSERT_EQ(models.children.size(), 2u);
  EXPECT_EQ(models.children[0].label, fs::path("models/decoder.safetensors").string());
  EXPECT_EQ(models.children[0].config, root / "models" / "decoder.json");
  EXPECT_TRUE(models.children[1].config.empty());

  const auto& tables = tree.children[2];
  EXPECT_EQ(tables.label, gui::kTablesGroup);
  ASSERT_EQ(tables.children.size(), 1u);
  ASSERT_EQ(tables.children[0].children.size(), 1u);  // events are a run's, not results
  EXPECT_EQ(tables.children[0].children[0].label, "participants.tsv");

  EXPECT_THROW(gui::scan_folder(root / "missing"), std::runtime_error);
  EXPECT_THROW(gui::scan_folder(root / "participants.tsv"), std::runtime_error);
  gui::FolderScanOptions few;
  few.max_files = 3;
  EXPECT_NE(gui::scan_folder(root, few).detail.find("stopped after 3 files"), std::string::npos);
}

TEST(ExplanationFolder, TableAndMapsAreReadFromTheirFiles) {
  neuroseq_test::TempDir dir("explanation_folder");
  const fs::path root = dir.path();
  touch(root / "explanations.tsv",
        "method\tfaithfulness_fraction\tground_truth_auroc\n"
        "integrated_gradients\t0.20\t0.91\nlrp\tnot reached\t0.75\n");
  for (const char* stat : {"ig", "igz", "lrp"})
    touch(root / (std::string("sub-group_space-MNI_stat-") + stat + "_desc-motor_statmap.nii.gz"));
  touch(root / "sub-01_space-MNI_stat-ig_desc-motor_statmap.nii.gz");
  touch(root / "sub-01_space-MNI_stat-ig_desc-motor_clusters.tsv");

  const auto table = gui::read_explanation_table(root);
  EXPECT_EQ(table.columns.size(), 3u);
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[1][1], "not reached");
  const auto maps = gui::find_explanation_maps(root);
  EXPECT_EQ(maps.size(), 4u);
  EXPECT_EQ(gui::find_explanation_map(maps, "integrated_gradients", "motor"),
            root / "sub-group_space-MNI_stat-ig_desc-motor_statmap.nii.gz");
  EXPECT_EQ(gui::find_explanation_map(maps, "integrated_gradients", "motor", "group", "z"),
            root / "sub-group_space-MNI_stat-igz_desc-motor_statmap.nii.gz");
  EXPECT_EQ(gui::find_explanation_map(maps, "integrated_gradients", "motor", "01"),
            root / "sub-01_space-MNI_stat-ig_desc-motor_statmap.nii.gz");
  EXPECT_FALSE(gui::find_explanation_map(maps, "lrp", "visual"));

  gui::ExplanationPanel panel;
  panel.open_folder(root);
  QSignalSpy chosen(&panel, &gui::ExplanationPanel::map_chosen);
  ASSERT_TRUE(panel.select("lrp", "motor"));
  ASSERT_EQ(chosen.count(), 1);
  EXPECT_EQ(chosen[0][0].toString().toStdString(),
            (root / "sub-group_space-MNI_stat-lrp_desc-motor_statmap.nii.gz").string());
  // "not reached" sorts after every number, either way round.
  panel.methods_table()->sortByColumn(1, Qt::AscendingOrder);
  EXPECT_EQ(panel.methods_table()->item(0, 0)->text(), "integrated_gradients");

  touch(root / "explanations.tsv", "method\tdeletion_auc\nlrp\t0.1\textra\n");
  try {
    gui::read_explanation_table(root);
    FAIL() << "a ragged row was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("explanations.tsv: row 2"), std::string::npos) << e.what();
  }
  touch(root / "explanations.tsv", "name\tdeletion_auc\n");
  EXPECT_THROW(gui::read_explanation_table(root), std::runtime_error);
  EXPECT_THROW(panel.open_folder(root / "missing"), std::runtime_error);
  EXPECT_EQ(panel.folder(), root) << "a failed open leaves the panel as it was";
}

TEST(ExportPaths, NiftiNamesKeepOrGetTheirExtension) {
  EXPECT_EQ(gui::nifti_export_path("a/map.nii.gz"), fs::path("a/map.nii.gz"));
  EXPECT_EQ(gui::nifti_export_path("a/map.nii"), fs::path("a/map.nii"));
  EXPECT_EQ(gui::nifti_export_path("a/map"), fs::path("a/map.nii.gz"));
  EXPECT_EQ(gui::nifti_export_path("a/map.v2"), fs::path("a/map.v2.nii.gz"));
  EXPECT_THROW(gui::export_overlay_nifti(neuro::Volume(), "/tmp/x.nii.gz"), std::runtime_error);
}
