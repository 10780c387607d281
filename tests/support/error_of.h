#pragma once
// The message of the exception a call throws, for tests that check what an
// error says.

#include <exception>
#include <functional>
#include <string>

namespace neuroseq_test {

// Runs `call` and returns what() of the Exception it throws, or "" when it
// throws nothing: an empty message matches no expected text. Exceptions of
// other types propagate, so the test fails on them.
template <typename Exception = std::exception>
std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace neuroseq_test
