#include "neuro/signal/confound_strategy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "error_of.h"
#include "neuro/bids/sidecar.h"
#include "temp_dir.h"

namespace {

namespace fs = std::filesystem;
using neuro::ConfoundStrategy;
using neuro::ConfoundTable;
using neuro::SelectedConfounds;
using neuroseq_test::error_of;
using Names = std::vector<std::string>;

const std::string kSource = "sub-01_task-rest_desc-confounds_timeseries.tsv";

Names numbered(const std::string& stem, int count) {
  Names out;
  for (int k = 0; k < count; ++k)
    out.push_back(stem + (k < 10 ? "0" : "") + std::to_string(k));
  return out;
}

Names concat(std::initializer_list<Names> parts) {
  Names out;
  for (const Names& p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Every column fMRIPrep 23.x writes, in its order (a run with 3 tCompCor,
// 3 CSF, 4 WM, 5 combined and 6 crown components, 4 cosines, 2 non-steady
// volumes and 3 motion outliers).
Names fmriprep23_header() {
  Names motion;
  for (const char* base : {"trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"}) {
    for (const char* suffix : {"", "_derivative1", "_power2", "_derivative1_power2"})
      motion.push_back(std::string(base) + suffix);
  }
  return concat({{"global_signal", "global_signal_derivative1", "global_signal_derivative1_power2",
                  "global_signal_power2", "csf", "csf_derivative1", "csf_power2",
                  "csf_derivative1_power2", "white_matter", "white_matter_derivative1",
                  "white_matter_derivative1_power2", "white_matter_power2", "csf_wm", "tcompcor",
                  "std_dvars", "dvars", "framewise_displacement", "rmsd"},
                 numbered("t_comp_cor_", 3),
                 numbered("c_comp_cor_", 3),
                 numbered("w_comp_cor_", 4),
                 numbered("a_comp_cor_", 5),
                 numbered("edge_comp_", 6),
                 numbered("cosine", 4),
                 numbered("non_steady_state_outlier", 2),
                 motion,
                 numbered("motion_outlier", 3)});
}

// Values as fMRIPrep leaves them: differences and FD/DVARS start with n/a,
// outlier columns are one-hot, everything else is smooth and small.
ConfoundTable make_table(const Names& names, int64_t frames = 40) {
  ConfoundTable table;
  table.names = names;
  table.frames = frames;
  table.source = kSource;
  table.values.assign(static_cast<size_t>(frames) * names.size(), 0.0);
  for (size_t c = 0; c < names.size(); ++c) {
    const std::string& name = names[c];
    const bool starts_missing = name.find("derivative1") != std::string::npos ||
                                name == "framewise_displacement" || name.ends_with("dvars");
    for (int64_t t = 0; t < frames; ++t) {
      double v = 0.1 * std::sin(0.3 * static_cast<double>(t) + static_cast<double>(c));
      if (name == "framewise_displacement") v = 0.1 + v / 10;
      if (name == "std_dvars") v = 1.0 + v;
      if (name.starts_with("non_steady_state_outlier")) v = t == std::stoi(name.substr(24)) ? 1 : 0;
      if (name.starts_with("motion_outlier")) v = t == 20 + std::stoi(name.substr(14)) ? 1 : 0;
      if (t == 0 && starts_missing) v = std::nan("");
      table.values[static_cast<size_t>(t) * names.size() + c] = v;
    }
  }
  return table;
}

void set_column(ConfoundTable& table, const std::string& name, const std::vector<double>& values) {
  const auto it = std::find(table.names.begin(), table.names.end(), name);
  ASSERT_NE(it, table.names.end()) << name;
  const size_t c = static_cast<size_t>(it - table.names.begin());
  for (int64_t t = 0; t < table.frames; ++t)
    table.values[static_cast<size_t>(t) * table.names.size() + c] = values[static_cast<size_t>(t)];
}

std::vector<double> column(const ConfoundTable& table, const std::string& name) {
  const auto it = std::find(table.names.begin(), table.names.end(), name);
  if (it == table.names.end()) return {};
  std::vector<double> out;
  for (int64_t t = 0; t < table.frames; ++t)
    out.push_back(table.at(t, it - table.names.begin()));
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string notes(const SelectedConfounds& selected) {
  std::string out;
  for (const std::string& note : selected.notes)
    out += note + "\n";
  return out;
}

Names sorted(Names names) {
  std::sort(names.begin(), names.end());
  return names;
}

// The sidecar fMRIPrep >= 21 writes: one prefix per mask.
nlohmann::json fmriprep23_sidecar() {
  nlohmann::json j = nlohmann::json::object();
  auto components = [&](const std::string& stem, int count, const char* mask, const char* method) {
    for (const std::string& name : numbered(stem, count)) {
      j[name] = {{"Method", method}, {"Retained", true}, {"VarianceExplained", 0.1}};
      if (mask) j[name]["Mask"] = mask;
    }
  };
  components("t_comp_cor_", 3, nullptr, "tCompCor");
  components("c_comp_cor_", 3, "CSF", "aCompCor");
  components("w_comp_cor_", 4, "WM", "aCompCor");
  components("a_comp_cor_", 5, "combined", "aCompCor");
  components("edge_comp_", 6, "Edge", "CompCor");
  for (int k = 0; k < 3; ++k)
    j["dropped_" + std::to_string(k)] = {{"Mask", "combined"}, {"Retained", false}};
  for (const char* mean : {"csf", "white_matter", "global_signal", "csf_wm", "tcompcor"})
    j[mean] = {{"Method", "Mean"}};
  return j;
}

// fMRIPrep 1.4 to 20.2: every mask numbered a_comp_cor_*, the sidecar says which.
Names fmriprep20_header() {
  return concat(
      {{"global_signal", "csf", "white_matter", "std_dvars", "dvars", "framewise_displacement",
        "trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"},
       numbered("t_comp_cor_", 2),
       numbered("a_comp_cor_", 14),
       numbered("cosine", 2)});
}

nlohmann::json fmriprep20_sidecar() {
  nlohmann::json j = nlohmann::json::object();
  const Names a = numbered("a_comp_cor_", 14);
  for (int k = 0; k < 14; ++k)
    j[a[k]] = {{"Method", "aCompCor"}, {"Mask", k < 4 ? "CSF" : k < 9 ? "WM" : "combined"}};
  for (const std::string& name : numbered("t_comp_cor_", 2))
    j[name] = {{"Method", "tCompCor"}};
  return j;
}

class ConfoundStrategyFiles : public ::testing::Test {
 protected:
  fs::path write_json(const nlohmann::json& j, const std::string& name = "sidecar.json") {
    const fs::path path = dir_ / name;
    std::ofstream(path) << j.dump(2);
    return path;
  }
  SelectedConfounds pick(const ConfoundTable& table, const std::string& spec,
                         const nlohmann::json* sidecar) {
    const fs::path path = sidecar ? write_json(*sidecar) : fs::path();
    return neuro::select_confounds(table, neuro::parse_confound_strategy(spec), path);
  }
  neuroseq_test::TempDir dir_{"confound_strategy"};
};

// ---- Each strategy and level on fMRIPrep 23.x, against nilearn's picks ----
// The expected lists are nilearn's rules written out by hand (load_confounds
// sorts its columns and drops the outlier columns into sample_mask, so
// they are compared as sorted sets, without the non-steady-state columns).

Names picked_without_outliers(const SelectedConfounds& selected) {
  Names out;
  for (const std::string& name : selected.regressors.names) {
    if (name.find("non_steady_state") == std::string::npos && !name.starts_with("motion_outlier"))
      out.push_back(name);
  }
  return sorted(out);
}

TEST_F(ConfoundStrategyFiles, MotionLevelsPickWhatNilearnPicks) {
  const ConfoundTable table = make_table(fmriprep23_header());
  const Names basic = {"trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"};
  Names derivatives = basic, power2 = basic, full = basic;
  for (const std::string& b : basic) {
    derivatives.push_back(b + "_derivative1");
    power2.push_back(b + "_power2");
    full.insert(full.end(), {b + "_derivative1", b + "_power2", b + "_derivative1_power2"});
  }
  const std::pair<const char*, Names> cases[] = {
      {"basic", basic}, {"derivatives", derivatives}, {"power2", power2}, {"full", full}};
  for (const auto& [level, expected] : cases) {
    const auto s = pick(table, std::string("motion=") + level, nullptr);
    EXPECT_EQ(picked_without_outliers(s), sorted(expected)) << level;
    EXPECT_TRUE(s.notes.size() == 1) << level;  // only the non-steady-state note
  }
}

TEST_F(ConfoundStrategyFiles, WmCsfAndGlobalSignalLevels) {
  const ConfoundTable table = make_table(fmriprep23_header());
  EXPECT_EQ(picked_without_outliers(pick(table, "wm_csf", nullptr)),
            sorted({"csf", "white_matter"}));
  EXPECT_EQ(picked_without_outliers(pick(table, "wm_csf=derivatives", nullptr)),
            sorted({"csf", "white_matter", "csf_derivative1", "white_matter_derivative1"}));
  EXPECT_EQ(picked_without_outliers(pick(table, "wm_csf=power2", nullptr)),
            sorted({"csf", "white_matter", "csf_power2", "white_matter_power2"}));
  EXPECT_EQ(
      picked_without_outliers(pick(table, "wm_csf=full", nullptr)),
      sorted({"csf", "white_matter", "csf_derivative1", "white_matter_derivative1", "csf_power2",
              "white_matter_power2", "csf_derivative1_power2", "white_matter_derivative1_power2"}));
  EXPECT_EQ(picked_without_outliers(pick(table, "global_signal", nullptr)), Names{"global_signal"});
  EXPECT_EQ(picked_without_outliers(pick(table, "global_signal=full", nullptr)),
            sorted({"global_signal", "global_signal_derivative1", "global_signal_power2",
                    "global_signal_derivative1_power2"}));
  // csf_wm and tcompcor are never picked by any strategy.
}

TEST_F(ConfoundStrategyFiles, DefaultIsNilearnsDefaultAndOrdersByStrategy) {
  const ConfoundTable table = make_table(fmriprep23_header());
  const SelectedConfounds s = neuro::select_confounds(table, ConfoundStrategy{}, {});
  const Names& n = s.regressors.names;
  ASSERT_EQ(n.size(), 24u + 4u + 2u + 2u);
  // Strategy order: motion (bases, then each base's expansions), high_pass,
  // wm_csf, then the non-steady-state columns.
  EXPECT_EQ(Names(n.begin(), n.begin() + 7), (Names{"trans_x", "trans_y", "trans_z", "rot_x",
                                                    "rot_y", "rot_z", "trans_x_derivative1"}));
  EXPECT_EQ(Names(n.begin() + 24, n.end()),
            (Names{"cosine00", "cosine01", "cosine02", "cosine03", "csf", "white_matter",
                   "non_steady_state_outlier00", "non_steady_state_outlier01"}));
  // Non-steady volumes are censored (as nilearn's sample_mask leaves them out).
  ASSERT_EQ(s.censored.size(), 40u);
  EXPECT_TRUE(s.censored[0] && s.censored[1]);
  EXPECT_EQ(std::count(s.censored.begin(), s.censored.end(), true), 2);
  // The first row of derivatives takes the second row's value, as nilearn does.
  const auto d = column(s.regressors, "trans_x_derivative1");
  EXPECT_EQ(d[0], d[1]);
  EXPECT_EQ(s.regressors.source, kSource);
}

TEST_F(ConfoundStrategyFiles, HighPassAndNonSteadyState) {
  const ConfoundTable table = make_table(fmriprep23_header());
  EXPECT_EQ(picked_without_outliers(pick(table, "high_pass", nullptr)), numbered("cosine", 4));
  const auto nss = pick(table, "non_steady_state", nullptr);  // always there anyway
  EXPECT_EQ(nss.regressors.names, numbered("non_steady_state_outlier", 2));
  // A run without cosines or non-steady volumes: nothing, and no error.
  const auto bare = pick(make_table({"trans_x", "csf"}), "high_pass", nullptr);
  EXPECT_TRUE(bare.regressors.names.empty());
  EXPECT_TRUE(std::none_of(bare.censored.begin(), bare.censored.end(), [](bool c) { return c; }));
  ASSERT_EQ(bare.notes.size(), 1u);
  EXPECT_PRED2(contains, bare.notes[0], "no cosine columns");
}

TEST_F(ConfoundStrategyFiles, CompcorTypesWithTheFmriprep23Sidecar) {
  const ConfoundTable table = make_table(fmriprep23_header());
  const nlohmann::json side = fmriprep23_sidecar();
  auto compcor = [&](const std::string& value) {
    Names out;
    for (const std::string& name :
         pick(table, "high_pass,compcor=" + value, &side).regressors.names)
      if (name.find("comp_cor") != std::string::npos) out.push_back(name);
    return out;
  };
  const Names t = numbered("t_comp_cor_", 3), a = numbered("a_comp_cor_", 5),
              w = numbered("w_comp_cor_", 4), c = numbered("c_comp_cor_", 3);
  EXPECT_EQ(compcor("anat_combined"), a);
  EXPECT_EQ(compcor("temporal"), t);
  EXPECT_EQ(compcor("anat_separated"), concat({w, c}));
  EXPECT_EQ(compcor("temporal_anat_combined"), concat({t, a}));
  EXPECT_EQ(compcor("temporal_anat_separated"), concat({t, w, c}));
  EXPECT_EQ(compcor("anat_separated:2"), (Names{w[0], w[1], c[0], c[1]}));
  EXPECT_EQ(compcor("anat_combined:all"), a);
  // More than there are: all of them, with a note.
  const auto more = pick(table, "high_pass,compcor=temporal:5", &side);
  EXPECT_EQ(column(more.regressors, "t_comp_cor_02").size(), 40u);
  EXPECT_PRED2(contains, notes(more), "asked for 5 tCompCor components, the file has 3");
}

TEST_F(ConfoundStrategyFiles, CompcorMasksOfFmriprep20ComeFromTheSidecar) {
  const ConfoundTable table = make_table(fmriprep20_header());
  const nlohmann::json side = fmriprep20_sidecar();
  const Names a = numbered("a_comp_cor_", 14);
  auto compcor = [&](const std::string& value) {
    return pick(table, "high_pass,compcor=" + value, &side).regressors.names;
  };
  // cosines first (high_pass comes first), then the components.
  EXPECT_EQ(compcor("anat_combined"),
            concat({{"cosine00", "cosine01"}, Names(a.begin() + 9, a.end())}));
  EXPECT_EQ(compcor("anat_separated"), concat({{"cosine00", "cosine01"},
                                               Names(a.begin() + 4, a.begin() + 9),
                                               Names(a.begin(), a.begin() + 4)}));
  EXPECT_EQ(compcor("anat_separated:2"), (Names{"cosine00", "cosine01", a[4], a[5], a[0], a[1]}));
  // Without the sidecar the masks cannot be known: anatomical CompCor fails,
  // temporal CompCor does not need them.
  const std::string e = error_of<std::runtime_error>(
      [&] { pick(table, "high_pass,compcor=anat_combined", nullptr); });
  EXPECT_PRED2(contains, e, kSource + ": strategy 'compcor' needs the JSON sidecar");
  EXPECT_PRED2(contains, e, "14 a_comp_cor columns");
  EXPECT_EQ(pick(table, "high_pass,compcor=temporal", nullptr).regressors.names,
            concat({{"cosine00", "cosine01"}, numbered("t_comp_cor_", 2)}));
}

TEST_F(ConfoundStrategyFiles, CompcorWithoutSidecarGoesByNames) {
  // fMRIPrep >= 21 without its sidecar: the prefixes name the masks.
  const ConfoundTable t23 = make_table(fmriprep23_header());
  const auto combined = pick(t23, "high_pass,compcor=anat_combined", nullptr);
  EXPECT_EQ(column(combined.regressors, "a_comp_cor_04").size(), 40u);
  EXPECT_TRUE(column(combined.regressors, "w_comp_cor_00").empty());
  EXPECT_PRED2(contains, notes(combined), "masks taken from the names");
  const auto separated = pick(t23, "high_pass,compcor=anat_separated:1", nullptr);
  EXPECT_EQ(separated.regressors.names, concat({numbered("cosine", 4),
                                                {"w_comp_cor_00", "c_comp_cor_00"},
                                                numbered("non_steady_state_outlier", 2)}));
  // fMRIPrep 1.2 / 1.3: no sidecar, six components of the combined mask.
  const ConfoundTable old = make_table(
      concat({{"csf", "white_matter", "trans_x"}, numbered("a_comp_cor_", 6), {"cosine00"}}));
  EXPECT_EQ(pick(old, "high_pass,compcor=anat_combined", nullptr).regressors.names,
            concat({{"cosine00"}, numbered("a_comp_cor_", 6)}));
  const std::string e =
      error_of<std::runtime_error>([&] { pick(old, "high_pass,compcor=anat_separated", nullptr); });
  EXPECT_PRED2(contains, e, "needs WM components (a_comp_cor_* of mask 'WM' or w_comp_cor_*)");
}

// A real fMRIPrep 20.2 sidecar (ds000001): a_comp_cor_* of three masks.
TEST_F(ConfoundStrategyFiles, RealFmriprep20SidecarFromDs000001) {
  const fs::path json = fs::path(NEUROSEQ_SHARED_DIR) /
                        "bids-examples/ds000001-fmriprep/sub-10/func/"
                        "sub-10_task-balloonanalogrisktask_run-3_desc-confounds_timeseries.json";
  if (!fs::exists(json)) GTEST_SKIP() << json << " is missing";
  Names header = {"csf", "white_matter", "trans_x", "cosine00"};
  const nlohmann::json real = neuro::read_json_file(json);
  for (const auto& [key, value] : real.items())
    if (!key.starts_with("dropped_") &&
        std::find(header.begin(), header.end(), key) == header.end())
      header.push_back(key);
  const ConfoundTable table = make_table(header, 10);
  auto count = [&](const std::string& type, const std::string& prefix) {
    const auto s = neuro::select_confounds(
        table, neuro::parse_confound_strategy("high_pass,compcor=" + type), json);
    return std::count_if(s.regressors.names.begin(), s.regressors.names.end(),
                         [&](const std::string& n) { return n.starts_with(prefix); });
  };
  // Counted from the file by hand: 84 combined, 85 WM, 15 CSF, 5 temporal.
  EXPECT_EQ(count("anat_combined", "a_comp_cor_"), 84);
  EXPECT_EQ(count("anat_separated", "a_comp_cor_"), 85 + 15);
  EXPECT_EQ(count("temporal", "t_comp_cor_"), 5);
  // Runs 1 and 2 of that subject hold CSF components only.
  const fs::path run1 =
      json.parent_path() / "sub-10_task-balloonanalogrisktask_run-1_desc-confounds_timeseries.json";
  const std::string e = error_of<std::runtime_error>([&] {
    neuro::select_confounds(table, neuro::parse_confound_strategy("high_pass,compcor"), run1);
  });
  EXPECT_PRED2(contains, e, "needs a_comp_cor_* columns with sidecar Mask 'combined'");
}

TEST_F(ConfoundStrategyFiles, LoadConfoundsReadsTheSidecarBesideTheTable) {
  const fs::path tsv = dir_ / kSource;
  neuro::write_confounds_tsv(make_table(fmriprep23_header(), 12), tsv);
  write_json(fmriprep23_sidecar(), "sub-01_task-rest_desc-confounds_timeseries.json");
  EXPECT_EQ(neuro::confounds_sidecar_path(tsv),
            dir_ / "sub-01_task-rest_desc-confounds_timeseries.json");
  const auto s = neuro::load_confounds(
      tsv, neuro::parse_confound_strategy("high_pass,compcor=anat_separated"));
  EXPECT_EQ(s.regressors.frames, 12);
  EXPECT_EQ(column(s.regressors, "w_comp_cor_03").size(), 12u);
  EXPECT_FALSE(contains(notes(s), "masks taken from the names"));
}

// ---- Expansions computed for old files ----

TEST(ConfoundStrategyExpansions, MissingDerivativesAndPowersAreComputed) {
  ConfoundTable table =
      make_table({"trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z", "csf"}, 6);
  set_column(table, "trans_x", {1, 2, 4, 7, 11, 16});
  const auto s = neuro::select_confounds(table, neuro::parse_confound_strategy("motion"), {});
  ASSERT_EQ(s.regressors.columns(), 24);
  EXPECT_EQ(column(s.regressors, "trans_x_derivative1"), (std::vector<double>{1, 1, 2, 3, 4, 5}));
  EXPECT_EQ(column(s.regressors, "trans_x_power2"), (std::vector<double>{1, 4, 16, 49, 121, 256}));
  EXPECT_EQ(column(s.regressors, "trans_x_derivative1_power2"),
            (std::vector<double>{1, 1, 4, 9, 16, 25}));
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("motion: computed"), std::string::npos) << s.notes[0];
  EXPECT_PRED2(contains, s.notes[0], "before fMRIPrep 1.4");
}

// ---- Scrubbing ----

ConfoundTable scrub_table(int64_t frames) {
  ConfoundTable t =
      make_table({"framewise_displacement", "std_dvars", "csf", "white_matter"}, frames);
  std::vector<double> fd(static_cast<size_t>(frames), 0.1), dv(static_cast<size_t>(frames), 1.0);
  fd[0] = dv[0] = std::nan("");
  set_column(t, "framewise_displacement", fd);
  set_column(t, "std_dvars", dv);
  return t;
}

std::vector<int64_t> censored_frames(const SelectedConfounds& s) {
  std::vector<int64_t> out;
  for (size_t t = 0; t < s.censored.size(); ++t)
    if (s.censored[t]) out.push_back(static_cast<int64_t>(t));
  return out;
}

// Each spike column: its name and the one frame where it is 1.
std::vector<std::pair<std::string, int64_t>> spikes(const SelectedConfounds& s) {
  std::vector<std::pair<std::string, int64_t>> out;
  const ConfoundTable& r = s.regressors;
  for (int64_t c = 0; c < r.columns(); ++c) {
    if (!r.names[static_cast<size_t>(c)].starts_with("motion_outlier")) continue;
    int64_t ones = 0, at = -1;
    for (int64_t t = 0; t < r.frames; ++t) {
      if (r.at(t, c) == 1.0)
        ++ones, at = t;
      else
        EXPECT_EQ(r.at(t, c), 0.0);
    }
    EXPECT_EQ(ones, 1);
    out.emplace_back(r.names[static_cast<size_t>(c)], at);
  }
  return out;
}

SelectedConfounds scrub(const ConfoundTable& t, const std::string& spec = "wm_csf,scrub") {
  return neuro::select_confounds(t, neuro::parse_confound_strategy(spec), {});
}

TEST(ConfoundStrategyScrub, ThresholdsAndShortSegmentBetweenOutliers) {
  ConfoundTable t = scrub_table(30);
  auto fd = column(t, "framewise_displacement");
  auto dv = column(t, "std_dvars");
  fd[10] = 0.8;  // FD outlier
  dv[12] = 2.0;  // DVARS outlier
  fd[20] = 0.5;  // at the threshold: kept (strictly above censors)
  dv[21] = 1.5;
  set_column(t, "framewise_displacement", fd);
  set_column(t, "std_dvars", dv);
  const auto s = scrub(t);
  // Frame 11 sits alone between outliers: a run of 1 < 5, censored too.
  EXPECT_EQ(censored_frames(s), (std::vector<int64_t>{10, 11, 12}));
  EXPECT_EQ(spikes(s),
            (std::vector<std::pair<std::string, int64_t>>{
                {"motion_outlier00", 10}, {"motion_outlier01", 11}, {"motion_outlier02", 12}}));
  EXPECT_EQ(s.regressors.names[0], "csf");
  EXPECT_EQ(s.notes.back(),
            "scrub: censored 3 frames of 30 (2 with framewise_displacement > 0.5 mm or "
            "std_dvars > 1.5, 1 in kept runs shorter than 5 frames)");
  // scrub=0 turns the segment rule off; a lower FD threshold censors more.
  EXPECT_EQ(censored_frames(scrub(t, "scrub=0")), (std::vector<int64_t>{10, 12}));
  EXPECT_EQ(censored_frames(scrub(t, "scrub=0,fd_threshold=0.49,std_dvars_threshold=1.49")),
            (std::vector<int64_t>{10, 12, 20, 21}));
}

TEST(ConfoundStrategyScrub, ShortRunsAtTheEndsAreCensored) {
  ConfoundTable t = scrub_table(30);
  auto fd = column(t, "framewise_displacement");
  fd[3] = 0.9;   // leaves frames 0-2 (3 < 5) before it
  fd[25] = 0.9;  // leaves frames 26-29 (4 < 5) after it
  set_column(t, "framewise_displacement", fd);
  EXPECT_EQ(censored_frames(scrub(t)), (std::vector<int64_t>{0, 1, 2, 3, 25, 26, 27, 28, 29}));
  // With a minimum of 3 the 3 leading frames stay, the 4 trailing ones too.
  EXPECT_EQ(censored_frames(scrub(t, "scrub=3")), (std::vector<int64_t>{3, 25}));
  // Gap of exactly the minimum between outliers: kept (nilearn: diff < scrub + 1).
  fd[3] = fd[25] = 0.1;
  fd[10] = fd[16] = 0.9;  // frames 11-15: 5 frames
  set_column(t, "framewise_displacement", fd);
  EXPECT_EQ(censored_frames(scrub(t)), (std::vector<int64_t>{10, 16}));
}

TEST(ConfoundStrategyScrub, NonSteadyFramesGetNoSecondSpike) {
  ConfoundTable t =
      make_table({"framewise_displacement", "std_dvars", "non_steady_state_outlier00", "csf"}, 20);
  std::vector<double> fd(20, 0.1), dv(20, 1.0), nss(20, 0.0);
  fd[0] = dv[0] = std::nan("");
  fd[2] = 0.7;  // leaves frames 0-1 before it: censored by the segment rule
  nss[0] = 1;
  set_column(t, "framewise_displacement", fd);
  set_column(t, "std_dvars", dv);
  set_column(t, "non_steady_state_outlier00", nss);
  const auto s = scrub(t, "scrub");
  EXPECT_EQ(censored_frames(s), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(spikes(s), (std::vector<std::pair<std::string, int64_t>>{{"motion_outlier00", 1},
                                                                     {"motion_outlier01", 2}}));
  EXPECT_EQ(s.regressors.names,
            (Names{"non_steady_state_outlier00", "motion_outlier00", "motion_outlier01"}));
}

TEST(ConfoundStrategyScrub, NoOutlierNoCensoringAndAllCensoredFails) {
  const auto s = scrub(scrub_table(8));  // shorter than 5? no outlier, so nothing
  EXPECT_TRUE(censored_frames(s).empty());
  ConfoundTable t = scrub_table(8);
  auto fd = column(t, "framewise_displacement");
  fd[4] = 2.0;  // runs 0-3 and 5-7 are both shorter than 5
  set_column(t, "framewise_displacement", fd);
  const std::string e = error_of<std::runtime_error>([&] { scrub(t); });
  EXPECT_PRED2(contains, e, kSource + ": all 8 frames are censored");
}

// ---- Messages ----

TEST(ConfoundStrategyMessages, MissingColumnNamesItOnOneLine) {
  Names header = fmriprep23_header();
  std::erase(header, "csf");
  const ConfoundTable table = make_table(header);
  const std::string e =
      error_of<std::runtime_error>([&] { neuro::select_confounds(table, ConfoundStrategy{}, {}); });
  EXPECT_EQ(e.find('\n'), std::string::npos);
  EXPECT_EQ(e, kSource +
                   ": strategy 'wm_csf' needs column 'csf', which is absent; columns present: "
                   "global_signal*, csf_*, white_matter*, tcompcor, std_dvars, dvars, "
                   "framewise_displacement, rmsd, t_comp_cor_00..02, c_comp_cor_00..02, "
                   "w_comp_cor_00..03, a_comp_cor_00..04, edge_comp_00..05, cosine00..03, "
                   "non_steady_state_outlier00..01, trans_*, rot_*, motion_outlier00..02; "
                   "choose another --confound-strategy or --no-confounds");
}

TEST(ConfoundStrategyMessages, EachStrategyNamesWhatItLacks) {
  const ConfoundTable table = make_table({"X", "Y", "Z", "RotX", "CSF", "WhiteMatter"});
  auto message = [&](const std::string& spec) {
    return error_of<std::runtime_error>(
        [&] { neuro::select_confounds(table, neuro::parse_confound_strategy(spec), {}); });
  };
  EXPECT_NE(message("wm_csf").find(
                "strategy 'wm_csf' needs columns 'csf' and 'white_matter', which are absent; "
                "columns present: X, Y, Z, RotX, CSF, WhiteMatter;"),
            std::string::npos);
  EXPECT_PRED2(contains, message("motion=basic"),
               "needs columns 'trans_x', 'trans_y', 'trans_z', "
               "'rot_x', 'rot_y' and 'rot_z', which are absent");
  EXPECT_PRED2(contains, message("global_signal"),
               "strategy 'global_signal' needs column 'global_signal'");
  EXPECT_PRED2(contains, message("scrub"),
               "strategy 'scrub' needs column 'framewise_displacement'");
  EXPECT_PRED2(contains, message("high_pass,compcor=temporal"),
               "strategy 'compcor' needs t_comp_cor_* columns (compcor=temporal), which "
               "are absent");
}

TEST(ConfoundStrategyMessages, SummaryCollapsesRunsAndFamilies) {
  EXPECT_EQ(neuro::summarize_confound_columns({"a_comp_cor_00", "a_comp_cor_01", "a_comp_cor_05",
                                               "trans_x", "trans_y", "trans_z", "csf", "cosine00"}),
            "a_comp_cor_00..01, a_comp_cor_05, trans_*, csf, cosine00");
}

}  // namespace
