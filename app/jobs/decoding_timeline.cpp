#include "app/jobs/decoding_timeline.h"

#include <algorithm>
#include <cstdio>

#include "app/jobs/encoder_windows.h"
#include "core/io/atomic_file.h"

namespace jobs {

namespace {
constexpr int64_t kBatch = 64;
}

std::vector<DecodedRun> decode_timelines(core::WindowClassifier& model,
                                         const std::vector<RunSeries>& runs,
                                         const WindowTable& table,
                                         std::span<const size_t> test_rows, int64_t frames) {
  std::vector<DecodedRun> out;
  for (const auto& run : runs) {
    const bool tested = std::any_of(test_rows.begin(), test_rows.end(),
                                    [&](size_t r) { return table.run[r] == &run; });
    if (!tested || run.series.frames < frames) continue;
    DecodedRun decoded{&run, std::vector<int>(static_cast<size_t>(run.series.frames), -1)};
    std::vector<WindowRef> refs;
    for (int64_t start = 0; start + frames <= run.series.frames; ++start)
      refs.push_back({&run, start, 0, 0});
    for (size_t at = 0; at < refs.size(); at += kBatch) {
      const auto chunk = std::span(refs).subspan(at, std::min<size_t>(kBatch, refs.size() - at));
      core::Context ctx;
      const auto logits = model.forward(gather_windows(chunk, frames), ctx);
      const int64_t k = logits.size(1);
      for (size_t i = 0; i < chunk.size(); ++i) {
        const float* row = logits.data() + static_cast<int64_t>(i) * k;
        decoded.decoded[static_cast<size_t>(chunk[i].start + frames - 1)] =
            static_cast<int>(std::max_element(row, row + k) - row);
      }
    }
    out.push_back(std::move(decoded));
  }
  return out;
}

void write_timeline_tsv(const std::filesystem::path& path, const std::vector<std::string>& states,
                        const std::vector<DecodedRun>& timelines) {
  std::string text = "subject\ttask\trun\tframe\tonset_s\ttrue_state\tdecoded_state\n";
  char line[512];
  for (const auto& t : timelines) {
    const auto& r = *t.run;
    for (size_t f = 0; f < t.decoded.size(); ++f) {
      const int truth = r.labels.frames[f];
      std::snprintf(line, sizeof(line), "%s\t%s\t%s\t%zu\t%.3f\t%s\t%s\n", r.run->subject.c_str(),
                    r.run->task.c_str(), r.run->run.empty() ? "n/a" : r.run->run.c_str(), f,
                    static_cast<double>(f) * r.series.tr_seconds,
                    truth < 0 ? "n/a" : states[static_cast<size_t>(truth)].c_str(),
                    t.decoded[f] < 0 ? "n/a" : states[static_cast<size_t>(t.decoded[f])].c_str());
      text += line;
    }
  }
  core::write_text_atomically(path, text);
}

}  // namespace jobs
