#pragma once
// Safetensors files (huggingface/safetensors) and model checkpoints.
//
// Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON,
// then the tensor data. The JSON object maps each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} with offsets relative to
// the start of the data, and may hold "__metadata__": {string: string}.
//
// Writing follows the reference implementation byte for byte: tensors sorted
// by name and stored back to back, keys in the order dtype, shape,
// data_offsets, and the header padded with spaces to a multiple of 8 bytes so
// that the data starts aligned.
//
// Reading trusts nothing in the file. It throws std::runtime_error
// "<file>: <problem>" (one line) when the header length runs past the file or
// past 100 MB (the reference limit), the header is not a JSON object, a key
// appears twice, a field is missing, unknown or of the wrong type, the dtype
// is unknown or not F32 (the only one a Tensor holds), a shape has no or more
// than 4 dimensions, a tensor's byte range does not match its shape, begin >
// end, ranges overlap, leave a gap or stop short of the end of the file.
// Tensors may be listed in any order: as in the reference reader, they are
// checked in order of their offsets.
//
// Non-finite values (NaN, ±inf) are refused on both ends unless allowed: a
// diverged run must not overwrite a good checkpoint, and a damaged one should
// not load silently.

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor/named_tensor.h"

namespace core {

using SafetensorsMetadata = std::map<std::string, std::string>;

struct SafetensorsOptions {
  bool allow_non_finite = false;
};

struct SafetensorsContents {
  std::vector<NamedTensor> tensors;  // in the order of their data
  SafetensorsMetadata metadata;

  // nullptr when there is no tensor of that name.
  const Tensor* find(std::string_view name) const;
  // Throws std::out_of_range naming the missing tensor.
  const Tensor& at(std::string_view name) const;
};

// The whole file in memory. `what` prefixes error messages. Throws
// std::invalid_argument for tensors that cannot be stored (empty, 0-d, a
// duplicate, empty or non-UTF-8 name) and std::runtime_error for non-finite
// values.
std::vector<uint8_t> serialize_safetensors(std::span<const NamedTensor> tensors,
                                           const SafetensorsMetadata& metadata = {},
                                           const SafetensorsOptions& options = {},
                                           std::string_view what = "safetensors");

// Parses and checks a whole file held in memory; `source` names it in errors.
SafetensorsContents parse_safetensors(std::span<const uint8_t> bytes, std::string_view source,
                                      const SafetensorsOptions& options = {});

// Written through a temporary and renamed into place.
void write_safetensors(const std::filesystem::path& path, std::span<const NamedTensor> tensors,
                       const SafetensorsMetadata& metadata = {},
                       const SafetensorsOptions& options = {});
SafetensorsContents read_safetensors(const std::filesystem::path& path,
                                     const SafetensorsOptions& options = {});

// A checkpoint is `<name>.safetensors` with the model's JSON config beside it
// as `<name>.json`. The config is also embedded in the weights' metadata
// (key "neuroseq.config", with "format": "pt" for other tools), so that a
// sidecar from another save, e.g. one interrupted between the two renames,
// is detected when loading. Weights from other tools, without the embedded
// copy, load with the sidecar alone.
struct Checkpoint {
  SafetensorsContents weights;
  nlohmann::json config;
};

std::filesystem::path checkpoint_config_path(const std::filesystem::path& weights);

// `config` must be a JSON object; `metadata` must not use the reserved keys.
// Both files are written to temporaries first; the config is renamed into
// place just before the weights.
void save_checkpoint(const std::filesystem::path& weights, std::span<const NamedTensor> tensors,
                     const nlohmann::json& config, const SafetensorsMetadata& metadata = {});
// Throws std::runtime_error "<file>: <problem>" when either file is missing
// or malformed, or when the sidecar config differs from the embedded one.
Checkpoint load_checkpoint(const std::filesystem::path& weights,
                           const SafetensorsOptions& options = {});

}  // namespace core
