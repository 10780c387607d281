// Runs a fuzz target without libFuzzer, so that every build checks it: each
// seed file as is, then deterministic mutations of it (bit flips, overwritten
// fields with extreme values, truncations).

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/random/philox.h"

#ifdef NEUROSEQ_REPLAY_WHOLE_FILES
// Formats parsed whole and uncompressed (safetensors): no link to neuro.
#include <iterator>
namespace {
std::vector<uint8_t> read_seed(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace
#else
#include "neuro/image/gzip_file.h"
namespace {
std::vector<uint8_t> read_seed(const std::filesystem::path& path) {
  return neuro::read_file_prefix(path, 544);
}
}  // namespace
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  size_t runs = 0;
  for (int a = 1; a < argc; ++a) {
    const std::filesystem::path seed_path = argv[a];
    if (!std::filesystem::exists(seed_path)) continue;
    const auto seed = read_seed(seed_path);
    LLVMFuzzerTestOneInput(seed.data(), seed.size());
    core::RandomStream random(2024, static_cast<uint64_t>(a));
    for (int i = 0; i < 20000; ++i) {
      std::vector<uint8_t> input = seed;
      const int edits = 1 + static_cast<int>(random.below(8));
      for (int e = 0; e < edits && !input.empty(); ++e) {
        const size_t at = random.below(input.size());
        switch (random.below(4)) {
          case 0:
            input[at] ^= static_cast<uint8_t>(1u << random.below(8));
            break;
          case 1:
            input[at] = 0xff;
            break;
          case 2:
            input[at] = 0x80;
            break;
          default:
            input.resize(at);
            break;
        }
      }
      LLVMFuzzerTestOneInput(input.data(), input.size());
      ++runs;
    }
  }
  if (runs == 0) {
    std::printf("SKIPPED: no seed files found\n");
    return 77;
  }
  std::printf("replayed %zu inputs without a crash\n", runs);
  return 0;
}
