#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakgate::text {

// Splits text into lines (without "\n" or a trailing "\r"); a final line without "\n" counts.
std::vector<std::string_view> split_lines(std::string_view text);

std::string_view trim(std::string_view s);

// The last `n` lines of `text`, each on a line of its own indented by four spaces (for error
// messages that quote a tool's or an app's output); "" for empty text.
std::string tail_lines(std::string_view text, std::size_t n);

// Splits on runs of spaces and tabs.
std::vector<std::string_view> split_words(std::string_view s);

// Parses a decimal number that may use ',' as a thousands separator ("95,528").
std::optional<std::uint64_t> parse_grouped_decimal(std::string_view s);

std::optional<std::uint64_t> parse_hex(std::string_view s);

// A duration for messages: "2 s", "0.5 s", "120 s" (at most three decimals, no trailing zeros).
std::string seconds(double value);

// `s` with every byte sequence that is not well-formed UTF-8 (stray continuation bytes, overlong
// forms, surrogates, truncated sequences) replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

// One word for a POSIX shell: unchanged when it holds only safe characters, else in single quotes
// with each ' written as '\'' (so a pasted command never runs part of a path).
std::string shell_quote(std::string_view word);

}  // namespace leakgate::text
