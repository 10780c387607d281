#pragma once
// Model weights in checkpoints: every parameter under its own name, with the
// architecture in the checkpoint's JSON config. Loading checks names and
// shapes, so that a model never runs with weights meant for another.

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/io/safetensors.h"
#include "core/nn/module.h"

namespace core {

std::vector<NamedTensor> parameter_tensors(std::span<Parameter* const> parameters);

// Copies each parameter's value from `weights` (by name). Names starting with
// `prefix` only are loaded when prefix is not empty, e.g. "encoder." to take a
// pretrained encoder into a decoder. Throws std::runtime_error
// "<source>: <problem>" for a missing tensor or a shape that differs.
void load_parameters(const SafetensorsContents& weights, std::span<Parameter* const> parameters,
                     const std::string& source, const std::string& prefix = "");

// The encoder config from a checkpoint's JSON ("encoder" object); throws
// std::runtime_error "<source>: <problem>".
struct EncoderConfig;
EncoderConfig encoder_config_of(const Checkpoint& checkpoint, const std::string& source);

}  // namespace core
