#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakgate::protocol {

// The control protocol between leakgate and a scenario app (scenarios/PROTOCOL.md).
inline constexpr int kVersion = 1;
inline constexpr std::string_view kPrefix = "@leakgate ";

struct Message {
  enum class Kind { kHello, kOk, kError };
  Kind kind = Kind::kOk;
  int version = 0;                           // hello only
  std::uint64_t seq = 0;                     // ok and error
  std::string text;                          // ok payload or error message
  std::map<std::string, std::string> facts;  // hello's key=value words
};

// An app's stdout line: nullopt when it is ordinary app output (no "@leakgate " prefix). Throws
// ParseError when the line has the prefix but is not a valid message.
std::optional<Message> parse_app_line(std::string_view line);

// "<seq> <command> [args...]". Throws ScenarioError when the command or an argument is
// empty or holds whitespace: the protocol is one line of words.
std::string format_request(std::uint64_t seq, std::string_view command,
                           const std::vector<std::string>& args);

// "key=value" words of a payload (other words are ignored).
std::map<std::string, std::string> parse_facts(std::string_view payload);

}  // namespace leakgate::protocol
