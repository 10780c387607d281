// The words of --confound-strategy: reading, checking and writing them.
#include "neuro/signal/confound_strategy.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>
#include <stdexcept>
#include <utility>

#include "core/io/text_fields.h"

namespace neuro {

namespace {

constexpr const char* kWords[] = {"motion",    "wm_csf", "global_signal",   "compcor",
                                  "high_pass", "scrub",  "non_steady_state"};
constexpr const char* kLevels[] = {"basic", "derivatives", "power2", "full"};
constexpr const char* kCompcorTypes[] = {"anat_combined", "anat_separated", "temporal",
                                         "temporal_anat_combined", "temporal_anat_separated"};
template <size_t N>
bool one_of(std::string_view word, const char* const (&list)[N]) {
  return std::find(std::begin(list), std::end(list), word) != std::end(list);
}

template <size_t N>
std::string joined(const char* const (&list)[N]) {
  std::string out;
  for (const char* item : list)
    out += (out.empty() ? "" : ", ") + std::string(item);
  return out;
}

std::string valid_words() {
  return "valid: " + joined(kWords) + "; parameters: n_compcor, fd_threshold, std_dvars_threshold";
}

bool expands(std::string_view word) {
  return word == "motion" || word == "wm_csf" || word == "global_signal";
}

}  // namespace

bool ConfoundStrategy::uses(std::string_view name) const {
  return std::find(strategy.begin(), strategy.end(), name) != strategy.end();
}

void check_confound_strategy(const ConfoundStrategy& s) {
  const std::string where = "confound strategy '" + describe(s) + "': ";
  std::set<std::string> seen;
  for (const std::string& word : s.strategy) {
    if (!one_of(word, kWords)) {
      throw std::invalid_argument(where + "unknown word '" + word + "'; " + valid_words());
    }
    if (!seen.insert(word).second) throw std::invalid_argument(where + "'" + word + "' twice");
  }
  const std::pair<const char*, const std::string*> levels[] = {
      {"motion", &s.motion}, {"wm_csf", &s.wm_csf}, {"global_signal", &s.global_signal}};
  for (const auto& [word, level_ptr] : levels) {
    const std::string& level = *level_ptr;
    if (!one_of(level, kLevels)) {
      throw std::invalid_argument(where + "unknown level '" + level + "' for " + word +
                                  "; valid: " + joined(kLevels));
    }
  }
  if (!one_of(s.compcor, kCompcorTypes)) {
    throw std::invalid_argument(where + "unknown compcor type '" + s.compcor +
                                "'; valid: " + joined(kCompcorTypes));
  }
  if (s.n_compcor == 0 || s.n_compcor < -1) {
    throw std::invalid_argument(where + "n_compcor must be a positive number or all (-1), not " +
                                std::to_string(s.n_compcor));
  }
  if (!std::isfinite(s.fd_threshold) || s.fd_threshold < 0 ||
      !std::isfinite(s.std_dvars_threshold) || s.std_dvars_threshold < 0) {
    throw std::invalid_argument(where + "fd_threshold and std_dvars_threshold must be >= 0");
  }
  if (s.scrub_min_segment < 0) {
    throw std::invalid_argument(where + "scrub (the minimum segment) must be >= 0");
  }
  if (s.uses("compcor") && !s.uses("high_pass")) {
    throw std::invalid_argument(where +
                                "compcor needs high_pass too: fMRIPrep computes CompCor after "
                                "removing the cosine drifts, which must be regressed with it");
  }
}

ConfoundStrategy parse_confound_strategy(std::string_view spec) {
  const std::string where = "confound strategy '" + std::string(spec) + "': ";
  auto fail = [&](const std::string& what) { throw std::invalid_argument(where + what); };
  if (core::trim(spec).empty()) fail("empty; " + valid_words());

  ConfoundStrategy s;
  s.strategy.clear();
  std::set<std::string> given;
  auto once = [&](const std::string& key) {
    if (!given.insert(key).second) fail("'" + key + "' given twice");
  };
  auto number = [&](const std::string& key, std::string_view value) {
    const auto v = core::parse_double(value);
    if (!v || !std::isfinite(*v) || *v < 0) {
      fail(key + " must be a number >= 0, not '" + std::string(value) + "'");
    }
    return *v;
  };
  auto count = [&](const std::string& key, std::string_view value, int64_t least) {
    const auto v = core::parse_integer(value);
    if (!v || *v < least || *v > 1000000) {
      fail(key + " must be a whole number >= " + std::to_string(least) + ", not '" +
           std::string(value) + "'");
    }
    return static_cast<int>(*v);
  };
  auto components = [&](std::string_view value) {
    once("n_compcor");
    return value == "all" ? -1 : count("n_compcor", value, 1);
  };

  for (std::string_view item : core::split(spec, ',')) {
    item = core::trim(item);
    if (item.empty()) fail("an empty item between commas");
    const size_t eq = item.find('=');
    const std::string key(core::trim(item.substr(0, eq)));
    const bool has_value = eq != std::string_view::npos;
    const std::string_view value = has_value ? core::trim(item.substr(eq + 1)) : std::string_view();
    if (has_value && value.empty()) fail("'" + key + "=' without a value");
    const bool parameter =
        key == "n_compcor" || key == "fd_threshold" || key == "std_dvars_threshold";
    if (!parameter && !one_of(key, kWords)) fail("unknown word '" + key + "'; " + valid_words());
    if (key != "n_compcor") once(key);
    if (parameter && !has_value) fail("'" + key + "' needs a value: " + key + "=...");

    if (expands(key)) {
      std::string& level = key == "motion"   ? s.motion
                           : key == "wm_csf" ? s.wm_csf
                                             : s.global_signal;
      if (has_value) {
        if (!one_of(value, kLevels)) {
          fail("unknown level '" + std::string(value) + "' for " + key +
               "; valid: " + joined(kLevels));
        }
        level = value;
      }
    } else if (key == "compcor" && has_value) {
      const size_t colon = value.find(':');
      const std::string type(core::trim(value.substr(0, colon)));
      if (!one_of(type, kCompcorTypes)) {
        fail("unknown compcor type '" + type + "'; valid: " + joined(kCompcorTypes) +
             " (then :N or :all)");
      }
      s.compcor = type;
      if (colon != std::string_view::npos)
        s.n_compcor = components(core::trim(value.substr(colon + 1)));
    } else if (key == "scrub" && has_value) {
      s.scrub_min_segment = count("scrub", value, 0);
    } else if ((key == "high_pass" || key == "non_steady_state") && has_value) {
      fail("'" + key + "' takes no value");
    } else if (key == "n_compcor") {
      s.n_compcor = components(value);
    } else if (key == "fd_threshold") {
      s.fd_threshold = number(key, value);
    } else if (key == "std_dvars_threshold") {
      s.std_dvars_threshold = number(key, value);
    }
    // Non-steady-state frames are always handled (nilearn warns likewise).
    if (!parameter && key != "non_steady_state") s.strategy.push_back(key);
  }
  if (given.count("n_compcor") && !s.uses("compcor")) fail("n_compcor needs compcor");
  for (const char* key : {"fd_threshold", "std_dvars_threshold"}) {
    if (given.count(key) && !s.uses("scrub")) fail(std::string(key) + " needs scrub");
  }
  if (s.uses("compcor") && !s.uses("high_pass")) {
    fail(
        "compcor needs high_pass too: fMRIPrep computes CompCor after removing the cosine "
        "drifts, which must be regressed with it");
  }
  check_confound_strategy(s);
  return s;
}

std::string describe(const ConfoundStrategy& s) {
  std::string out;
  auto item = [&](const std::string& text) { out += (out.empty() ? "" : ",") + text; };
  for (const std::string& word : s.strategy) {
    if (word == "motion") {
      item("motion=" + s.motion);
    } else if (word == "wm_csf") {
      item("wm_csf=" + s.wm_csf);
    } else if (word == "global_signal") {
      item("global_signal=" + s.global_signal);
    } else if (word == "compcor") {
      item("compcor=" + s.compcor + ":" +
           (s.n_compcor < 0 ? std::string("all") : std::to_string(s.n_compcor)));
    } else if (word == "scrub") {
      item("scrub=" + std::to_string(s.scrub_min_segment));
      item("fd_threshold=" + core::format_double(s.fd_threshold));
      item("std_dvars_threshold=" + core::format_double(s.std_dvars_threshold));
    } else if (word != "non_steady_state") {
      item(word);
    }
  }
  item("non_steady_state");
  return out;
}

}  // namespace neuro
