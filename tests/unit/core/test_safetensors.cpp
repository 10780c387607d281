#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/io/safetensors.h"
#include "core/random/philox.h"
#include "error_of.h"
#include "temp_dir.h"

namespace {

using neuroseq_test::error_of;

// A file from a header text and raw data, for malformed cases.
std::vector<uint8_t> file_of(const std::string& header, const std::vector<float>& data = {},
                             size_t extra_bytes = 0) {
  std::vector<uint8_t> out(8 + header.size() + data.size() * 4 + extra_bytes, 0);
  const uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  std::memcpy(out.data() + 8, header.data(), header.size());
  if (!data.empty()) std::memcpy(out.data() + 8 + header.size(), data.data(), data.size() * 4);
  return out;
}

std::string parse_error(const std::vector<uint8_t>& bytes, core::SafetensorsOptions options = {}) {
  return error_of<std::runtime_error>(
      [&] { core::parse_safetensors(bytes, "model.safetensors", options); });
}

core::Tensor random_tensor(core::Shape shape, uint64_t stream) {
  core::RandomStream random(11, stream);
  std::vector<float> v(static_cast<size_t>(shape.numel()));
  for (auto& x : v)
    x = static_cast<float>(random.normal());
  return core::Tensor::from_values(shape, std::move(v));
}

std::vector<float> f32_range(int n) {
  std::vector<float> v;
  for (int i = 0; i < n; ++i)
    v.push_back(static_cast<float>(i));
  return v;
}

}  // namespace

// The byte vectors of the reference implementation's own serialisation tests.
TEST(Safetensors, WritesTheReferenceBytes) {
  const std::vector<core::NamedTensor> one{
      {"attn.0", core::Tensor::from_values({1, 2, 3}, f32_range(6))}};
  const std::vector<uint8_t> want{
      64, 0,  0,   0,   0,   0,   0,   0,   123, 34,  97,  116, 116, 110, 46,  48,
      34, 58, 123, 34,  100, 116, 121, 112, 101, 34,  58,  34,  70,  51,  50,  34,
      44, 34, 115, 104, 97,  112, 101, 34,  58,  91,  49,  44,  50,  44,  51,  93,
      44, 34, 100, 97,  116, 97,  95,  111, 102, 102, 115, 101, 116, 115, 34,  58,
      91, 48, 44,  50,  52,  93,  125, 125, 0,   0,   0,   0,   0,   0,   128, 63,
      0,  0,  0,   64,  0,   0,   64,  64,  0,   0,   128, 64,  0,   0,   160, 64};
  EXPECT_EQ(core::serialize_safetensors(one), want);

  // A shorter name: the header is padded with spaces to keep the data aligned.
  const std::vector<core::NamedTensor> padded{
      {"attn0", core::Tensor::from_values({1, 1, 2, 3}, f32_range(6))}};
  const auto bytes = core::serialize_safetensors(padded);
  EXPECT_EQ(bytes[0], 72);
  EXPECT_EQ(std::string(bytes.begin() + 8, bytes.begin() + 80),
            R"({"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}})"
            "       ");

  EXPECT_EQ(core::serialize_safetensors({}),
            (std::vector<uint8_t>{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '}));
  const auto meta = core::serialize_safetensors({}, {{"framework", "pt"}});
  EXPECT_EQ(std::string(meta.begin() + 8, meta.end()), R"({"__metadata__":{"framework":"pt"}})"
                                                       "     ");
}

TEST(Safetensors, RoundTripsTensorsAndMetadata) {
  const std::vector<core::NamedTensor> tensors{
      {"encoder.embed.weight", random_tensor({5, 3}, 1)},
      {"encoder.block.0.kernel", random_tensor({2, 3, 4, 5}, 2)},
      {"head.bias", random_tensor({4}, 3)},
      {"empty", core::Tensor({0, 3})},
      {"näme with \"quotes\" and\ttab", random_tensor({2, 1, 2}, 4)},
  };
  const core::SafetensorsMetadata metadata{{"format", "pt"}, {"note", "line\nbreak"}};
  const auto contents =
      core::parse_safetensors(core::serialize_safetensors(tensors, metadata), "x");
  EXPECT_EQ(contents.metadata, metadata);
  ASSERT_EQ(contents.tensors.size(), tensors.size());
  for (const auto& t : tensors) {
    const core::Tensor& got = contents.at(t.name);
    ASSERT_EQ(got.shape(), t.tensor.shape()) << t.name;
    for (int64_t i = 0; i < got.numel(); ++i)
      EXPECT_EQ(got.values()[static_cast<size_t>(i)], t.tensor.values()[static_cast<size_t>(i)]);
  }
  // Data order is name order.
  EXPECT_EQ(contents.tensors.front().name, "empty");
  EXPECT_EQ(contents.find("missing"), nullptr);
  EXPECT_THROW(contents.at("missing"), std::out_of_range);
}

TEST(Safetensors, AcceptsTensorsListedInAnyOrder) {
  const auto bytes = file_of(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},)"
                             R"("a":{"data_offsets":[0,8],"shape":[2],"dtype":"F32"}})",
                             {1, 2, 3});
  const auto contents = core::parse_safetensors(bytes, "x");
  EXPECT_EQ(contents.tensors[0].name, "a");
  EXPECT_EQ(contents.at("b").values()[0], 3.0f);
}

TEST(Safetensors, RejectsBrokenFramingWithTheFileAndTheProblem) {
  EXPECT_EQ(parse_error({1, 2, 3}),
            "model.safetensors: too short for the 8-byte header length (3 bytes)");
  auto bytes = file_of(R"({})");
  bytes[0] = 200;
  EXPECT_EQ(parse_error(bytes),
            "model.safetensors: header length 200 runs past the end of the file (2 bytes follow "
            "the length)");
  const uint64_t huge = 200'000'000;
  std::memcpy(bytes.data(), &huge, 8);
  EXPECT_NE(parse_error(bytes).find("exceeds the limit of 100000000 bytes"), std::string::npos);
  EXPECT_NE(parse_error(file_of(R"({"a": )")).find("the header is not valid JSON"),
            std::string::npos);
  EXPECT_EQ(parse_error(file_of(R"([1, 2])")),
            "model.safetensors: the header is not a JSON object");
  EXPECT_EQ(parse_error(file_of(R"({})", {}, 4)),
            "model.safetensors: 4 trailing bytes after the last tensor");
}

TEST(Safetensors, RejectsInconsistentTensorEntries) {
  const auto error = [](const std::string& entry, std::vector<float> data = {0, 0}) {
    return parse_error(file_of(R"({"w":)" + entry + "}", data));
  };
  EXPECT_EQ(error(R"({"dtype":"F33","shape":[2],"data_offsets":[0,8]})"),
            "model.safetensors: tensor 'w': unknown dtype 'F33'");
  EXPECT_EQ(error(R"({"dtype":"F64","shape":[1],"data_offsets":[0,8]})"),
            "model.safetensors: tensor 'w': dtype F64 is not supported (F32 only)");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[3],"data_offsets":[0,8]})"),
            "model.safetensors: tensor 'w': shape [3] of F32 does not fill data_offsets [0, 8] "
            "(8 bytes)");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[2],"data_offsets":[8,0]})"),
            "model.safetensors: tensor 'w': data_offsets [8, 0] end before they begin");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[4],"data_offsets":[0,16]})"),
            "model.safetensors: tensor 'w': data_offsets [0, 16] run past the 8 bytes of data");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1})"),
            "model.safetensors: tensor 'w': unknown field 'extra'");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[2]})"),
            "model.safetensors: tensor 'w': missing field 'data_offsets'");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[-2],"data_offsets":[0,8]})"),
            "model.safetensors: tensor 'w': shape is not an array of non-negative integers");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[2.0],"data_offsets":[0,8]})"),
            "model.safetensors: tensor 'w': shape is not an array of non-negative integers");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[],"data_offsets":[0,4]})", {0}),
            "model.safetensors: tensor 'w': 0-d (scalar) tensors are not supported");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[1,1,1,1,2],"data_offsets":[0,8]})"),
            "model.safetensors: tensor 'w': 5 dimensions, at most 4 are supported");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[4294967296,4294967296,0],"data_offsets":[0,0]})", {}),
            "model.safetensors: tensor 'w': shape [4294967296,4294967296,0] has too many elements");
  EXPECT_EQ(error(R"({"dtype":"F32","shape":[2],"data_offsets":[0]})"),
            "model.safetensors: tensor 'w': data_offsets is not a pair of non-negative integers");
  EXPECT_EQ(error(R"([0, 8])"),
            "model.safetensors: tensor 'w': expected an object with dtype, shape, data_offsets");
}

TEST(Safetensors, RejectsOverlapsGapsAndDuplicates) {
  const std::string a = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  EXPECT_EQ(parse_error(file_of(
                "{" + a + R"(,"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", {0, 0, 0})),
            "model.safetensors: tensor 'b' overlaps tensor 'a'");
  EXPECT_EQ(
      parse_error(file_of("{" + a + R"(,"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})",
                          {0, 0, 0, 0})),
      "model.safetensors: a gap of 4 bytes before tensor 'b'");
  EXPECT_EQ(parse_error(file_of("{" + a + "," + a + "}", {0, 0})),
            "model.safetensors: the header has the key 'a' twice");
  EXPECT_EQ(parse_error(file_of(
                R"({"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}})", {0, 0})),
            "model.safetensors: the header has the key 'dtype' twice");
  EXPECT_EQ(parse_error(file_of(R"({"__metadata__":{"epoch":3}})")),
            "model.safetensors: __metadata__ 'epoch' is not a string");
}

TEST(Safetensors, KeepsErrorsOnOneLine) {
  const auto message = parse_error(
      file_of("{\"evil\\nname\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}"));
  EXPECT_EQ(message,
            "model.safetensors: tensor 'evil\\x0aname': dtype F16 is not supported (F32 only)");
  EXPECT_EQ(parse_error(file_of("{\"a\n\":")).find('\n'), std::string::npos);
}

TEST(Safetensors, NonFiniteValuesAreRefusedUnlessAllowed) {
  const std::vector<core::NamedTensor> bad{
      {"w", core::Tensor::from_values({3}, {1.0f, NAN, 2.0f})}};
  EXPECT_EQ(error_of<std::runtime_error>([&] { core::serialize_safetensors(bad, {}, {}, "out"); }),
            "out: tensor 'w' holds a non-finite value at element 1");
  const auto bytes = core::serialize_safetensors(bad, {}, {true});
  EXPECT_EQ(parse_error(bytes),
            "model.safetensors: tensor 'w' holds a non-finite value at element 1");
  EXPECT_TRUE(std::isnan(core::parse_safetensors(bytes, "x", {true}).at("w").values()[1]));
}

TEST(Safetensors, WriterRefusesWhatCannotBeStored) {
  const auto t = core::Tensor::from_values({1}, {1});
  const auto message = [](const std::vector<core::NamedTensor>& tensors) {
    return error_of<std::invalid_argument>([&] { core::serialize_safetensors(tensors); });
  };
  EXPECT_EQ(message({{"a", t}, {"a", t}}), "safetensors: two tensors are named 'a'");
  EXPECT_EQ(message({{"", t}}), "safetensors: a tensor has an empty name");
  EXPECT_EQ(message({{"__metadata__", t}}), "safetensors: the name __metadata__ is reserved");
  EXPECT_EQ(message({{"a", core::Tensor()}}), "safetensors: tensor 'a' is empty");
  EXPECT_EQ(message({{"bad\xff", t}}), "safetensors: 'bad\xff' is not valid UTF-8");
}

TEST(Safetensors, WritesAtomicallyAndKeepsTheOldFileOnFailure) {
  neuroseq_test::TempDir dir("safetensors");
  const auto path = dir / "model.safetensors";
  const std::vector<core::NamedTensor> good{{"w", random_tensor({3, 2}, 5)}};
  core::write_safetensors(path, good);
  const std::vector<core::NamedTensor> bad{{"w", core::Tensor::from_values({1}, {INFINITY})}};
  EXPECT_THROW(core::write_safetensors(path, bad), std::runtime_error);
  EXPECT_EQ(core::read_safetensors(path).at("w").values()[5], good[0].tensor.values()[5]);
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++files;
  EXPECT_EQ(files, 1u) << "no temporary is left behind";
  EXPECT_EQ(error_of<std::runtime_error>([&] { core::read_safetensors(dir / "none.safetensors"); }),
            (dir / "none.safetensors").string() + ": cannot open");
}

TEST(Checkpoint, SavesWeightsWithTheConfigBesideThem) {
  neuroseq_test::TempDir dir("checkpoint");
  const auto weights = dir / "run" / "model.safetensors";
  const std::vector<core::NamedTensor> tensors{{"embed.weight", random_tensor({4, 2}, 6)}};
  const nlohmann::json config = {{"encoder", "hyena"}, {"d_model", 64}, {"dropout", 0.1}};
  core::save_checkpoint(weights, tensors, config, {{"epoch", "7"}});
  EXPECT_EQ(core::checkpoint_config_path(weights), dir / "run" / "model.json");
  std::ifstream sidecar(dir / "run" / "model.json");
  EXPECT_EQ(nlohmann::json::parse(sidecar), config);

  const auto loaded = core::load_checkpoint(weights);
  EXPECT_EQ(loaded.config, config);
  EXPECT_EQ(loaded.weights.metadata.at("epoch"), "7");
  EXPECT_EQ(loaded.weights.metadata.at("format"), "pt");
  EXPECT_EQ(loaded.weights.at("embed.weight").values()[3], tensors[0].tensor.values()[3]);
}

TEST(Checkpoint, DetectsAConfigFromAnotherSave) {
  neuroseq_test::TempDir dir("checkpoint_mismatch");
  const auto weights = dir / "model.safetensors";
  const std::vector<core::NamedTensor> tensors{{"w", random_tensor({2}, 7)}};
  core::save_checkpoint(weights, tensors, {{"d_model", 64}});
  {
    std::ofstream other(dir / "model.json");
    other << R"({"d_model": 128})";
  }
  EXPECT_NE(error_of<std::runtime_error>([&] {
              core::load_checkpoint(weights);
            }).find("model.json: differs from the config saved inside model.safetensors"),
            std::string::npos);
  std::filesystem::remove(dir / "model.json");
  EXPECT_NE(error_of<std::runtime_error>([&] {
              core::load_checkpoint(weights);
            }).find("model.json: cannot open"),
            std::string::npos);
  EXPECT_THROW(core::save_checkpoint(dir / "model.bin", tensors, {{"a", 1}}),
               std::invalid_argument);
  EXPECT_THROW(core::save_checkpoint(weights, tensors, {{"a", 1}}, {{"format", "tf"}}),
               std::invalid_argument);
  EXPECT_THROW(core::save_checkpoint(weights, tensors, nlohmann::json::array()),
               std::invalid_argument);
}
