#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leakgate {

// Escapes text for XML and HTML element content and double-quoted attributes (type names such as
// Dictionary<String, List<Int32>> & co.). Control characters XML 1.0 forbids become U+FFFD.
std::string escape_markup(std::string_view text);

// A number with at most `decimals` decimals and no trailing zeros ("2", "2.35").
std::string format_number(double value, int decimals = 2);

// The lines joined with '\n' (each line ended), as many as fit in `max_bytes` with the note
// "... N more line(s) <where>" after them when some do not.
std::string bounded_lines(const std::vector<std::string>& lines, std::size_t max_bytes,
                          const std::string& where);
std::string bounded_lines(const std::vector<std::string_view>& lines, std::size_t max_bytes,
                          const std::string& where);

// `line` when it has at most `max_bytes`, else its head and tail around " ... " (cut at UTF-8
// character boundaries), `max_bytes` long at most.
std::string shorten_middle(std::string_view line, std::size_t max_bytes);

}  // namespace leakgate
