#include "core/io/text_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace core {

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path.string() + ": cannot be read");
  return text.str();
}

}  // namespace core
