#include "app/gui/decoding_results.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "app/jobs/error_message.h"
#include "core/io/text_fields.h"
#include "core/io/text_file.h"

namespace gui {

namespace fs = std::filesystem;

namespace {

const std::string kScoresSuffix = "_scores.json";
const std::string kModelPrefix = "model-";

template <typename T>
T field(const nlohmann::json& j, const char* name, const fs::path& file) {
  if (!j.contains(name)) {
    throw std::runtime_error(file.string() + ": field \"" + name + "\" is missing");
  }
  try {
    return j.at(name).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(file.string() + ": field \"" + name + "\" has the wrong type");
  }
}

std::vector<double> per_state(const nlohmann::json& j, const char* name, size_t k,
                              const fs::path& file) {
  auto values = field<std::vector<double>>(j, name, file);
  if (values.size() != k) {
    throw std::runtime_error(file.string() + ": field \"" + name + "\" has " +
                             std::to_string(values.size()) + " values for " + std::to_string(k) +
                             " states");
  }
  return values;
}

// model-<name>_confusion.tsv: a header "true\predicted<TAB>state..." and one
// row per true state with its counts.
std::vector<int64_t> read_confusion(const fs::path& file, const std::vector<std::string>& states) {
  std::istringstream in(core::read_text_file(file));
  std::string line;
  const size_t k = states.size();
  if (!std::getline(in, line)) throw std::runtime_error(file.string() + ": empty");
  const auto header = core::split(line, '\t');
  if (header.size() != k + 1 || !std::equal(states.begin(), states.end(), header.begin() + 1)) {
    throw std::runtime_error(file.string() + ": the header's states differ from the scores file's");
  }
  std::vector<int64_t> counts;
  counts.reserve(k * k);
  for (size_t row = 0; row < k; ++row) {
    const std::string where = file.string() + ": line " + std::to_string(row + 2);
    if (!std::getline(in, line)) throw std::runtime_error(where + " is missing");
    const auto cells = core::split(line, '\t');
    if (cells.size() != k + 1 || cells[0] != states[row]) {
      throw std::runtime_error(where + ": expected the row of \"" + states[row] + "\" with " +
                               std::to_string(k) + " counts");
    }
    for (size_t c = 1; c <= k; ++c) {
      int64_t value = 0;
      const auto& text = cells[c];
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || value < 0) {
        throw std::runtime_error(where + ": \"" + std::string(text) + "\" is not a count");
      }
      counts.push_back(value);
    }
  }
  return counts;
}

}  // namespace

std::vector<fs::path> find_scores_files(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw std::runtime_error(folder.string() + ": not a folder");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.starts_with(kModelPrefix) &&
        name.ends_with(kScoresSuffix)) {
      files.push_back(entry.path());
    }
  }
  if (files.empty()) {
    throw std::runtime_error(folder.string() +
                             ": no model-*_scores.json here; is this a decoding results folder?");
  }
  std::sort(files.begin(), files.end());
  return files;
}

DecodingResults read_decoding_results(const fs::path& scores_file) {
  const std::string name = scores_file.filename().string();
  if (!name.ends_with(kScoresSuffix)) {
    throw std::runtime_error(scores_file.string() + ": not a scores file (*" + kScoresSuffix + ")");
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(core::read_text_file(scores_file));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(scores_file.string() + ": not valid JSON (" +
                             jobs::one_line_message(e.what()) + ")");
  }
  if (!j.is_object()) throw std::runtime_error(scores_file.string() + ": not a JSON object");
  DecodingResults r;
  r.scores_file = scores_file;
  r.model = field<std::string>(j, "model", scores_file);
  r.states = field<std::vector<std::string>>(j, "states", scores_file);
  if (r.states.empty()) throw std::runtime_error(scores_file.string() + ": no states");
  if (j.contains("subjects"))
    r.subjects = field<std::vector<std::string>>(j, "subjects", scores_file);
  if (j.contains("folds")) r.folds = field<int>(j, "folds", scores_file);
  r.windows = field<long>(j, "windows", scores_file);
  r.accuracy = field<double>(j, "accuracy", scores_file);
  r.balanced_accuracy = field<double>(j, "balanced_accuracy", scores_file);
  r.macro_f1 = field<double>(j, "macro_f1", scores_file);
  r.chance = field<double>(j, "chance", scores_file);
  r.binomial_p = field<double>(j, "binomial_p", scores_file);
  if (j.contains("permutation_p")) {
    r.permutation_p = field<double>(j, "permutation_p", scores_file);
    r.permutations = field<int>(j, "permutations", scores_file);
  }
  const size_t k = r.states.size();
  r.precision = per_state(j, "precision", k, scores_file);
  r.recall = per_state(j, "recall", k, scores_file);
  r.f1 = per_state(j, "f1", k, scores_file);

  r.confusion_file = scores_file.parent_path() /
                     (name.substr(0, name.size() - kScoresSuffix.size()) + "_confusion.tsv");
  r.confusion = read_confusion(r.confusion_file, r.states);
  r.support.assign(k, 0);
  for (size_t a = 0; a < k; ++a) {
    for (size_t b = 0; b < k; ++b)
      r.support[a] += r.confusion[a * k + b];
  }
  return r;
}

}  // namespace gui
