#include "report/markup.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace leakgate {

std::string escape_markup(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string format_number(double value, int decimals) {
  if (!std::isfinite(value)) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string s = buffer;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

namespace {

template <class Line>
std::string bounded(const std::vector<Line>& lines, std::size_t max_bytes,
                    const std::string& where) {
  constexpr std::size_t kNoteRoom = 48;  // "... N more line(s) <where>"
  std::string out;
  std::size_t i = 0;
  for (; i < lines.size(); ++i) {
    const std::size_t room =
        i + 1 == lines.size() ? max_bytes : max_bytes - std::min(max_bytes, kNoteRoom);
    if (out.size() + lines[i].size() + 1 > room) break;
    out.append(lines[i]).push_back('\n');
  }
  if (i < lines.size()) {
    out += "... " + std::to_string(lines.size() - i) + " more line(s) " + where + "\n";
  }
  return out;
}

// The largest n <= at where s[n] does not continue a UTF-8 character.
std::size_t char_boundary(std::string_view s, std::size_t at) {
  while (at > 0 && at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
  return at;
}

}  // namespace

std::string bounded_lines(const std::vector<std::string>& lines, std::size_t max_bytes,
                          const std::string& where) {
  return bounded(lines, max_bytes, where);
}

std::string bounded_lines(const std::vector<std::string_view>& lines, std::size_t max_bytes,
                          const std::string& where) {
  return bounded(lines, max_bytes, where);
}

std::string shorten_middle(std::string_view line, std::size_t max_bytes) {
  constexpr std::string_view kGap = " ... ";
  if (line.size() <= max_bytes) return std::string(line);
  if (max_bytes <= kGap.size() + 2)
    return std::string(line.substr(0, char_boundary(line, max_bytes)));
  const std::size_t keep = max_bytes - kGap.size();
  const std::size_t head = char_boundary(line, keep / 2);
  std::size_t tail = line.size() - (keep - head);
  while (tail < line.size() && (static_cast<unsigned char>(line[tail]) & 0xC0) == 0x80) ++tail;
  return std::string(line.substr(0, head)) + std::string(kGap) + std::string(line.substr(tail));
}

}  // namespace leakgate
