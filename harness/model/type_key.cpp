#include "model/type_key.h"

#include <cctype>

namespace leakgate {

namespace {

bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Skips "N" or "N_M" at `at`; returns the position after it, or `at` when there is no number.
std::size_t skip_ordinal(std::string_view s, std::size_t at, bool allow_pair) {
  std::size_t i = at;
  while (i < s.size() && digit(s[i])) ++i;
  if (i == at) return at;
  if (allow_pair && i + 1 < s.size() && s[i] == '_' && digit(s[i + 1])) {
    ++i;
    while (i < s.size() && digit(s[i])) ++i;
  }
  return i;
}

struct Marker {
  std::string_view text;  // what precedes the ordinal
  bool pair;              // the ordinal may be "N_M"
};

// Generated-name markers after which the compiler writes an ordinal.
constexpr Marker kMarkers[] = {
    {"<>c__DisplayClass", true},  // closure class: method ordinal _ closure ordinal
    {"<>f__AnonymousType", false},
    {"<>c__", false},  // lambda cache of a generic method
    {">d__", false},   // async state machine or iterator
    {">e__", false},   // local function's state machine
};

}  // namespace

std::string type_key(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  std::size_t i = 0;
  while (i < name.size()) {
    bool replaced = false;
    for (const auto& m : kMarkers) {
      if (name.compare(i, m.text.size(), m.text) != 0) continue;
      const std::size_t start = i + m.text.size();
      const std::size_t end = skip_ordinal(name, start, m.pair);
      if (end == start) continue;
      out.append(m.text);
      out.push_back('#');
      i = end;
      replaced = true;
      break;
    }
    if (!replaced) out.push_back(name[i++]);
  }
  return out;
}

bool is_framework_type(std::string_view type_name) {
  return type_name.starts_with("System.") || type_name.starts_with("Microsoft.") ||
         type_name == kFreeSpaceType;
}

bool is_compiler_generated(std::string_view type_name) {
  // Outside generic arguments only: "List<Program+<>c__DisplayClass1_0>" is a List.
  int depth = 0;
  for (std::size_t at = 0; at < type_name.size(); ++at) {
    const char c = type_name[at];
    if (c == '<') {
      if (depth == 0 && (at == 0 || type_name[at - 1] == '+' || type_name[at - 1] == '.')) {
        return true;
      }
      ++depth;
    } else if (c == '>' && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace leakgate
