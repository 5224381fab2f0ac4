#pragma once

#include <string>
#include <string_view>

namespace leakgate {

// Escapes text for XML and HTML element content and double-quoted attributes (type names such as
// Dictionary<String, List<Int32>> & co.). Control characters XML 1.0 forbids become U+FFFD.
std::string escape_markup(std::string_view text);

// A number with at most `decimals` decimals and no trailing zeros ("2", "2.35").
std::string format_number(double value, int decimals = 2);

}  // namespace leakgate
