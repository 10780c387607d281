#include "core/io/safetensors.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>

#include "core/io/atomic_file.h"

namespace core {

// Tensor data is copied with memcpy: the file's little-endian floats are the
// host's floats only on a little-endian host.
static_assert(std::endian::native == std::endian::little, "safetensors needs a little-endian host");

namespace {

constexpr uint64_t kMaxHeaderBytes = 100'000'000;  // the reference implementation's limit
constexpr const char* kMetadataKey = "__metadata__";
constexpr const char* kConfigKey = "neuroseq.config";

// The format's dtypes: a dtype outside this list is a malformed file, one in
// it but not F32 is a file this reader cannot hold.
constexpr std::array<const char*, 19> kKnownDtypes = {
    "BOOL", "U8",  "I8",   "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4",  "F6_E2M3", "F6_E3M2", "I16",
    "U16",  "F16", "BF16", "I32",     "U32",     "F32",     "F64", "I64",     "U64"};

// Names and parser messages come from the file: control characters are
// escaped so that an error stays on one line, and long names are cut (on a
// UTF-8 character boundary).
std::string printable(std::string_view s, size_t limit) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (out.size() >= limit && (c & 0xC0) != 0x80) {
      out += "...";
      break;
    }
    if (c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string in_quotes(std::string_view name) {
  return "'" + printable(name, 80) + "'";
}

[[noreturn]] void fail(std::string_view source, const std::string& problem) {
  throw std::runtime_error(std::string(source) + ": " + problem);
}

// nlohmann::json keeps the last of two equal keys without a word; the parser
// callback sees every key, so duplicates are caught at any depth.
nlohmann::json parse_header_json(std::string_view text, std::string_view source) {
  using Event = nlohmann::json::parse_event_t;
  std::vector<std::set<std::string>> open_objects;
  std::optional<std::string> duplicate;
  const nlohmann::json::parser_callback_t track = [&](int, Event event, nlohmann::json& parsed) {
    if (event == Event::object_start) {
      open_objects.emplace_back();
    } else if (event == Event::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == Event::key && !open_objects.empty() && !duplicate) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second) duplicate = key;
    }
    return true;
  };
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text.begin(), text.end(), track);
  } catch (const nlohmann::json::exception& e) {
    fail(source, "the header is not valid JSON: " + printable(e.what(), 200));
  }
  if (duplicate) fail(source, "the header has the key " + in_quotes(*duplicate) + " twice");
  return header;
}

void read_metadata(const nlohmann::json& value, std::string_view source,
                   SafetensorsMetadata& metadata) {
  if (!value.is_object()) fail(source, "__metadata__ is not an object of strings");
  for (const auto& [key, text] : value.items()) {
    if (!text.is_string()) fail(source, "__metadata__ " + in_quotes(key) + " is not a string");
    metadata[key] = text.get<std::string>();
  }
}

struct Entry {
  std::string name;
  std::array<int64_t, 4> dims{};
  int rank = 0;
  uint64_t begin = 0;
  uint64_t end = 0;
};

Entry read_entry(const std::string& name, const nlohmann::json& value, uint64_t data_size,
                 std::string_view source) {
  const std::string what = "tensor " + in_quotes(name);
  if (!value.is_object())
    fail(source, what + ": expected an object with dtype, shape, data_offsets");
  for (const auto& item : value.items()) {
    const auto& key = item.key();
    if (key != "dtype" && key != "shape" && key != "data_offsets") {
      fail(source, what + ": unknown field " + in_quotes(key));
    }
  }
  const auto field = [&](const char* key) -> const nlohmann::json& {
    const auto it = value.find(key);
    if (it == value.end()) fail(source, what + ": missing field '" + key + "'");
    return *it;
  };

  const auto& dtype = field("dtype");
  if (!dtype.is_string()) fail(source, what + ": dtype is not a string");
  const auto& dtype_name = dtype.get_ref<const std::string&>();
  if (std::find(kKnownDtypes.begin(), kKnownDtypes.end(), dtype_name) == kKnownDtypes.end()) {
    fail(source, what + ": unknown dtype " + in_quotes(dtype_name));
  }
  if (dtype_name != "F32")
    fail(source, what + ": dtype " + dtype_name + " is not supported (F32 only)");

  const auto& shape = field("shape");
  const bool dims_ok = shape.is_array() &&
                       std::all_of(shape.begin(), shape.end(),
                                   [](const nlohmann::json& d) { return d.is_number_unsigned(); });
  if (!dims_ok) fail(source, what + ": shape is not an array of non-negative integers");
  if (shape.empty()) fail(source, what + ": 0-d (scalar) tensors are not supported");
  if (shape.size() > 4) {
    fail(source,
         what + ": " + std::to_string(shape.size()) + " dimensions, at most 4 are supported");
  }
  Entry entry;
  entry.name = name;
  entry.rank = static_cast<int>(shape.size());
  // The product of the non-zero dimensions must fit in int64_t: Shape
  // multiplies dimensions in order, also for a tensor with a zero dimension.
  uint64_t product = 1;
  bool has_zero = false;
  for (size_t i = 0; i < shape.size(); ++i) {
    const auto d = shape[i].get<uint64_t>();
    if (d == 0) {
      has_zero = true;
    } else if (product > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / d) {
      fail(source, what + ": shape " + shape.dump() + " has too many elements");
    } else {
      product *= d;
    }
    entry.dims[i] = static_cast<int64_t>(d);
  }
  const uint64_t numel = has_zero ? 0 : product;

  const auto& offsets = field("data_offsets");
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    fail(source, what + ": data_offsets is not a pair of non-negative integers");
  }
  entry.begin = offsets[0].get<uint64_t>();
  entry.end = offsets[1].get<uint64_t>();
  const std::string range =
      "data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "]";
  if (entry.begin > entry.end) fail(source, what + ": " + range + " end before they begin");
  if (entry.end > data_size) {
    fail(source,
         what + ": " + range + " run past the " + std::to_string(data_size) + " bytes of data");
  }
  const uint64_t bytes = entry.end - entry.begin;
  if (bytes % 4 != 0 || bytes / 4 != numel) {
    fail(source, what + ": shape " + shape.dump() + " of F32 does not fill " + range + " (" +
                     std::to_string(bytes) + " bytes)");
  }
  return entry;
}

std::string json_string(const std::string& text, std::string_view what) {
  try {
    return nlohmann::json(text).dump();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(std::string(what) + ": " + in_quotes(text) + " is not valid UTF-8");
  }
}

void check_finite(const NamedTensor& t, std::string_view what) {
  const auto values = t.tensor.values();
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      fail(what, "tensor " + in_quotes(t.name) + " holds a non-finite value at element " +
                     std::to_string(i));
    }
  }
}

// The header text (padded) and the tensors in the order of their data.
struct Prepared {
  std::string header;
  std::vector<const NamedTensor*> order;
  uint64_t data_bytes = 0;
};

Prepared prepare(std::span<const NamedTensor> tensors, const SafetensorsMetadata& metadata,
                 const SafetensorsOptions& options, std::string_view what) {
  const auto invalid = [&](const std::string& problem) {
    throw std::invalid_argument(std::string(what) + ": " + problem);
  };
  Prepared out;
  for (const auto& t : tensors)
    out.order.push_back(&t);
  std::sort(out.order.begin(), out.order.end(),
            [](const NamedTensor* a, const NamedTensor* b) { return a->name < b->name; });

  std::string& header = out.header;
  header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (auto it = metadata.begin(); it != metadata.end(); ++it) {
      if (it != metadata.begin()) header += ',';
      header += json_string(it->first, what) + ":" + json_string(it->second, what);
    }
    header += '}';
  }
  for (size_t i = 0; i < out.order.size(); ++i) {
    const NamedTensor& t = *out.order[i];
    if (t.name.empty()) invalid("a tensor has an empty name");
    if (t.name == kMetadataKey) invalid("the name __metadata__ is reserved");
    if (i > 0 && out.order[i - 1]->name == t.name)
      invalid("two tensors are named " + in_quotes(t.name));
    if (t.tensor.empty() || t.tensor.rank() == 0)
      invalid("tensor " + in_quotes(t.name) + " is empty");
    if (t.tensor.device() != Device::kCpu) {
      invalid("tensor " + in_quotes(t.name) + " is not on the CPU; copy it there first");
    }
    if (!options.allow_non_finite) check_finite(t, what);
    const auto bytes = static_cast<uint64_t>(t.tensor.numel()) * sizeof(float);
    if (header.size() > 1) header += ',';
    header += json_string(t.name, what) + ":{\"dtype\":\"F32\",\"shape\":[";
    for (int d = 0; d < t.tensor.rank(); ++d) {
      if (d > 0) header += ',';
      header += std::to_string(t.tensor.size(d));
    }
    header += "],\"data_offsets\":[" + std::to_string(out.data_bytes) + "," +
              std::to_string(out.data_bytes + bytes) + "]}";
    out.data_bytes += bytes;
  }
  header += '}';
  // Spaces up to a multiple of 8, as the reference writer: the data then
  // starts 8-byte aligned in the file.
  header.append((8 - header.size() % 8) % 8, ' ');
  return out;
}

std::array<char, 8> length_field(uint64_t n) {
  std::array<char, 8> out{};
  std::memcpy(out.data(), &n, 8);
  return out;
}

std::vector<uint8_t> read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) throw std::runtime_error(path.string() + ": cannot determine the size");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), size);
  if (!in) throw std::runtime_error(path.string() + ": read failed");
  return bytes;
}

void write_file(const std::filesystem::path& file, std::string_view what,
                std::span<const NamedTensor> tensors, const SafetensorsMetadata& metadata,
                const SafetensorsOptions& options) {
  const Prepared prepared = prepare(tensors, metadata, options, what);
  std::ofstream out(file, std::ios::binary);
  const auto length = length_field(prepared.header.size());
  out.write(length.data(), 8);
  out.write(prepared.header.data(), static_cast<std::streamsize>(prepared.header.size()));
  for (const NamedTensor* t : prepared.order) {
    out.write(reinterpret_cast<const char*>(t->tensor.data()),
              static_cast<std::streamsize>(t->tensor.numel() * sizeof(float)));
  }
  out.close();
  if (!out) throw std::runtime_error(std::string(what) + ": write failed (disk full?)");
}

}  // namespace

const Tensor* SafetensorsContents::find(std::string_view name) const {
  for (const auto& t : tensors) {
    if (t.name == name) return &t.tensor;
  }
  return nullptr;
}

const Tensor& SafetensorsContents::at(std::string_view name) const {
  if (const Tensor* t = find(name)) return *t;
  throw std::out_of_range("no tensor named " + in_quotes(name));
}

std::vector<uint8_t> serialize_safetensors(std::span<const NamedTensor> tensors,
                                           const SafetensorsMetadata& metadata,
                                           const SafetensorsOptions& options,
                                           std::string_view what) {
  const Prepared prepared = prepare(tensors, metadata, options, what);
  // Sized once and filled with memcpy (vector::insert of byte ranges trips
  // GCC 12's -Wstringop-overflow false positive).
  std::vector<uint8_t> out(8 + prepared.header.size() + prepared.data_bytes);
  const auto length = length_field(prepared.header.size());
  std::memcpy(out.data(), length.data(), 8);
  std::memcpy(out.data() + 8, prepared.header.data(), prepared.header.size());
  size_t at = 8 + prepared.header.size();
  for (const NamedTensor* t : prepared.order) {
    const size_t bytes = static_cast<size_t>(t->tensor.numel()) * sizeof(float);
    if (bytes > 0) std::memcpy(out.data() + at, t->tensor.data(), bytes);
    at += bytes;
  }
  return out;
}

SafetensorsContents parse_safetensors(std::span<const uint8_t> bytes, std::string_view source,
                                      const SafetensorsOptions& options) {
  if (bytes.size() < 8) {
    fail(source,
         "too short for the 8-byte header length (" + std::to_string(bytes.size()) + " bytes)");
  }
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  const uint64_t after_length = bytes.size() - 8;
  if (n > kMaxHeaderBytes) {
    fail(source, "header length " + std::to_string(n) + " exceeds the limit of " +
                     std::to_string(kMaxHeaderBytes) + " bytes");
  }
  if (n > after_length) {
    fail(source, "header length " + std::to_string(n) + " runs past the end of the file (" +
                     std::to_string(after_length) + " bytes follow the length)");
  }
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + 8),
                              static_cast<size_t>(n));
  const nlohmann::json header = parse_header_json(text, source);
  if (!header.is_object()) fail(source, "the header is not a JSON object");
  const uint64_t data_size = after_length - n;
  const uint8_t* data = bytes.data() + 8 + n;

  SafetensorsContents out;
  std::vector<Entry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == kMetadataKey) {
      read_metadata(value, source, out.metadata);
    } else {
      entries.push_back(read_entry(key, value, data_size, source));
    }
  }
  // Header order means nothing (a JSON object); the data must be covered
  // exactly once, from 0 to the end of the file, in offset order.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t covered = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (e.begin < covered) {
      fail(source,
           "tensor " + in_quotes(e.name) + " overlaps tensor " + in_quotes(entries[i - 1].name));
    }
    if (e.begin > covered) {
      fail(source, "a gap of " + std::to_string(e.begin - covered) + " bytes before tensor " +
                       in_quotes(e.name));
    }
    covered = e.end;
  }
  if (covered != data_size) {
    fail(source, std::to_string(data_size - covered) + " trailing bytes after the last tensor");
  }

  for (const Entry& e : entries) {
    std::vector<float> values(static_cast<size_t>((e.end - e.begin) / sizeof(float)));
    if (!values.empty()) std::memcpy(values.data(), data + e.begin, e.end - e.begin);
    if (!options.allow_non_finite) {
      for (size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
          fail(source, "tensor " + in_quotes(e.name) + " holds a non-finite value at element " +
                           std::to_string(i));
        }
      }
    }
    const Shape shape(std::span<const int64_t>(e.dims.data(), static_cast<size_t>(e.rank)));
    out.tensors.push_back({e.name, Tensor::from_values(shape, std::move(values))});
  }
  return out;
}

void write_safetensors(const std::filesystem::path& path, std::span<const NamedTensor> tensors,
                       const SafetensorsMetadata& metadata, const SafetensorsOptions& options) {
  write_atomically(path, [&](const std::filesystem::path& tmp) {
    write_file(tmp, path.string(), tensors, metadata, options);
  });
}

SafetensorsContents read_safetensors(const std::filesystem::path& path,
                                     const SafetensorsOptions& options) {
  const auto bytes = read_all(path);
  return parse_safetensors(bytes, path.string(), options);
}

std::filesystem::path checkpoint_config_path(const std::filesystem::path& weights) {
  if (weights.extension() != ".safetensors") {
    throw std::invalid_argument(weights.string() +
                                ": a checkpoint's weights file must end in .safetensors");
  }
  auto config = weights;
  config.replace_extension(".json");
  return config;
}

void save_checkpoint(const std::filesystem::path& weights, std::span<const NamedTensor> tensors,
                     const nlohmann::json& config, const SafetensorsMetadata& metadata) {
  const auto config_path = checkpoint_config_path(weights);
  if (!config.is_object()) {
    throw std::invalid_argument(config_path.string() + ": the config must be a JSON object");
  }
  for (const char* reserved : {"format", kConfigKey}) {
    if (metadata.count(reserved)) {
      throw std::invalid_argument(weights.string() + ": the metadata key '" + reserved +
                                  "' is reserved");
    }
  }
  std::string compact, pretty;
  try {
    compact = config.dump();
    pretty = config.dump(2) + "\n";
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(config_path.string() + ": the config has a non-UTF-8 string");
  }
  SafetensorsMetadata all = metadata;
  all["format"] = "pt";  // what Hugging Face tools expect of PyTorch-layout weights
  all[kConfigKey] = compact;
  write_atomically(weights, [&](const std::filesystem::path& tmp) {
    write_file(tmp, weights.string(), tensors, all, {});
    // Only now, with the weights complete, does the config go into place;
    // the weights follow when this returns.
    write_text_atomically(config_path, pretty);
  });
}

Checkpoint load_checkpoint(const std::filesystem::path& weights,
                           const SafetensorsOptions& options) {
  const auto config_path = checkpoint_config_path(weights);
  Checkpoint checkpoint;
  checkpoint.weights = read_safetensors(weights, options);
  const auto bytes = read_all(config_path);
  try {
    checkpoint.config = nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::exception& e) {
    fail(config_path.string(), "not valid JSON: " + printable(e.what(), 200));
  }
  if (!checkpoint.config.is_object()) fail(config_path.string(), "the config is not a JSON object");
  const auto embedded = checkpoint.weights.metadata.find(kConfigKey);
  if (embedded != checkpoint.weights.metadata.end()) {
    nlohmann::json saved;
    try {
      saved = nlohmann::json::parse(embedded->second);
    } catch (const nlohmann::json::exception&) {
      fail(weights.string(), std::string("the embedded ") + kConfigKey + " is not valid JSON");
    }
    if (saved != checkpoint.config) {
      fail(config_path.string(), "differs from the config saved inside " +
                                     weights.filename().string() +
                                     " (the two files come from different saves)");
    }
  }
  return checkpoint;
}

}  // namespace core
