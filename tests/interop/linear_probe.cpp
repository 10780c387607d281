// Fits NeuroSeq's linear baseline and scores it, for a peer tool to compare:
// reads a TSV whose last column is the class, writes JSON with the weights,
// intercepts, predictions and scores.
//   linear_probe TRAIN.tsv L2 OUT.json

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/linear/softmax_regression.h"
#include "core/metrics/classification.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: linear_probe TRAIN.tsv L2 OUT.json\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  std::vector<float> x;
  std::vector<int> y;
  int64_t n = 0, f = -1;
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::vector<double> row;
    double v;
    while (fields >> v)
      row.push_back(v);
    if (row.empty()) continue;
    if (f < 0) f = static_cast<int64_t>(row.size()) - 1;
    for (int64_t j = 0; j < f; ++j)
      x.push_back(static_cast<float>(row[static_cast<size_t>(j)]));
    y.push_back(static_cast<int>(row.back()));
    ++n;
  }
  int k = 0;
  for (int label : y)
    k = std::max(k, label + 1);
  core::SoftmaxRegressionOptions options;
  options.l2 = std::stod(argv[2]);
  options.solver = {20, 10000, 1e-9, 0.0};
  core::SoftmaxRegression model;
  model.fit(x, n, f, y, k, options);
  const auto predicted = model.predict(x, n);
  const auto scores = core::score_classification(y, predicted, k);
  long correct = 0;
  for (size_t i = 0; i < y.size(); ++i)
    correct += y[i] == predicted[i];
  nlohmann::json j;
  j["weights"] = model.weights();
  j["intercepts"] = model.intercepts();
  j["predicted"] = predicted;
  j["accuracy"] = scores.accuracy;
  j["balanced_accuracy"] = scores.balanced_accuracy;
  j["macro_f1"] = scores.macro_f1;
  j["confusion"] = scores.confusion;
  j["binomial_p"] = core::binomial_p_value(correct, n, 1.0 / k);
  j["correct"] = correct;
  std::ofstream(argv[3]) << j.dump();
  return 0;
}
