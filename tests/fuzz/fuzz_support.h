// What every fuzz target shares: the input as text and a way to report a broken invariant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace leakgate::fuzz {

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A broken invariant is a bug like a crash: abort, so libFuzzer keeps the input as a reproducer
// and the replay test fails.
inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz: broken invariant: %s\n", what);
  std::abort();
}

// Calls `each` with every line of `text` (split on '\n' only, as an app's stdout is read).
template <typename F>
void for_each_line(std::string_view text, F each) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    each(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

}  // namespace leakgate::fuzz
