#include "neuro/bids/dataset_index.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <stdexcept>
#include <system_error>
#include <tuple>

#include "core/io/text_fields.h"
#include "neuro/bids/derivatives.h"
#include "neuro/bids/sidecar.h"
#include "neuro/image/nifti_header.h"

namespace neuro {

namespace fs = std::filesystem;

namespace {

// Entities that only derivatives carry: dropping them from a preprocessed
// image's name gives the name of the raw acquisition it came from.
constexpr std::string_view kDerivativeKeys[] = {"space",  "res",   "den", "desc",  "tpl",
                                                "cohort", "atlas", "seg", "scale", "label"};

// Folders of a BIDS tree that never hold the BOLD images of the dataset itself.
constexpr std::string_view kSkippedFolders[] = {"derivatives", "sourcedata", "code", "logs",
                                                "figures",     "log",        "work"};

struct NamedFile {
  fs::path path;
  BidsName name;
};

std::string lower(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string without_prefix(const std::string& label, std::string_view prefix) {
  return label.starts_with(prefix) ? label.substr(prefix.size()) : label;
}

// Labels compare as numbers when both are ("1" is sub-01), as people type them.
bool passes(const std::vector<std::string>& wanted, std::string_view prefix,
            const std::string& value) {
  if (wanted.empty()) return true;
  if (value.empty()) return false;
  return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
    const auto label = without_prefix(w, prefix);
    return same_bids_label(label, value);
  });
}

std::vector<BidsEntity> acquisition_entities(const BidsName& name) {
  std::vector<BidsEntity> kept;
  for (const auto& entity : name.entities) {
    const bool derivative = std::find(std::begin(kDerivativeKeys), std::end(kDerivativeKeys),
                                      entity.key) != std::end(kDerivativeKeys);
    if (!derivative) kept.push_back(entity);
  }
  return kept;
}

std::vector<BidsEntity> without_key(std::vector<BidsEntity> entities, std::string_view key) {
  std::erase_if(entities, [&](const BidsEntity& e) { return e.key == key; });
  return entities;
}

bool same_entities(std::vector<BidsEntity> a, std::vector<BidsEntity> b) {
  const auto by_key = [](const BidsEntity& x, const BidsEntity& y) {
    return std::tie(x.key, x.value) < std::tie(y.key, y.value);
  };
  std::sort(a.begin(), a.end(), by_key);
  std::sort(b.begin(), b.end(), by_key);
  return a == b;
}

bool is_nifti(const std::string& extension) {
  return extension == ".nii" || extension == ".nii.gz";
}

// BOLD images in "func" folders of the tree, skipping folders that belong to
// other datasets or to no dataset.
std::vector<NamedFile> find_bold_images(const fs::path& root, bool preprocessed) {
  std::vector<NamedFile> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw std::runtime_error(root.string() + ": cannot list the folder: " + ec.message());
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) throw std::runtime_error(root.string() + ": cannot list the folder: " + ec.message());
    const auto filename = it->path().filename().string();
    if (it->is_directory(ec)) {
      const bool skipped = filename.starts_with(".") ||
                           std::find(std::begin(kSkippedFolders), std::end(kSkippedFolders),
                                     filename) != std::end(kSkippedFolders);
      if (skipped) it.disable_recursion_pending();
      continue;
    }
    if (it->path().parent_path().filename() != "func") continue;
    auto name = try_parse_bids_name(filename);
    if (!name || name->suffix != "bold" || !is_nifti(name->extension) || !name->has("sub")) {
      continue;
    }
    const auto desc = name->get("desc");
    if (preprocessed ? desc != "preproc" : desc.has_value()) continue;
    found.push_back({it->path(), std::move(*name)});
  }
  return found;
}

// Parsed listings of folders, each read once however many runs share it.
class FolderListings {
 public:
  const std::vector<NamedFile>& of(const fs::path& folder) {
    auto [it, inserted] = listings_.try_emplace(folder);
    if (!inserted) return it->second;
    std::error_code ec;
    for (fs::directory_iterator entry(folder, ec), end; !ec && entry != end; entry.increment(ec)) {
      if (!entry->is_regular_file(ec)) continue;
      if (auto name = try_parse_bids_name(entry->path().filename().string())) {
        it->second.push_back({entry->path(), std::move(*name)});
      }
    }
    std::sort(it->second.begin(), it->second.end(),
              [](const NamedFile& a, const NamedFile& b) { return a.path < b.path; });
    return it->second;
  }

 private:
  std::map<fs::path, std::vector<NamedFile>> listings_;
};

// fMRIPrep's confounds table: "_desc-confounds_timeseries.tsv" since 20.2,
// "_desc-confounds_regressors.tsv" before.
fs::path find_confounds(const std::vector<NamedFile>& folder, const BidsName& bold) {
  const auto acquisition = acquisition_entities(bold);
  for (const std::string_view suffix : {"timeseries", "regressors"}) {
    for (const auto& file : folder) {
      const auto& name = file.name;
      if (name.suffix != suffix || name.extension != ".tsv" || name.get("desc") != "confounds") {
        continue;
      }
      if (same_entities(without_key(name.entities, "desc"), acquisition)) return file.path;
    }
  }
  return {};
}

fs::path find_brain_mask(const std::vector<NamedFile>& folder, const BidsName& bold) {
  const auto entities = without_key(bold.entities, "desc");
  for (const auto& file : folder) {
    const auto& name = file.name;
    if (name.suffix != "mask" || !is_nifti(name.extension) || name.get("desc") != "brain") {
      continue;
    }
    if (same_entities(without_key(name.entities, "desc"), entities)) return file.path;
  }
  return {};
}

fs::path raw_func_folder(const fs::path& raw_root, const BidsName& name) {
  auto folder = raw_root / ("sub-" + name.value_or("sub"));
  if (const auto session = name.get("ses")) folder /= "ses-" + *session;
  return folder / "func";
}

void set_repetition_time(BoldRun& run, const SidecarMetadata& metadata) {
  const auto it = metadata.values.find("RepetitionTime");
  if (it == metadata.values.end()) return;
  const auto& source = metadata.source_of.at("RepetitionTime");
  if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() <= 0) {
    throw std::runtime_error(source.string() +
                             ": RepetitionTime must be a positive number of seconds, found " +
                             it->dump());
  }
  run.repetition_time = it->get<double>();
  run.repetition_time_source = source;
}

// The header stores the TR as float32, so two TRs are compared at microsecond
// resolution: 2.001 s reads back as 2.00099993 s and must still count as 1 ms.
bool differs_by_a_millisecond(double a, double b) {
  return std::round(std::abs(a - b) * 1e6) >= 1000;
}

void check_against_header(BoldRun& run, std::vector<std::string>& warnings) {
  double header_tr = 0;
  try {
    header_tr = read_header(run.bold).tr_seconds();
  } catch (const std::exception& e) {
    warnings.push_back(run.bold.string() + ": cannot read the header to check the TR: " + e.what());
    return;
  }
  if (run.repetition_time <= 0) {
    if (header_tr > 0) {
      warnings.push_back(run.bold.string() +
                         ": no sidecar gives RepetitionTime; using the header's TR of " +
                         core::format_double(header_tr) + " s");
      run.repetition_time = header_tr;
      run.repetition_time_source = run.bold;
    } else {
      warnings.push_back(run.bold.string() +
                         ": neither a sidecar nor the header gives the repetition time");
    }
    return;
  }
  if (header_tr > 0 && differs_by_a_millisecond(run.repetition_time, header_tr)) {
    warnings.push_back(run.bold.string() + ": RepetitionTime " +
                       core::format_double(run.repetition_time) + " s in " +
                       run.repetition_time_source.string() + " differs from the header's TR of " +
                       core::format_double(header_tr) + " s (the sidecar's value is used)");
  }
}

// `tree` is the dataset holding the image; `raw_root` the raw dataset, which
// holds the events and the acquisition's sidecars (it is `tree` for raw runs,
// empty when unknown).
BoldRun describe_run(const NamedFile& image, bool preprocessed, const fs::path& tree,
                     const fs::path& raw_root, FolderListings& listings) {
  BoldRun run;
  run.bold = image.path;
  run.name = image.name;
  run.preprocessed = preprocessed;
  run.subject = image.name.value_or("sub");
  run.session = image.name.value_or("ses");
  run.task = image.name.value_or("task");
  run.run = image.name.value_or("run");
  run.space = image.name.value_or("space");

  const auto acquisition = acquisition_entities(image.name);
  const auto folder = image.path.parent_path();
  const bool in_raw = !raw_root.empty() && tree == raw_root;
  const auto raw_folder = in_raw ? folder : raw_func_folder(raw_root, image.name);
  SidecarMetadata metadata;
  // The raw sidecars hold the acquisition's metadata; a derivative's own
  // sidecar describes the image it wrote and so takes precedence.
  if (!raw_root.empty() && !in_raw) {
    metadata = read_inherited_metadata(raw_root, raw_folder, acquisition, "bold");
  }
  metadata.overlay(read_sidecar_metadata(image.path, tree));
  run.sidecars = metadata.files;
  set_repetition_time(run, metadata);

  if (!raw_root.empty()) {
    run.events = nearest_inherited_file(raw_root, raw_folder, acquisition, "events", ".tsv");
  }
  if (run.events.empty() && !in_raw) {
    run.events = nearest_inherited_file(tree, folder, acquisition, "events", ".tsv");
  }
  if (preprocessed) {
    const auto& listing = listings.of(folder);
    run.confounds = find_confounds(listing, image.name);
    run.brain_mask = find_brain_mask(listing, image.name);
  }
  return run;
}

bool is_fmriprep(const DatasetDescription& description, const fs::path& folder) {
  if (description.dataset_type != "derivative") return false;
  if (lower(folder.filename().string()) == "fmriprep") return true;
  return std::any_of(description.generated_by.begin(), description.generated_by.end(),
                     [](const std::string& name) { return lower(name) == "fmriprep"; });
}

void require_folder(const fs::path& root) {
  std::error_code ec;
  if (!fs::exists(root, ec)) throw std::runtime_error(root.string() + ": no such folder");
  if (!fs::is_directory(root, ec)) throw std::runtime_error(root.string() + ": not a folder");
}

}  // namespace

bool IndexFilters::empty() const {
  return subjects.empty() && sessions.empty() && tasks.empty() && runs.empty() && space.empty();
}

std::string IndexFilters::describe() const {
  std::string text;
  const auto add = [&](std::string_view field, const std::vector<std::string>& values) {
    if (values.empty()) return;
    if (!text.empty()) text += ' ';
    text += std::string(field) + '=';
    for (size_t i = 0; i < values.size(); ++i)
      text += (i ? "," : "") + values[i];
  };
  add("subject", subjects);
  add("session", sessions);
  add("task", tasks);
  add("run", runs);
  if (!space.empty()) add("space", {space});
  return text;
}

fs::path find_fmriprep_derivatives(const fs::path& raw_root) {
  const auto derivatives = raw_root / "derivatives";
  std::error_code ec;
  if (!fs::is_directory(derivatives, ec)) return {};
  if (is_fmriprep(read_dataset_description(derivatives), derivatives)) return derivatives;
  std::vector<fs::path> folders;
  for (fs::directory_iterator it(derivatives, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) folders.push_back(it->path());
  }
  std::sort(folders.begin(), folders.end());
  // A folder named "fmriprep" is taken even without a description: older
  // fMRIPrep releases did not write one.
  for (const auto& folder : folders) {
    if (lower(folder.filename().string()) == "fmriprep") return folder;
  }
  for (const auto& folder : folders) {
    if (is_fmriprep(read_dataset_description(folder), folder)) return folder;
  }
  return {};
}

DatasetIndex index_dataset(const fs::path& root, const IndexOptions& options) {
  require_folder(root);
  const auto description = read_dataset_description(root);
  if (description.dataset_type != "derivative") {
    return index_dataset(root, find_fmriprep_derivatives(root), options);
  }
  // <raw>/derivatives/<name>: the raw dataset holds the events.
  fs::path raw_root;
  auto folder = fs::absolute(root).lexically_normal();
  if (!folder.has_filename()) folder = folder.parent_path();  // "fmriprep/" names "fmriprep"
  const auto parent = folder.parent_path();
  if (parent.filename() == "derivatives") {
    const auto candidate = parent.parent_path();
    const auto raw = read_dataset_description(candidate);
    if (raw.exists && raw.dataset_type != "derivative") raw_root = candidate;
  }
  return index_dataset(raw_root, root, options);
}

DatasetIndex index_dataset(const fs::path& raw_root, const fs::path& derivatives_root,
                           const IndexOptions& options) {
  if (raw_root.empty() && derivatives_root.empty()) {
    throw std::invalid_argument("dataset index: neither a raw nor a derivatives root was given");
  }
  if (!raw_root.empty()) require_folder(raw_root);
  if (!derivatives_root.empty()) require_folder(derivatives_root);

  bool preprocessed = false;
  switch (options.source) {
    case BoldSource::kAuto:
      preprocessed = !derivatives_root.empty();
      break;
    case BoldSource::kPreprocessed:
      if (derivatives_root.empty()) {
        throw std::runtime_error(raw_root.string() + ": no fMRIPrep derivatives found (looked in " +
                                 (raw_root / "derivatives").string() + ")");
      }
      preprocessed = true;
      break;
    case BoldSource::kRaw:
      if (raw_root.empty()) {
        throw std::runtime_error(derivatives_root.string() +
                                 ": raw images were asked for, but no raw dataset was found");
      }
      break;
  }

  DatasetIndex index;
  index.raw_root = raw_root;
  index.derivatives_root = derivatives_root;
  fs::path tree = preprocessed ? derivatives_root : raw_root;
  auto images = find_bold_images(tree, preprocessed);
  // Left to choose, a derivative dataset without preprocessed images (only
  // anatomical outputs, or simulated images named like raw ones) gives way to
  // the raw-style images of the raw dataset, or of the derivative itself.
  if (images.empty() && preprocessed && options.source == BoldSource::kAuto) {
    preprocessed = false;
    tree = raw_root.empty() ? derivatives_root : raw_root;
    images = find_bold_images(tree, false);
  }
  const auto& filters = options.filters;

  FolderListings listings;
  for (const auto& image : images) {
    const auto& name = image.name;
    if (!passes(filters.subjects, "sub-", name.value_or("sub")) ||
        !passes(filters.sessions, "ses-", name.value_or("ses")) ||
        !passes(filters.tasks, "task-", name.value_or("task")) ||
        !passes(filters.runs, "run-", name.value_or("run")) ||
        (!filters.space.empty() &&
         without_prefix(filters.space, "space-") != name.value_or("space"))) {
      continue;
    }
    index.runs.push_back(describe_run(image, preprocessed, tree, raw_root, listings));
  }

  if (index.runs.empty()) {
    const std::string pattern = preprocessed ? "*_desc-preproc_bold.nii[.gz]" : "*_bold.nii[.gz]";
    std::string problem = "no BOLD images (" + pattern + ") in sub-*/[ses-*/]func folders";
    if (!images.empty()) {
      problem = std::to_string(images.size()) + " BOLD image(s) (" + pattern +
                "), none matching the filters " + filters.describe();
      if (!preprocessed && !filters.space.empty()) {
        problem += " (raw images have no space; the space filter is for fMRIPrep outputs)";
      }
    } else if (!filters.empty()) {
      problem += " (filters: " + filters.describe() + ")";
    }
    throw std::runtime_error(tree.string() + ": " + problem);
  }

  std::sort(index.runs.begin(), index.runs.end(), [](const BoldRun& a, const BoldRun& b) {
    const auto ra = core::parse_integer(a.run).value_or(-1);
    const auto rb = core::parse_integer(b.run).value_or(-1);
    return std::tie(a.subject, a.session, a.task, ra, a.run, a.bold) <
           std::tie(b.subject, b.session, b.task, rb, b.run, b.bold);
  });
  for (auto& run : index.runs) {
    if (options.check_header_tr) {
      check_against_header(run, index.warnings);
    } else if (run.repetition_time <= 0) {
      index.warnings.push_back(run.bold.string() + ": no sidecar gives RepetitionTime");
    }
  }
  return index;
}

}  // namespace neuro
