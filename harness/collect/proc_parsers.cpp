#include "collect/proc_parsers.h"

#include "common/errors.h"
#include "common/text_lines.h"

namespace leakgate {

namespace {

bool is_header(std::string_view line) {
  // A header starts with "hex-hex "; a field line starts with a name and a colon.
  const auto dash = line.find('-');
  const auto space = line.find(' ');
  if (dash == std::string_view::npos || space == std::string_view::npos || dash > space) {
    return false;
  }
  return text::parse_hex(line.substr(0, dash)).has_value();
}

Vma parse_header(std::string_view line, std::size_t line_no) {
  const auto words = text::split_words(line);
  if (words.size() < 5)
    throw ParseError(line_no, "smaps header needs range, perms, offset, dev, inode");
  Vma vma;
  const auto dash = words[0].find('-');
  const auto start = text::parse_hex(words[0].substr(0, dash));
  const auto end = text::parse_hex(words[0].substr(dash + 1));
  if (!start || !end || *end < *start) throw ParseError(line_no, "bad address range in smaps");
  vma.start = *start;
  vma.end = *end;
  vma.perms = std::string(words[1]);
  if (vma.perms.size() != 4) throw ParseError(line_no, "bad permissions in smaps");
  const auto inode = text::parse_grouped_decimal(words[4]);
  if (!inode) throw ParseError(line_no, "bad inode in smaps");
  vma.inode = *inode;
  if (words.size() > 5) {
    // The path is the rest of the line and may contain spaces ("... (deleted)").
    const std::size_t at = static_cast<std::size_t>(words[5].data() - line.data());
    vma.path = std::string(text::trim(line.substr(at)));
  }
  return vma;
}

void parse_field(std::string_view line, std::size_t line_no, Vma& vma) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos)
    throw ParseError(line_no, "expected 'Field: value' in smaps");
  const std::string_view name = line.substr(0, colon);
  std::uint64_t* target = nullptr;
  if (name == "Size")
    target = &vma.size_kb;
  else if (name == "Rss")
    target = &vma.rss_kb;
  else if (name == "Shared_Clean")
    target = &vma.shared_clean_kb;
  else if (name == "Shared_Dirty")
    target = &vma.shared_dirty_kb;
  else if (name == "Private_Clean")
    target = &vma.private_clean_kb;
  else if (name == "Private_Dirty")
    target = &vma.private_dirty_kb;
  else if (name == "Swap")
    target = &vma.swap_kb;
  if (target == nullptr) return;
  const auto words = text::split_words(line.substr(colon + 1));
  const auto value = words.empty() ? std::nullopt : text::parse_grouped_decimal(words[0]);
  if (!value || words.size() != 2 || words[1] != "kB") {
    throw ParseError(line_no, "expected '" + std::string(name) + ": N kB' in smaps");
  }
  // Every field read here is at most the mapping's size (the kernel's Size is exactly the range):
  // a larger value is not smaps, and would make the classifier's sums wrap around.
  const std::uint64_t range = vma.end - vma.start;
  const std::uint64_t range_kb = range / 1024 + (range % 1024 != 0 ? 1 : 0);
  if (*value > range_kb) {
    throw ParseError(line_no, std::string(name) + " is larger than the mapping (" +
                                  std::to_string(range_kb) + " kB)");
  }
  *target = *value;
}

}  // namespace

std::vector<Vma> parse_smaps(std::string_view text, bool drop_overlaps, std::size_t* dropped) {
  std::vector<Vma> vmas;
  const auto lines = text::split_lines(text);
  bool skipping = false;  // the fields of a mapping left out
  Vma left_out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (text::trim(line).empty()) continue;
    if (is_header(line)) {
      Vma vma = parse_header(line, i + 1);
      // The kernel lists mappings in address order without overlap, so their sizes add up to at
      // most the address space: no sum over them wraps around.
      skipping = !vmas.empty() && vma.start < vmas.back().end;
      if (skipping && !drop_overlaps) {
        throw ParseError(i + 1, "smaps mapping overlaps or precedes the one before it");
      }
      if (skipping && dropped != nullptr) ++*dropped;
      (skipping ? left_out : vmas.emplace_back()) = std::move(vma);
      continue;
    }
    if (vmas.empty()) throw ParseError(i + 1, "smaps field before the first mapping");
    parse_field(line, i + 1, skipping ? left_out : vmas.back());
  }
  return vmas;
}

std::optional<std::uint64_t> parse_status_kb(std::string_view status, std::string_view field) {
  const auto lines = text::split_lines(status);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (!line.starts_with(field) || line.size() <= field.size() || line[field.size()] != ':') {
      continue;
    }
    const auto words = text::split_words(line.substr(field.size() + 1));
    const auto value = words.empty() ? std::nullopt : text::parse_grouped_decimal(words[0]);
    if (!value) throw ParseError(i + 1, "expected '" + std::string(field) + ": N kB'");
    return value;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parse_syscall_stack_pointer(std::string_view text) {
  const auto words = text::split_words(text::trim(text));
  // "running" | "-1 sp pc" | "nr a1 a2 a3 a4 a5 a6 sp pc"
  if (words.size() != 3 && words.size() != 9) return std::nullopt;
  return text::parse_hex(words[words.size() - 2]);
}

}  // namespace leakgate
