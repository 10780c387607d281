#include "app/jobs/list_job.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "app/jobs/decoding_outputs.h"
#include "app/jobs/state_windows.h"
#include "neuro/image/nifti_header.h"
#include "neuro/signal/confound_strategy.h"
#include "neuro/signal/confounds.h"

namespace jobs {

nlohmann::json list_dataset(const ListConfig& config, const JobContext& context) {
  const auto index = index_for(config.dataset, config.recipe, config.filters);
  nlohmann::json notes = nlohmann::json::array();
  for (const auto& w : index.warnings)
    notes.push_back(w);
  NoteOnce note([&notes](const std::string& text) { notes.push_back(text); });

  std::optional<neuro::StateMap> map;
  try {
    map = dataset_states(index, config.recipe.labels);
  } catch (const std::exception& e) {
    note(e.what());
  }
  const std::vector<std::string> states = map ? map->states : std::vector<std::string>{};
  if (map && !map->left_out.empty()) {
    std::string left;
    for (const auto& t : map->left_out)
      left += (left.empty() ? "'" : ", '") + t + "'";
    note("trial types not chosen by --state: " + left);
  }

  // Runs with their labels, as the decoders would see them (no series).
  std::vector<RunSeries> labelled;
  nlohmann::json runs = nlohmann::json::array();
  std::set<std::string> subjects, sessions, spaces, confound_columns;
  std::map<std::string, std::set<double>> task_trs;
  for (const auto& run : index.runs) {
    context.check_cancel();
    nlohmann::json r = {{"subject", run.subject},
                        {"session", run.session},
                        {"task", run.task},
                        {"run", run.run},
                        {"space", run.space},
                        {"bold", run.bold.string()},
                        {"preprocessed", run.preprocessed}};
    subjects.insert(run.subject);
    if (!run.session.empty()) sessions.insert(run.session);
    if (!run.space.empty()) spaces.insert(run.space);
    int64_t frames = 0;
    double tr = run.repetition_time;
    try {
      const auto header = neuro::read_header(run.bold);
      frames = header.shape()[3];
      if (!(tr > 0)) tr = header.tr_seconds();
    } catch (const std::exception& e) {
      note(e.what());
    }
    r["frames"] = frames;
    r["tr"] = tr;
    task_trs[run.task].insert(tr);
    r["events"] =
        run.events.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.events.string());
    if (!run.confounds.empty()) {
      r["confounds"] = run.confounds.string();
      try {
        for (const auto& c : neuro::read_confounds_tsv(run.confounds).names)
          confound_columns.insert(c);
      } catch (const std::exception& e) {
        note(e.what());
      }
    }
    if (map && !run.events.empty() && frames > 0 && tr > 0) {
      try {
        auto labels = label_run(run, frames, tr, config.recipe.labels, *map, states);
        for (const auto& n : labels.events.notes)
          note(n);
        for (const auto& n : labels.labels.notes)
          note(n);
        RunSeries rs;
        rs.run = &run;
        rs.labels = std::move(labels.labels);
        // Frames the confound strategy censors label no window, as in decoding.
        if (!run.confounds.empty() && config.recipe.use_confounds &&
            config.recipe.confounds.empty()) {
          const auto censored =
              neuro::load_confounds(run.confounds, config.recipe.confound_strategy).censored;
          for (size_t t = 0; t < censored.size() && t < rs.labels.frames.size(); ++t) {
            if (censored[t]) rs.labels.frames[t] = neuro::kUnlabelled;
          }
        }
        labelled.push_back(std::move(rs));
      } catch (const std::exception& e) {
        note(e.what());
      }
    }
    runs.push_back(std::move(r));
  }

  const neuro::WindowSpec spec = resolve_window_labelling(labelled, config.windows);
  // Per run and state, frames and windows; runs without labels get none.
  size_t next = 0;
  for (size_t i = 0; i < index.runs.size(); ++i) {
    if (next >= labelled.size() || labelled[next].run != &index.runs[i]) continue;
    const auto counts = count_states(labelled[next].labels, spec);
    nlohmann::json per_state = nlohmann::json::object();
    for (size_t s = 0; s < states.size(); ++s)
      per_state[states[s]] = {{"frames", counts.frames[s]}, {"windows", counts.windows[s]}};
    runs[i]["states"] = per_state;
    ++next;
  }
  nlohmann::json state_rows = nlohmann::json::array();
  int decodable = 0;
  for (const auto& s : summarise_states(labelled, states, spec)) {
    state_rows.push_back({{"state", s.state},
                          {"frames", s.frames},
                          {"windows", s.windows},
                          {"subjects", s.subjects},
                          {"decodable", s.decodable}});
    decodable += s.decodable;
  }
  // Decoding tells two states apart at least: with fewer, none is decoded.
  if (decodable < 2) {
    for (auto& row : state_rows)
      row["decodable"] = false;
    if (!states.empty()) note("fewer than 2 states have enough windows: nothing to decode");
    decodable = 0;
  }
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& [task, trs] : task_trs) {
    int64_t count = 0;
    for (const auto& run : index.runs)
      count += run.task == task;
    tasks.push_back(
        {{"task", task}, {"runs", count}, {"tr", std::vector<double>(trs.begin(), trs.end())}});
  }
  return {{"dataset", config.dataset.string()},
          {"raw_root", index.raw_root.string()},
          {"derivatives_root", index.derivatives_root.string()},
          {"subjects", std::vector<std::string>(subjects.begin(), subjects.end())},
          {"sessions", std::vector<std::string>(sessions.begin(), sessions.end())},
          {"tasks", tasks},
          {"spaces", std::vector<std::string>(spaces.begin(), spaces.end())},
          {"runs", runs},
          {"labels", recipe_record(config.recipe)["labels"]},
          {"window",
           {{"length", spec.length},
            {"stride", spec.stride},
            {"labelling", window_labelling_name(spec.labelling)}}},
          {"states", state_rows},
          {"decodable_states", decodable},
          {"confound_columns",
           std::vector<std::string>(confound_columns.begin(), confound_columns.end())},
          {"notes", notes}};
}

std::string format_listing(const nlohmann::json& j) {
  std::string out;
  char line[1024];
  const auto list = [](const nlohmann::json& a) {
    std::string text;
    for (const auto& v : a)
      text += (text.empty() ? "" : ", ") + v.get<std::string>();
    return text.empty() ? std::string("none") : text;
  };
  out += "dataset      " + j["dataset"].get<std::string>() + "\n";
  if (!j["raw_root"].get<std::string>().empty())
    out += "raw          " + j["raw_root"].get<std::string>() + "\n";
  if (!j["derivatives_root"].get<std::string>().empty())
    out += "derivatives  " + j["derivatives_root"].get<std::string>() + "\n";
  out += "subjects     " + std::to_string(j["subjects"].size()) + ": " + list(j["subjects"]) + "\n";
  out += "sessions     " + list(j["sessions"]) + "\n";
  for (const auto& t : j["tasks"]) {
    std::string trs;
    for (const auto& tr : t["tr"]) {
      std::snprintf(line, sizeof(line), "%s%g s", trs.empty() ? "" : ", ", tr.get<double>());
      trs += line;
    }
    out += "task         " + t["task"].get<std::string>() + ": " +
           std::to_string(t["runs"].get<int64_t>()) + " runs, TR " + trs + "\n";
  }
  out += "spaces       " + list(j["spaces"]) + "\n";
  const auto columns = j["confound_columns"].get<std::vector<std::string>>();
  out += "confounds    " +
         (columns.empty() ? std::string("none") : neuro::summarize_confound_columns(columns)) +
         "\n";
  const auto& labels = j["labels"];
  out += "labels       rule " + labels["rule"].get<std::string>() + ", state column " +
         labels["state_column"].get<std::string>() + "; windows of " +
         std::to_string(j["window"]["length"].get<int64_t>()) + " frames every " +
         std::to_string(j["window"]["stride"].get<int64_t>()) + ", labelled " +
         j["window"]["labelling"].get<std::string>() + "\n\n";

  out += "run\tTR\tframes\tstate frames/windows\n";
  for (const auto& r : j["runs"]) {
    std::string name = "sub-" + r["subject"].get<std::string>();
    for (const char* key : {"session", "task", "run", "space"}) {
      const auto v = r[key].get<std::string>();
      if (!v.empty())
        name += std::string("_") + (key == std::string("session") ? "ses" : key) + "-" + v;
    }
    std::string states = r["events"].is_null() ? "no events" : "";
    if (r.contains("states")) {
      for (const auto& [state, c] : r["states"].items()) {
        std::snprintf(line, sizeof(line), "%s%s %lld/%lld", states.empty() ? "" : ", ",
                      state.c_str(), static_cast<long long>(c["frames"].get<int64_t>()),
                      static_cast<long long>(c["windows"].get<int64_t>()));
        states += line;
      }
    }
    std::snprintf(line, sizeof(line), "%s\t%g\t%lld\t%s\n", name.c_str(), r["tr"].get<double>(),
                  static_cast<long long>(r["frames"].get<int64_t>()), states.c_str());
    out += line;
  }
  out += "\nstate\tframes\twindows\tsubjects\tdecoded\n";
  for (const auto& s : j["states"]) {
    std::snprintf(line, sizeof(line), "%s\t%lld\t%lld\t%lld\t%s\n",
                  s["state"].get<std::string>().c_str(),
                  static_cast<long long>(s["frames"].get<int64_t>()),
                  static_cast<long long>(s["windows"].get<int64_t>()),
                  static_cast<long long>(s["subjects"].get<int64_t>()),
                  s["decodable"].get<bool>() ? "yes" : "no");
    out += line;
  }
  out += std::to_string(j["decodable_states"].get<int>()) + " state(s) would be decoded\n";
  for (const auto& n : j["notes"])
    out += "note: " + n.get<std::string>() + "\n";
  return out;
}

}  // namespace jobs
