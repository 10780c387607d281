// Browsing real pipeline outputs in the main window: the data browser lists
// what simulate, decode, train, explain and glm wrote; a statmap's cluster
// table equals neuro::find_clusters at the panel's thresholds and jumps to
// each peak; the cursor on a simulated region reads the ground truth's weight
// and the region's name; the explanation panel ranks the methods and loads
// their maps; the overlay and the picture are exported as they are shown.

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QImage>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "app/gui/cluster_panel.h"
#include "app/gui/data_browser.h"
#include "app/gui/explanation_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/overlay_panel.h"
#include "browse_pipeline.h"
#include "neuro/atlas/label_atlas.h"
#include "neuro/bids/entities.h"
#include "neuro/image/nifti_reader.h"
#include "neuro/maps/cluster_table.h"
#include "screen_pixels.h"
#include "text_files.h"
#include "viewers/offscreen_renderer.h"
#include "viewers/ortho_view_widget.h"

namespace fs = std::filesystem;
using neuroseq_test::browse_pipeline;
using neuroseq_test::files_ending;
using neuroseq_test::find_pixels;
using neuroseq_test::read_text;
using viewers::Plane;

namespace {

neuro::LabelAtlas sim_atlas() {
  return neuro::LabelAtlas::load(browse_pipeline().simulation.atlas_image);
}

// A user's double-click: QTest's alone sends no press first, and item views
// act only on a double-click over the item that was pressed.
void double_click_at(QWidget* widget, QPoint at) {
  QTest::mouseClick(widget, Qt::LeftButton, Qt::NoModifier, at);
  QTest::mouseDClick(widget, Qt::LeftButton, Qt::NoModifier, at);
  QTest::mouseRelease(widget, Qt::LeftButton, Qt::NoModifier, at);
}

// Shows the window and waits until it is on the (virtual) screen.
void show(gui::MainWindow& window) {
  window.resize(1400, 700);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
}

void double_click(QTreeWidget* tree, QTreeWidgetItem* item) {
  for (QTreeWidgetItem* p = item->parent(); p; p = p->parent())
    p->setExpanded(true);
  tree->scrollToItem(item);
  QApplication::processEvents();
  double_click_at(tree->viewport(), tree->visualItemRect(item).center());
}

// The top-level group's item with this label.
QTreeWidgetItem* group_item(QTreeWidget* tree, const char* label) {
  for (int i = 0; i < tree->topLevelItemCount(); ++i)
    if (tree->topLevelItem(i)->text(0) == label) return tree->topLevelItem(i);
  return nullptr;
}

// The path of labels from the top level down to `item`.
std::vector<std::string> label_path(QTreeWidgetItem* item) {
  std::vector<std::string> labels;
  for (; item; item = item->parent())
    labels.insert(labels.begin(), item->text(0).toStdString());
  return labels;
}

}  // namespace

TEST(BrowsePipeline, BrowserListsSubjectsRunsModelsAndMaps) {
  const auto& p = browse_pipeline();
  gui::MainWindow window;
  show(window);
  window.open_dataset(p.root);
  QTreeWidget* tree = window.data_browser()->tree();

  // Every simulated subject, with each of its runs under it.
  QTreeWidgetItem* subjects = group_item(tree, gui::kSubjectsGroup);
  ASSERT_NE(subjects, nullptr);
  ASSERT_EQ(subjects->childCount(), static_cast<int>(p.simulation.subjects.size()));
  for (const auto& run : p.simulation.runs) {
    SCOPED_TRACE(run.bold.string());
    QTreeWidgetItem* item = window.data_browser()->item_of(run.bold);
    ASSERT_NE(item, nullptr);
    const auto labels = label_path(item);
    ASSERT_EQ(labels.size(), 3u);
    EXPECT_EQ(labels[0], gui::kSubjectsGroup);
    EXPECT_EQ(labels[1], "sub-" + run.subject);
    EXPECT_NE(labels[2].find("task-" + run.task), std::string::npos) << labels[2];
    EXPECT_NE(labels[2].find("run-" + std::to_string(run.run)), std::string::npos) << labels[2];
    EXPECT_NE(labels[2].find("space-" + p.simulation.space), std::string::npos) << labels[2];
  }

  // Every statmap of explain and glm, and the ground truth, under its method and state.
  std::vector<fs::path> maps = files_ending(p.explanations, "_statmap.nii.gz");
  const auto z_maps = files_ending(p.glm, "_statmap.nii.gz");
  maps.insert(maps.end(), z_maps.begin(), z_maps.end());
  ASSERT_GT(maps.size(), 8u);
  for (const auto& map : maps) {
    SCOPED_TRACE(map.string());
    QTreeWidgetItem* item = window.data_browser()->item_of(map);
    ASSERT_NE(item, nullptr);
    const auto name = neuro::parse_bids_name(map.filename().string());
    const auto labels = label_path(item);
    ASSERT_EQ(labels.size(), 4u);
    EXPECT_EQ(labels[0], gui::kMapsGroup);
    EXPECT_EQ(labels[1], name.value_or("stat"));
    EXPECT_EQ(labels[2], name.value_or("desc"));
    EXPECT_EQ(labels[3].rfind("sub-" + name.value_or("sub"), 0), 0u) << labels[3];
  }
  for (const auto& truth : p.simulation.group_state_maps) {
    QTreeWidgetItem* item = window.data_browser()->item_of(truth);
    ASSERT_NE(item, nullptr) << truth;
    EXPECT_EQ(label_path(item)[1], gui::kGroundTruthMethod);
  }
  EXPECT_NE(window.data_browser()->item_of(p.simulation.atlas_image), nullptr);
  EXPECT_NE(window.data_browser()->item_of(p.explanations / "explanations.tsv"), nullptr);
  EXPECT_NE(window.data_browser()->item_of(p.decoding / "model-linear_predictions.tsv"), nullptr);
  // Tables of runs (events, confounds) are not results.
  EXPECT_EQ(window.data_browser()->item_of(p.simulation.runs[0].events), nullptr);

  // A double-click on a run opens it as the (4-D) underlay.
  double_click(tree, window.data_browser()->item_of(p.simulation.runs[0].bold));
  ASSERT_NE(window.views()->view().underlay(), nullptr);
  EXPECT_EQ(window.views()->view().underlay()->source(), p.simulation.runs[0].bold.string());
  EXPECT_GT(window.views()->view().underlay()->frames(), 1);

  // ... on a map opens it as the overlay.
  ASSERT_FALSE(p.explained_state().empty());
  const fs::path map = p.group_map(p.explanations, "grad", p.explained_state());
  double_click(tree, window.data_browser()->item_of(map));
  ASSERT_NE(window.views()->view().overlay(), nullptr);
  EXPECT_EQ(window.views()->view().overlay()->source(), map.string());

  // ... on the model shows its JSON, read-only.
  QTreeWidgetItem* model = window.data_browser()->item_of(p.decoder.decoder);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(label_path(model)[0], gui::kModelsGroup);
  double_click(tree, model);
  auto* config = window.data_browser()->findChild<QDialog*>("model_config_window");
  ASSERT_NE(config, nullptr);
  auto* text = config->findChild<QPlainTextEdit*>("text");
  ASSERT_NE(text, nullptr);
  EXPECT_TRUE(text->isReadOnly());
  fs::path json = p.decoder.decoder;
  json.replace_extension(".json");
  EXPECT_EQ(text->toPlainText().toStdString(), read_text(json));
}

TEST(BrowsePipeline, ClusterTableFollowsTheThresholdsAndJumpsToEachPeak) {
  const auto& p = browse_pipeline();
  gui::MainWindow window;
  show(window);
  window.load_underlay(p.simulation.underlay);
  window.load_atlas(p.simulation.atlas_image);
  const fs::path map_file = p.group_map(p.glm, "z", "motor");
  window.load_overlay(map_file);
  gui::ClusterPanel* panel = window.cluster_panel();

  // A threshold typed into the overlay panel reaches the table once typing stops.
  const neuro::Volume map = neuro::read_volume(map_file);
  float largest = 0;
  for (float v : map.data())
    largest = std::max(largest, std::abs(v));
  ASSERT_GT(largest, 1.0f);
  auto* positive = window.overlay_panel()->findChild<QDoubleSpinBox*>("positive_threshold");
  auto* negative = window.overlay_panel()->findChild<QDoubleSpinBox*>("negative_threshold");
  QSignalSpy recomputed(panel, &gui::ClusterPanel::clusters_changed);
  positive->setValue(std::round(largest * 0.5 * 1000) / 1000);
  negative->setValue(positive->value());
  EXPECT_EQ(recomputed.count(), 0) << "recomputed before the thresholds settled";
  ASSERT_TRUE(recomputed.wait(5 * gui::ClusterPanel::kDebounceMs));
  QTest::qWait(2 * gui::ClusterPanel::kDebounceMs);
  EXPECT_EQ(recomputed.count(), 1) << "one recomputation for two changes";

  neuro::ClusterOptions options;
  options.threshold = positive->value();
  options.two_sided = true;
  const neuro::LabelAtlas atlas = sim_atlas();
  const auto expected = neuro::find_clusters(map, options, &atlas);
  const auto& shown = panel->clusters();
  ASSERT_FALSE(expected.empty());
  ASSERT_EQ(shown.size(), expected.size());
  QTableWidget* table = panel->table();
  ASSERT_EQ(table->rowCount(), static_cast<int>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("cluster " + std::to_string(i + 1));
    EXPECT_EQ(shown[i].id, expected[i].id);
    EXPECT_EQ(shown[i].sign, expected[i].sign);
    EXPECT_EQ(shown[i].peak_value, expected[i].peak_value);
    EXPECT_EQ(shown[i].peak_mm, expected[i].peak_mm);
    EXPECT_DOUBLE_EQ(shown[i].size_mm3, expected[i].size_mm3);
    EXPECT_EQ(shown[i].peak_region, expected[i].peak_region);
    const int row = static_cast<int>(i);
    EXPECT_EQ(table->item(row, 0)->text().toInt(), expected[i].id);
    EXPECT_NEAR(table->item(row, 3)->text().toDouble(), expected[i].peak_mm[0], 0.05);
    EXPECT_EQ(table->item(row, 6)->text().toStdString(),
              expected[i].peak_label ? expected[i].peak_region : "");
  }

  // A double-click on each row puts the cursor on that peak and names its region.
  for (int row = 0; row < table->rowCount(); ++row) {
    SCOPED_TRACE("row " + std::to_string(row));
    const QRect cell = table->visualItemRect(table->item(row, 1));
    double_click_at(table->viewport(), cell.center());
    const auto& peak = expected[static_cast<size_t>(row)];
    const auto readout = window.readout();
    EXPECT_EQ(readout.world, peak.peak_mm);
    ASSERT_NE(peak.peak_label, 0);
    EXPECT_EQ(readout.label_name, peak.peak_region);
    EXPECT_TRUE(window.status_text().endsWith("| " + QString::fromStdString(peak.peak_region)))
        << window.status_text().toStdString();
    ASSERT_TRUE(readout.overlay_value);
    EXPECT_EQ(*readout.overlay_value, peak.peak_value);
  }

  // A higher positive threshold only: fewer positive clusters, the negative ones stay.
  window.overlay_panel()->set_thresholds(largest * 2, options.threshold);
  panel->recompute();
  for (const auto& c : panel->clusters())
    EXPECT_EQ(c.sign, -1);
  const auto negatives = std::count_if(expected.begin(), expected.end(),
                                       [](const neuro::Cluster& c) { return c.sign < 0; });
  EXPECT_EQ(static_cast<long>(panel->clusters().size()), negatives);
  window.clear_overlay();
  EXPECT_TRUE(panel->clusters().empty());
  EXPECT_EQ(table->rowCount(), 0);
}

TEST(BrowsePipeline, CursorOnAGroundTruthRegionReadsItsWeightAndName) {
  const auto& p = browse_pipeline();
  const auto truth = nlohmann::json::parse(read_text(p.simulation.truth_json));
  const neuro::LabelAtlas atlas = sim_atlas();
  const neuro::Volume underlay = neuro::read_volume(p.simulation.underlay);
  gui::MainWindow window;
  window.open_dataset(p.root);
  window.load_underlay(p.simulation.underlay);
  window.data_browser()->activate(window.data_browser()->item_of(p.simulation.atlas_image));
  ASSERT_NE(window.views()->view().atlas(), nullptr);

  int checked = 0;
  for (const auto& state : truth["states"]) {
    const std::string name = state["name"];
    window.data_browser()->activate(window.data_browser()->item_of(p.ground_truth(name)));
    ASSERT_NE(window.views()->view().overlay(), nullptr) << name;
    for (const auto& region : state["regions"]) {
      const int label = region["label"];
      SCOPED_TRACE(name + " " + region["name"].get<std::string>());
      // The region's voxel nearest to its centre: a known point inside it.
      std::array<double, 3> centre{};
      for (const auto& r : truth["regions"])
        if (r["label"] == label) centre = r["centre_mm"].get<std::array<double, 3>>();
      std::array<double, 3> point{};
      double best = INFINITY;
      const auto& dims = atlas.grid().dims;
      for (int64_t k = 0; k < dims[2]; ++k)
        for (int64_t j = 0; j < dims[1]; ++j)
          for (int64_t i = 0; i < dims[0]; ++i) {
            if (atlas.label_at(i, j, k) != label) continue;
            const auto w = atlas.grid().affine.to_world(double(i), double(j), double(k));
            const double d = std::hypot(w[0] - centre[0], w[1] - centre[1], w[2] - centre[2]);
            if (d < best) best = d, point = w;
          }
      ASSERT_TRUE(std::isfinite(best));
      window.set_cursor(point);
      const auto readout = window.readout();
      EXPECT_EQ(readout.label_name, region["name"].get<std::string>());
      ASSERT_TRUE(readout.overlay_value);
      EXPECT_FLOAT_EQ(*readout.overlay_value, region["weight"].get<float>());
      // The underlay's value at the voxel under the cursor, which is the nearest.
      ASSERT_TRUE(readout.value && readout.voxel);
      const auto& voxel = *readout.voxel;
      EXPECT_FLOAT_EQ(*readout.value, underlay.at(voxel[0], voxel[1], voxel[2]));
      const auto v = underlay.affine().to_voxel(point[0], point[1], point[2]);
      for (size_t a = 0; a < 3; ++a)
        EXPECT_LE(std::abs(v[a] - static_cast<double>(voxel[a])), 0.5 + 1e-9);
      EXPECT_TRUE(window.status_text().contains(QString::fromStdString(readout.label_name)));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 8);
}

TEST(BrowsePipeline, ExplanationPanelRanksTheMethodsAndLoadsTheirMaps) {
  const auto& p = browse_pipeline();
  gui::MainWindow window;
  show(window);
  window.load_underlay(p.simulation.underlay);
  window.open_dataset(p.root);
  // explanations.tsv in the browser opens the panel.
  window.data_browser()->activate(
      window.data_browser()->item_of(p.explanations / "explanations.tsv"));
  gui::ExplanationPanel* panel = window.explanation_panel();
  ASSERT_EQ(panel->folder(), p.explanations);
  QTableWidget* table = panel->methods_table();
  ASSERT_EQ(table->rowCount(), static_cast<int>(p.explained.methods.size()));

  // Sorted by the ground-truth AUROC, best first: the job's own ranking.
  int auroc_column = -1;
  for (int c = 0; c < table->columnCount(); ++c)
    if (table->horizontalHeaderItem(c)->data(Qt::UserRole).toString() == "ground_truth_auroc")
      auroc_column = c;
  ASSERT_GE(auroc_column, 0);
  table->sortByColumn(auroc_column, Qt::DescendingOrder);
  auto best = p.explained.methods.front();
  for (const auto& m : p.explained.methods)
    if (m.ground_truth_auroc > best.ground_truth_auroc) best = m;
  EXPECT_EQ(table->item(0, 0)->text().toStdString(), best.method);
  EXPECT_NEAR(table->item(0, auroc_column)->text().toDouble(), best.ground_truth_auroc, 5e-4);

  // Choosing a method and a state loads that method's group map of the state.
  const std::string state = p.explained_state();
  ASSERT_FALSE(state.empty());
  for (const auto& m : p.explained.methods) {
    SCOPED_TRACE(m.method);
    ASSERT_TRUE(panel->select(m.method, state));
    const std::string stat = m.method == "gradient" ? "grad" : "ixg";
    const fs::path expected = p.group_map(p.explanations, stat, state);
    ASSERT_EQ(panel->current_map(), expected);
    ASSERT_NE(window.views()->view().overlay(), nullptr);
    EXPECT_EQ(window.views()->view().overlay()->source(), expected.string());
    const neuro::Volume map = neuro::read_volume(expected);
    const auto shown = window.views()->view().overlay()->data();
    EXPECT_TRUE(std::equal(shown.begin(), shown.end(), map.data().begin()));
  }
  EXPECT_FALSE(panel->select("lrp", state)) << "a method that was not run";
  if (const char* keep = std::getenv("NEUROSEQ_KEEP_SCREENSHOTS"))
    viewers::save_png(window.grab().toImage(), fs::path(keep) / "explanations_window.png");

  // One tab per plot, each with its picture.
  ASSERT_EQ(panel->plots()->count(),
            static_cast<int>(files_ending(p.explanations / "plots", ".png").size()));
  std::set<std::string> tabs;
  for (int i = 0; i < panel->plots()->count(); ++i)
    tabs.insert(panel->plots()->tabText(i).toStdString());
  EXPECT_TRUE(tabs.contains("faithfulness"));
  EXPECT_TRUE(tabs.contains("methods"));
}

TEST(BrowsePipeline, ExportedOverlayAndPictureShowTheMap) {
  const auto& p = browse_pipeline();
  gui::MainWindow window;
  show(window);
  window.load_underlay(p.simulation.underlay);

  // The exported statmap is the file's voxels, grid, codes and intent.
  const fs::path statmap = p.group_map(p.explanations, "ixg", p.explained_state());
  window.load_overlay(statmap);
  const fs::path written = window.export_overlay(p.root / "exported");
  EXPECT_EQ(written, p.root / "exported.nii.gz");
  const neuro::Volume original = neuro::read_volume(statmap);
  const neuro::Volume exported = neuro::read_volume(written);
  ASSERT_EQ(exported.dims(), original.dims());
  EXPECT_LT(exported.affine().max_abs_difference(original.affine()), 1e-6);
  EXPECT_TRUE(std::equal(exported.data().begin(), exported.data().end(), original.data().begin()));
  EXPECT_EQ(exported.meta().intent_code, 1001);  // NIFTI_INTENT_ESTIMATE
  EXPECT_EQ(exported.meta().intent_name, original.meta().intent_name);
  EXPECT_EQ(exported.meta().sform_code, original.meta().sform_code);
  EXPECT_EQ(exported.meta().qform_code, original.meta().qform_code);

  // The picture: language's strong region (weight 1) drawn where its peak
  // projects, its weak one (0.5) hidden by the threshold.
  window.load_overlay(p.ground_truth("language"));
  window.views()->view().set_crosshair_visible(false);
  window.overlay_panel()->findChild<QComboBox*>("colormap")->setCurrentText("red-yellow");
  window.overlay_panel()->findChild<QDoubleSpinBox*>("range_min")->setValue(0);
  window.overlay_panel()->findChild<QDoubleSpinBox*>("range_max")->setValue(2);
  window.overlay_panel()->set_thresholds(0.75, 0);
  window.cluster_panel()->recompute();
  const auto& clusters = window.cluster_panel()->clusters();
  ASSERT_EQ(clusters.size(), 1u) << "only the weight-1 region is above 0.75";
  const viewers::WorldPoint peak = clusters[0].peak_mm;
  window.set_cursor(peak);
  const fs::path picture = window.export_picture(p.root / "views");
  EXPECT_EQ(picture, p.root / "views.png");
  if (const char* keep = std::getenv("NEUROSEQ_KEEP_SCREENSHOTS")) {
    fs::copy_file(picture, fs::path(keep) / "browse_views.png",
                  fs::copy_options::overwrite_existing);
    viewers::save_png(window.grab().toImage(), fs::path(keep) / "browse_window.png");
  }
  QImage image(QString::fromStdString(picture.string()));
  ASSERT_FALSE(image.isNull());
  const auto frames = window.views()->view().frames();
  for (Plane plane : {Plane::kAxial, Plane::kCoronal, Plane::kSagittal}) {
    SCOPED_TRACE(viewers::plane_name(plane));
    const auto& frame = frames[static_cast<size_t>(plane)];
    const QRect area = neuroseq_test::image_rect(frame.rect.x, frame.rect.y, frame.rect.width,
                                                 frame.rect.height, image.height());
    ASSERT_GT(find_pixels(image, area, neuroseq_test::is_overlay_colour).count, 10);
    // The map is drawn interpolated linearly, and its peak (all of the region
    // holds 1; the first voxel in storage order) lies on the region's edge,
    // where the drawn map ends a quarter voxel beyond the peak's centre: the
    // overlay covers the corner of a box of two pixels around it.
    const auto at = window.views()->view().display_of(plane, peak);
    const int x = static_cast<int>(std::floor(at[0]));
    const int y = image.height() - 1 - static_cast<int>(std::floor(at[1]));
    const QRect around(x - 2, y - 2, 5, 5);
    EXPECT_GE(find_pixels(image, around, neuroseq_test::is_overlay_colour).count, 4);
  }
  // The mirror image of the peak (the other hemisphere) is not coloured.
  const auto mirror =
      window.views()->view().display_of(Plane::kAxial, {-peak[0], peak[1], peak[2]});
  const QRect opposite(static_cast<int>(mirror[0]) - 3,
                       image.height() - static_cast<int>(mirror[1]) - 4, 7, 7);
  EXPECT_EQ(find_pixels(image, opposite, neuroseq_test::is_overlay_colour).count, 0);

  EXPECT_THROW(
      {
        window.clear_overlay();
        window.export_overlay(p.root / "none.nii.gz");
      },
      std::runtime_error);
}
