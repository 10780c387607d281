#include "neuro/signal/confound_strategy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/io/text_fields.h"
#include "neuro/bids/sidecar.h"

namespace neuro {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kMotionColumns = {"trans_x", "trans_y", "trans_z",
                                                 "rot_x",   "rot_y",   "rot_z"};
const std::vector<std::string> kWmCsfColumns = {"csf", "white_matter"};
const std::vector<std::string> kGlobalColumns = {"global_signal"};

// Splits "<stem><digits>" into the stem and the number; nullopt without digits
// or for fMRIPrep's expansions, whose digits are part of the suffix.
std::optional<std::pair<std::string, int64_t>> numbered(const std::string& name) {
  if (name.ends_with("_derivative1") || name.ends_with("_power2")) return std::nullopt;
  size_t digits = name.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1])))
    --digits;
  if (digits == 0 || digits == name.size() || name.size() - digits > 9) return std::nullopt;
  return std::make_pair(name.substr(0, digits), std::stoll(name.substr(digits)));
}

// Names "<prefix>_comp_cor_<digits>" among `names`, in the order of the number.
std::vector<std::string> compcor_names(const std::vector<std::string>& names, char prefix) {
  const std::string stem = std::string(1, prefix) + "_comp_cor_";
  std::vector<std::pair<int64_t, std::string>> found;
  for (const std::string& name : names) {
    const auto n = numbered(name);
    if (n && n->first == stem) found.emplace_back(n->second, name);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [number, name] : found)
    out.push_back(std::move(name));
  return out;
}

std::string format_count(int64_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// The columns picked so far and what the picking found out.
class Picker {
 public:
  explicit Picker(const ConfoundTable& table) : table_(table) {
    for (int64_t c = 0; c < table.columns(); ++c)
      index_.emplace(table.names[static_cast<size_t>(c)], c);
  }

  const ConfoundTable& table() const { return table_; }
  std::vector<std::string>& notes() { return notes_; }
  bool has(const std::string& name) const { return index_.count(name) != 0; }

  std::vector<double> column(const std::string& name) const {
    const int64_t c = index_.at(name);
    std::vector<double> out(static_cast<size_t>(table_.frames));
    for (int64_t t = 0; t < table_.frames; ++t)
      out[static_cast<size_t>(t)] = table_.at(t, c);
    return out;
  }

  void add(const std::string& name, std::vector<double> values) {
    if (!taken_.insert(name).second) return;
    names_.push_back(name);
    columns_.push_back(std::move(values));
  }
  void add(const std::string& name) { add(name, column(name)); }

  [[noreturn]] void missing(std::string_view word, const std::string& what, bool plural) const {
    const std::string file = table_.source.empty() ? std::string("confounds") : table_.source;
    const std::string present =
        table_.names.empty() ? std::string("none") : summarize_confound_columns(table_.names);
    throw std::runtime_error(file + ": strategy '" + std::string(word) + "' needs " + what +
                             (plural ? ", which are absent" : ", which is absent") +
                             "; columns present: " + present +
                             "; choose another --confound-strategy or --no-confounds");
  }

  // Base columns and their fMRIPrep expansions for `level`; expansions that
  // the file lacks are computed from the base column.
  void expanded(std::string_view word, const std::vector<std::string>& bases,
                const std::string& level) {
    std::vector<std::string> absent;
    for (const std::string& base : bases)
      if (!has(base)) absent.push_back("'" + base + "'");
    if (absent.size() == 1) missing(word, "column " + absent[0], false);
    if (!absent.empty()) {
      std::string list;
      for (size_t i = 0; i < absent.size(); ++i)
        list += (i == 0 ? "" : i + 1 == absent.size() ? " and " : ", ") + absent[i];
      missing(word, "columns " + list, true);
    }
    for (const std::string& base : bases)
      add(base);
    std::vector<std::string> suffixes;
    if (level == "derivatives" || level == "full") suffixes.push_back("_derivative1");
    if (level == "power2" || level == "full") suffixes.push_back("_power2");
    if (level == "full") suffixes.push_back("_derivative1_power2");
    std::vector<std::string> computed;
    for (const std::string& base : bases) {
      for (const std::string& suffix : suffixes) {
        const std::string name = base + suffix;
        if (has(name)) {
          add(name);
          continue;
        }
        add(name, expansion(column(base), suffix));
        computed.push_back(name);
      }
    }
    if (!computed.empty()) {
      notes_.push_back(std::string(word) + ": computed " + summarize_confound_columns(computed) +
                       " from the base columns (absent from the file, as before fMRIPrep 1.4)");
    }
  }

  ConfoundTable result() const {
    ConfoundTable out;
    out.source = table_.source;
    out.frames = table_.frames;
    out.names = names_;
    const size_t columns = names_.size();
    out.values.resize(static_cast<size_t>(out.frames) * columns);
    for (size_t c = 0; c < columns; ++c) {
      std::vector<double> values = columns_[c];
      // nilearn's prepare_output: derivatives start with n/a, and a regressor
      // must not; the second frame's value is the nearest estimate.
      if (values.size() >= 2 && std::isnan(values[0])) values[0] = values[1];
      for (int64_t t = 0; t < out.frames; ++t)
        out.values[static_cast<size_t>(t) * columns + c] = values[static_cast<size_t>(t)];
    }
    return out;
  }

 private:
  static std::vector<double> expansion(const std::vector<double>& x, const std::string& suffix) {
    std::vector<double> y(x.size());
    const bool difference = suffix.starts_with("_derivative1");
    const bool square = suffix.ends_with("_power2");
    for (size_t t = 0; t < x.size(); ++t) {
      double v = x[t];
      if (difference) v = t == 0 ? std::nan("") : x[t] - x[t - 1];
      y[t] = square ? v * v : v;
    }
    return y;
  }

  const ConfoundTable& table_;
  std::unordered_map<std::string, int64_t> index_;
  std::set<std::string> taken_;
  std::vector<std::string> names_;
  std::vector<std::vector<double>> columns_;
  std::vector<std::string> notes_;
};

// The first n of `names` (all when n < 0), with a note when fewer exist.
std::vector<std::string> first_components(const std::vector<std::string>& names, int n,
                                          const std::string& what,
                                          std::vector<std::string>& notes) {
  if (n < 0 || static_cast<size_t>(n) >= names.size()) {
    if (n > 0 && static_cast<size_t>(n) > names.size() && !names.empty()) {
      notes.push_back("compcor: asked for " + std::to_string(n) + " " + what + " components, " +
                      "the file has " + std::to_string(names.size()));
    }
    return names;
  }
  return {names.begin(), names.begin() + n};
}

void pick_compcor(Picker& picker, const ConfoundStrategy& s, const fs::path& sidecar_path) {
  const std::string& type = s.compcor;
  const bool temporal = type.starts_with("temporal");
  const bool anat = type.find("anat") != std::string::npos;
  const bool separated = type.ends_with("separated");
  const std::string word = "compcor";
  const std::string level = " (compcor=" + type + ")";

  nlohmann::json sidecar;
  bool use_sidecar = false;
  if (!sidecar_path.empty() && fs::exists(sidecar_path)) {
    sidecar = read_json_file(sidecar_path);
    if (!sidecar.is_object()) {
      throw std::runtime_error(sidecar_path.string() +
                               ": the confounds sidecar is not a JSON object");
    }
    for (const auto& [key, value] : sidecar.items()) {
      const auto n = numbered(key);
      if (n && n->first.size() == 11 && n->first.ends_with("_comp_cor_")) use_sidecar = true;
    }
  }
  std::vector<std::string> listed;  // component names, from the sidecar or the file
  if (use_sidecar) {
    for (const auto& [key, value] : sidecar.items())
      listed.push_back(key);
  } else {
    listed = picker.table().names;
  }
  const std::vector<std::string> t_names = compcor_names(listed, 't');
  const std::vector<std::string> a_names = compcor_names(listed, 'a');
  const std::vector<std::string> w_names = compcor_names(listed, 'w');
  const std::vector<std::string> c_names = compcor_names(listed, 'c');

  // a_comp_cor_* of one mask: by the sidecar's "Mask", or by name without it.
  auto anat_mask = [&](const std::string& mask) {
    std::vector<std::string> out;
    if (use_sidecar) {
      for (const std::string& name : a_names) {
        const auto& entry = sidecar.at(name);
        if (!entry.is_object() || !entry.contains("Mask") || !entry.at("Mask").is_string()) {
          throw std::runtime_error(sidecar_path.string() + ": '" + name +
                                   "' has no \"Mask\" string, needed to tell CompCor masks apart");
        }
        if (entry.at("Mask").get<std::string>() == mask) out.push_back(name);
      }
      return out;
    }
    // fMRIPrep 1.4 to 20.2: every mask numbered as a_comp_cor_*; only the
    // sidecar says which is which. fMRIPrep < 1.4 wrote six, all combined.
    if (w_names.empty() && c_names.empty() && a_names.size() > 6) {
      picker.missing(word,
                     "the JSON sidecar " +
                         (sidecar_path.empty() ? std::string("(none given)")
                                               : "'" + sidecar_path.string() + "'") +
                         " to tell the masks of " +
                         format_count(a_names.size(), "a_comp_cor column") +
                         " apart (fMRIPrep 1.4 to 20.2 numbers every mask alike)",
                     false);
    }
    if (mask == "combined") out = a_names;
    return out;
  };

  std::vector<std::string>& notes = picker.notes();
  std::vector<std::string> picked;
  auto append = [&](const std::vector<std::string>& names, const std::string& what) {
    const auto first = first_components(names, s.n_compcor, what, notes);
    picked.insert(picked.end(), first.begin(), first.end());
  };
  const std::string by_mask = use_sidecar ? " with sidecar Mask '" : " of mask '";
  if (temporal) {
    if (t_names.empty()) picker.missing(word, "t_comp_cor_* columns" + level, true);
    append(t_names, "tCompCor");
  }
  if (anat && !separated) {
    const auto combined = anat_mask("combined");
    if (combined.empty()) {
      picker.missing(word, "a_comp_cor_* columns" + by_mask + "combined'" + level, true);
    }
    append(combined, "combined-mask");
  }
  if (anat && separated) {
    const auto a_wm = anat_mask("WM"), a_csf = anat_mask("CSF");
    if (a_wm.empty() && w_names.empty()) {
      picker.missing(word, "WM components (a_comp_cor_*" + by_mask + "WM' or w_comp_cor_*)" + level,
                     true);
    }
    if (a_csf.empty() && c_names.empty()) {
      picker.missing(
          word, "CSF components (a_comp_cor_*" + by_mask + "CSF' or c_comp_cor_*)" + level, true);
    }
    // nilearn's order: a_comp_cor_* of WM, of CSF, then w_ and c_ (fMRIPrep
    // writes one naming or the other, so n_compcor applies to each).
    append(a_wm, "WM");
    append(a_csf, "CSF");
    append(w_names, "WM");
    append(c_names, "CSF");
  }
  for (const std::string& name : picked) {
    if (!picker.has(name)) {
      picker.missing(
          word, "column '" + name + "'" + (use_sidecar ? " (listed in the sidecar)" : ""), false);
    }
    picker.add(name);
  }
  if (anat && !use_sidecar) {
    notes.push_back("compcor: no CompCor entries in a sidecar (" +
                    (sidecar_path.empty() ? std::string("none given") : sidecar_path.string()) +
                    "); masks taken from the names: a_comp_cor_* combined, w_comp_cor_* WM, "
                    "c_comp_cor_* CSF");
  }
}

// Frames scrubbing censors, as nilearn's _load_scrub and optimize_scrub.
std::vector<bool> scrubbed_frames(Picker& picker, const ConfoundStrategy& s, int64_t& outliers) {
  for (const char* needed : {"framewise_displacement", "std_dvars"}) {
    if (!picker.has(needed)) picker.missing("scrub", "column '" + std::string(needed) + "'", false);
  }
  const std::vector<double> fd = picker.column("framewise_displacement");
  const std::vector<double> dvars = picker.column("std_dvars");
  const size_t frames = fd.size();
  std::vector<bool> out(frames, false);
  outliers = 0;
  for (size_t t = 0; t < frames; ++t) {
    // n/a (the first frame) compares false: never an outlier.
    out[t] = fd[t] > s.fd_threshold || dvars[t] > s.std_dvars_threshold;
    outliers += out[t] ? 1 : 0;
  }
  if (outliers == 0 || s.scrub_min_segment <= 0) return out;
  // Every run of kept frames shorter than the minimum goes too, at the ends
  // of the series as between outliers: nilearn's three cases in one.
  const std::vector<bool> marked = out;
  size_t t = 0;
  while (t < frames) {
    if (marked[t]) {
      ++t;
      continue;
    }
    size_t end = t;
    while (end < frames && !marked[end])
      ++end;
    if (end - t < static_cast<size_t>(s.scrub_min_segment)) {
      for (size_t u = t; u < end; ++u)
        out[u] = true;
    }
    t = end;
  }
  return out;
}

std::string spike_name(int64_t k) {
  std::string digits = std::to_string(k);
  if (digits.size() < 2) digits.insert(0, "0");
  return "motion_outlier" + digits;
}

}  // namespace

SelectedConfounds select_confounds(const ConfoundTable& table, const ConfoundStrategy& strategy,
                                   const fs::path& sidecar_json) {
  check_confound_strategy(strategy);
  const std::string file = table.source.empty() ? std::string("confounds") : table.source;
  check_confound_table_shape(table, file);
  Picker picker(table);
  std::vector<std::string>& notes = picker.notes();
  for (const std::string& word : strategy.strategy) {
    if (word == "motion") {
      picker.expanded(word, kMotionColumns, strategy.motion);
    } else if (word == "wm_csf") {
      picker.expanded(word, kWmCsfColumns, strategy.wm_csf);
    } else if (word == "global_signal") {
      picker.expanded(word, kGlobalColumns, strategy.global_signal);
    } else if (word == "compcor") {
      pick_compcor(picker, strategy, sidecar_json);
    } else if (word == "high_pass") {
      bool any = false;
      for (const std::string& name : table.names) {
        if (name.find("cosine") == std::string::npos) continue;
        picker.add(name);
        any = true;
      }
      if (!any) {
        notes.push_back(
            "high_pass: no cosine columns (fMRIPrep writes none for a run too short "
            "for a drift below its 1/128 Hz cut-off)");
      }
    }
  }

  const size_t frames = static_cast<size_t>(table.frames);
  SelectedConfounds out;
  out.censored.assign(frames, false);
  std::vector<std::string> steady;
  int64_t unsteady = 0;
  for (const std::string& name : table.names) {
    if (name.find("non_steady_state") == std::string::npos) continue;
    const std::vector<double> values = picker.column(name);
    for (size_t t = 0; t < frames; ++t) {
      if (!std::isnan(values[t]) && values[t] != 0.0 && !out.censored[t]) {
        out.censored[t] = true;
        ++unsteady;
      }
    }
    picker.add(name, values);
    steady.push_back(name);
  }
  if (!steady.empty()) {
    notes.push_back("non_steady_state: " + format_count(unsteady, "frame") + " censored (" +
                    summarize_confound_columns(steady) + ")");
  }

  if (strategy.uses("scrub")) {
    int64_t outliers = 0;
    const std::vector<bool> scrubbed = scrubbed_frames(picker, strategy, outliers);
    int64_t spikes = 0, total = 0;
    for (size_t t = 0; t < frames; ++t) {
      if (!scrubbed[t]) continue;
      ++total;
      // A frame already censored as non-steady has its one-hot column; a
      // second would be the same column, which the regression cannot use.
      if (out.censored[t]) continue;
      out.censored[t] = true;
      std::vector<double> spike(frames, 0.0);
      spike[t] = 1.0;
      picker.add(spike_name(spikes++), std::move(spike));
    }
    notes.push_back("scrub: censored " + format_count(total, "frame") + " of " +
                    std::to_string(frames) + " (" + std::to_string(outliers) +
                    " with framewise_displacement > " + core::format_double(strategy.fd_threshold) +
                    " mm or std_dvars > " + core::format_double(strategy.std_dvars_threshold) +
                    ", " + std::to_string(total - outliers) + " in kept runs shorter than " +
                    std::to_string(strategy.scrub_min_segment) + " frames)");
  }
  if (frames > 0 &&
      std::all_of(out.censored.begin(), out.censored.end(), [](bool c) { return c; })) {
    throw std::runtime_error(file + ": all " + std::to_string(frames) + " frames are censored (" +
                             describe(strategy) +
                             "); raise fd_threshold/std_dvars_threshold or leave out scrub");
  }
  out.regressors = picker.result();
  out.notes = std::move(notes);
  return out;
}

fs::path confounds_sidecar_path(const fs::path& confounds_tsv) {
  fs::path out = confounds_tsv;
  return out.replace_extension(".json");
}

SelectedConfounds load_confounds(const fs::path& confounds_tsv, const ConfoundStrategy& strategy) {
  return select_confounds(read_confounds_tsv(confounds_tsv), strategy,
                          confounds_sidecar_path(confounds_tsv));
}

std::string summarize_confound_columns(const std::vector<std::string>& names) {
  // Each entry: the text shown, at the position of its first member.
  std::vector<std::pair<size_t, std::string>> entries;
  // Numbered names: contiguous numbers with one stem become "stem00..05".
  std::map<std::string, std::vector<std::pair<int64_t, size_t>>>
      runs;                                             // stem -> (number, position)
  std::map<std::string, std::vector<size_t>> families;  // first word -> positions
  for (size_t i = 0; i < names.size(); ++i) {
    if (const auto n = numbered(names[i])) {
      runs[n->first].emplace_back(n->second, i);
    } else {
      families[names[i].substr(0, names[i].find('_'))].push_back(i);
    }
  }
  for (auto& [stem, members] : runs) {
    std::sort(members.begin(), members.end());
    size_t start = 0;
    for (size_t k = 1; k <= members.size(); ++k) {
      if (k < members.size() && members[k].first == members[k - 1].first + 1) continue;
      const auto& first = names[members[start].second];
      const auto& last = names[members[k - 1].second];
      size_t position = members[start].second;
      for (size_t j = start; j < k; ++j)
        position = std::min(position, members[j].second);
      entries.emplace_back(position,
                           k - start == 1 ? first : first + ".." + last.substr(stem.size()));
      start = k;
    }
  }
  for (const auto& [word, positions] : families) {
    if (positions.size() >= 3) {
      // The longest prefix they share: "white_matter*", "trans_*", "csf*".
      std::string prefix = names[positions.front()];
      for (size_t p : positions) {
        const std::string& name = names[p];
        size_t k = 0;
        while (k < prefix.size() && k < name.size() && prefix[k] == name[k])
          ++k;
        prefix.resize(k);
      }
      entries.emplace_back(positions.front(), prefix + "*");
    } else {
      for (size_t p : positions)
        entries.emplace_back(p, names[p]);
    }
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& [position, text] : entries)
    out += (out.empty() ? "" : ", ") + text;
  return out;
}

}  // namespace neuro
