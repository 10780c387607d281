#pragma once
// The one line a user reads when a job fails, the same in the terminal and in
// the desktop application: the exception's message (which names the file or
// field and the problem) with its line breaks folded, so that it fits one
// line of a log or a status bar.

#include <exception>
#include <string>
#include <string_view>

namespace jobs {

inline std::string one_line_message(std::string_view message) {
  std::string line(message);
  for (auto& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

inline std::string error_message(const std::exception& error) {
  return one_line_message(error.what());
}

}  // namespace jobs
