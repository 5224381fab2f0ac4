#include "scenario/protocol.h"

#include <charconv>
#include <stdexcept>

#include "common/errors.h"
#include "common/text_lines.h"

namespace leakgate::protocol {
namespace {

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool is_word(std::string_view s) {
  return !s.empty() && s.find_first_of(" \t\r\n") == std::string_view::npos;
}

// The rest of the line after the first `skip` words.
std::string rest_after(std::string_view line, std::size_t skip) {
  std::size_t i = 0;
  for (std::size_t w = 0; w < skip; ++w) {
    while (i < line.size() && line[i] == ' ') ++i;
    while (i < line.size() && line[i] != ' ') ++i;
  }
  return std::string(text::trim(line.substr(i)));
}

}  // namespace

std::map<std::string, std::string> parse_facts(std::string_view payload) {
  std::map<std::string, std::string> facts;
  for (auto word : text::split_words(payload)) {
    const auto eq = word.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    facts[std::string(word.substr(0, eq))] = std::string(word.substr(eq + 1));
  }
  return facts;
}

std::optional<Message> parse_app_line(std::string_view line) {
  if (!line.starts_with(kPrefix)) return std::nullopt;
  const std::string_view body = line.substr(kPrefix.size());
  const auto words = text::split_words(body);
  if (words.empty()) throw ParseError(1, "empty protocol message");
  Message m;
  if (words[0] == "hello") {
    const auto version = words.size() > 1 ? parse_uint(words[1]) : std::nullopt;
    if (!version)
      throw ParseError(1, "hello needs a protocol version: '" + std::string(line) + "'");
    m.kind = Message::Kind::kHello;
    m.version = static_cast<int>(*version);
    m.facts = parse_facts(rest_after(body, 2));
    return m;
  }
  if (words[0] == "ok" || words[0] == "error") {
    const auto seq = words.size() > 1 ? parse_uint(words[1]) : std::nullopt;
    if (!seq) throw ParseError(1, "reply needs a sequence number: '" + std::string(line) + "'");
    m.kind = words[0] == "ok" ? Message::Kind::kOk : Message::Kind::kError;
    m.seq = *seq;
    m.text = rest_after(body, 2);
    return m;
  }
  throw ParseError(1, "unknown protocol message '" + std::string(words[0]) + "'");
}

std::string format_request(std::uint64_t seq, std::string_view command,
                           const std::vector<std::string>& args) {
  if (!is_word(command)) {
    throw ScenarioError("protocol request: command '" + std::string(command) +
                        "' must be one word");
  }
  std::string line = std::to_string(seq) + " " + std::string(command);
  for (const auto& arg : args) {
    if (!is_word(arg)) {
      throw ScenarioError("protocol request: argument '" + arg + "' of '" + std::string(command) +
                          "' must be one non-empty word");
    }
    line += " " + arg;
  }
  return line;
}

}  // namespace leakgate::protocol
