#pragma once
// A tensor with the name it is stored under (checkpoints, optimiser state).

#include <string>

#include "core/tensor/tensor.h"

namespace core {

struct NamedTensor {
  std::string name;
  Tensor tensor;
};

}  // namespace core
