#include "app/jobs/explanation_report.h"

#include <cmath>
#include <cstdio>

#include "app/jobs/explanation_maps.h"
#include "app/jobs/plot_png.h"
#include "app/jobs/provenance.h"
#include "core/io/atomic_file.h"

namespace jobs {

namespace {

std::string number(double v, const char* format = "%.3f") {
  if (!std::isfinite(v)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof(text), format, v);
  return text;
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::filesystem::path write_explanation_report(const std::filesystem::path& folder,
                                               const ExplainResult& result,
                                               const std::vector<MethodCurves>& curves,
                                               const nlohmann::json& provenance) {
  const char* header =
      "method\tfaithfulness_fraction\tdeletion_auc\trandom_deletion_auc\tground_truth_auroc\t"
      "glm_r\tglm_dice_top10\trandomised_weights_r\tmean_error\tseconds\n";
  std::string tsv = header;
  for (const auto& m : result.methods) {
    tsv += m.method + "\t" + faithfulness_text(m) + "\t" + number(m.deletion_auc) + "\t" +
           number(m.random_deletion_auc) + "\t" + number(m.ground_truth_auroc) + "\t" +
           number(m.glm_r) + "\t" + number(m.glm_dice) + "\t" + number(m.randomised_r) + "\t" +
           number(m.mean_error, "%.2e") + "\t" + number(m.seconds, "%.1f") + "\n";
  }
  core::write_text_atomically(folder / "explanations.tsv", tsv);

  std::filesystem::create_directories(folder / "plots");
  LinePlot occlusion;
  occlusion.title = "Accuracy as the most relevant parcels are occluded";
  occlusion.x_label = "fraction of parcels occluded";
  occlusion.y_label = "accuracy";
  for (const auto& c : curves) {
    occlusion.series.push_back({c.method, c.fractions, c.accuracy, std::nullopt});
    occlusion.guides = {c.chance};
  }
  if (!curves.empty()) {
    occlusion.series.push_back({"random order (" + curves.front().method + ")",
                                curves.front().fractions, curves.front().random_accuracy,
                                Rgb{150, 150, 150}});
  }
  write_line_plot(folder / "plots" / "faithfulness.png", occlusion);
  BarPlot comparison;
  comparison.title = "Methods compared";
  comparison.y_label = "score";
  BarSeries deletion{"1 - deletion AUC", {}, {}, std::nullopt};
  BarSeries auroc{"ground-truth AUROC", {}, {}, std::nullopt};
  BarSeries glm{"r with GLM", {}, {}, std::nullopt};
  for (const auto& m : result.methods) {
    comparison.groups.push_back(method_stat_label(m.method));
    deletion.values.push_back(1.0 - m.deletion_auc);
    auroc.values.push_back(m.ground_truth_auroc);
    glm.values.push_back(m.glm_r);
  }
  comparison.series = {deletion, auroc, glm};
  comparison.y_range = std::make_pair(-0.5, 1.0);
  write_bar_plot(folder / "plots" / "methods.png", comparison);

  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>NeuroSeq explanations"
      "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em}"
      "</style></head><body>\n<h1>NeuroSeq explanations</h1>\n";
  html += "<p>" + std::to_string(result.windows) + " windows, " + std::to_string(result.correct) +
          " decoded correctly; states: ";
  for (size_t i = 0; i < result.states.size(); ++i)
    html += (i ? ", " : "") + html_escape(result.states[i]);
  html +=
      ".</p>\n<h2>Which map to believe</h2>\n<p>Faithfulness: the fraction of parcels "
      "whose occlusion (most relevant first) brings accuracy to chance, smaller is more "
      "faithful; deletion AUC of the explained logit, smaller is more faithful (random "
      "order for comparison). Plausibility: AUROC of the group map against the "
      "simulator's regions, Pearson r and top-10 % Dice with the GLM's group z-maps. "
      "Sanity: r with the maps of a model with random weights should be far from 1."
      "</p>\n<table><tr>";
  for (const char* h : {"method", "faithfulness", "deletion AUC", "random AUC", "AUROC", "r GLM",
                        "Dice GLM", "r random weights", "error"})
    html += std::string("<th>") + h + "</th>";
  html += "</tr>\n";
  for (const auto& m : result.methods) {
    html += "<tr><td>" + m.method + "</td><td>" + faithfulness_text(m) + "</td><td>" +
            number(m.deletion_auc) + "</td><td>" + number(m.random_deletion_auc) + "</td><td>" +
            number(m.ground_truth_auroc) + "</td><td>" + number(m.glm_r) + "</td><td>" +
            number(m.glm_dice) + "</td><td>" + number(m.randomised_r) + "</td><td>" +
            number(m.mean_error, "%.2e") + "</td></tr>\n";
  }
  html +=
      "</table>\n<p><img src=\"plots/faithfulness.png\" alt=\"accuracy curves\"> "
      "<img src=\"plots/methods.png\" alt=\"method comparison\"></p>\n"
      "<h2>Files</h2>\n<ul><li><a href=\"explanations.tsv\">explanations.tsv</a></li>\n";
  for (const auto& m : result.methods)
    html += "<li><a href=\"method-" + m.method + "_faithfulness.tsv\">method-" + m.method +
            "_faithfulness.tsv</a></li>\n";
  html +=
      "<li>*_statmap.nii.gz: group and per-subject maps per method and state, with "
      "*_clusters.tsv for each; open them in FSLeyes, nilearn or MRIcroGL</li></ul>\n";
  html += "<h2>Provenance</h2>\n<pre>" + html_escape(provenance.dump(2)) + "</pre>\n";
  html += "<p>NeuroSeq " + neuroseq_version() + "</p></body></html>\n";
  const auto report = folder / "report.html";
  core::write_text_atomically(report, html);
  return report;
}

std::string score_text(double v) {
  return number(v);
}

std::string faithfulness_text(const MethodScores& m) {
  return m.faithfulness ? number(*m.faithfulness, "%.2f") : "not reached";
}

}  // namespace jobs
