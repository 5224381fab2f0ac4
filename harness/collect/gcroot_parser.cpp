#include "collect/gcroot_parser.h"

#include "common/text_lines.h"

namespace leakgate {

namespace {

bool all_hex(std::string_view s) { return !s.empty() && text::parse_hex(s).has_value(); }

// "    00007f51233b13e8 (strong handle)" or "(ref counted handle RefCount: 2)"
bool handle_line(std::string_view line, RootPath& path) {
  const auto words = text::split_words(line);
  if (words.size() < 2 || !all_hex(words[0]) || !words[1].starts_with("(")) return false;
  const auto open = line.find('(');
  const auto close = line.rfind(')');
  if (close == std::string_view::npos || close < open) return false;
  std::string kind(line.substr(open + 1, close - open - 1));
  if (const auto rc = kind.find(" RefCount:"); rc != std::string::npos) kind.resize(rc);
  path = RootPath{};
  path.root_kind = kind == "finalizer root" ? "finalizer queue" : kind;
  path.root = std::string(words[0]);
  return true;
}

// "          -> 7f44cbc51248     System.EventHandler<...> (static variable: T.f)"
bool hop_line(std::string_view line, RootHop& hop) {
  const auto t = text::trim(line);
  if (!t.starts_with("->")) return false;
  const auto words = text::split_words(t);
  if (words.size() < 3 || !all_hex(words[1])) return false;
  hop = RootHop{};
  hop.address = *text::parse_hex(words[1]);
  std::string rest(text::trim(t.substr(static_cast<std::size_t>(words[2].data() - t.data()))));
  const auto note = rest.rfind(" (");
  if (note != std::string::npos && rest.back() == ')') {
    hop.note = rest.substr(note + 1);
    rest.resize(note);
  }
  hop.type = std::string(text::trim(rest));
  return true;
}

}  // namespace

std::vector<std::vector<RootPath>> parse_gcroot_session(std::string_view output) {
  std::vector<std::vector<RootPath>> results;
  std::vector<RootPath> current;
  std::string thread, frame;
  bool in_paths = false;
  for (const std::string_view raw : text::split_lines(output)) {
    const std::string_view line = text::trim(raw);
    RootHop hop;
    RootPath path;
    if (line.starts_with("Found ") && line.ends_with("unique roots.")) {
      results.push_back(std::move(current));
      current.clear();
      in_paths = false;
      thread.clear();
      frame.clear();
    } else if (line == "HandleTable:" || line == "Finalizer Queue:" ||
               line == "Older Generation:") {
      in_paths = true;
    } else if (line.starts_with("Thread ") && line.ends_with(":")) {
      in_paths = true;
      thread = std::string(line.substr(7, line.size() - 8));
    } else if (hop_line(raw, hop)) {
      if (!current.empty()) current.back().chain.push_back(std::move(hop));
    } else if (in_paths && handle_line(raw, path)) {
      current.push_back(std::move(path));
    } else if (in_paths && !thread.empty()) {
      const auto words = text::split_words(line);
      if (words.size() >= 3 && all_hex(words[0]) && all_hex(words[1])) {
        // A frame: "sp ip Method(...) [file @ line]"; keep the method.
        std::string method(line.substr(static_cast<std::size_t>(words[2].data() - line.data())));
        if (const auto at = method.find(" ["); at != std::string::npos) method.resize(at);
        frame = method;
      } else if (!line.empty() && line.find(':') != std::string_view::npos) {
        RootPath stack;
        stack.root_kind = "thread stack";
        stack.root = "thread " + thread + (frame.empty() ? "" : ": " + frame);
        current.push_back(std::move(stack));
      }
    }
  }
  return results;
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> parse_dumpheap_objects(
    std::string_view output) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> objects;
  // Several dumpheap commands may share a session: rows of three columns are objects; the
  // statistics rows after each have four or more.
  for (const std::string_view line : text::split_lines(output)) {
    const auto words = text::split_words(line);
    if (words.size() != 3 || !all_hex(words[0]) || !all_hex(words[1])) continue;
    if (!text::parse_grouped_decimal(words[2])) continue;
    objects.emplace_back(*text::parse_hex(words[0]), *text::parse_hex(words[1]));
  }
  return objects;
}

std::vector<ModuleInfo> parse_dumpdomain_modules(std::string_view output) {
  std::vector<ModuleInfo> modules;
  bool after_module = false;
  for (const std::string_view line : text::split_lines(output)) {
    const auto t = text::trim(line);
    if (t == "Module") {
      after_module = true;
      continue;
    }
    if (after_module) {
      const auto words = text::split_words(t);
      if (words.size() >= 2 && all_hex(words[0])) {
        modules.push_back({*text::parse_hex(words[0]),
                           std::string(text::trim(t.substr(words[1].data() - t.data())))});
      }
    }
    after_module = false;
  }
  return modules;
}

std::vector<TypeInfo> parse_dumpmodule_types(std::string_view output) {
  std::vector<TypeInfo> types;
  bool defined = false;
  for (const std::string_view line : text::split_lines(output)) {
    const auto t = text::trim(line);
    if (t == "Types defined in this module") defined = true;
    if (t == "Types referenced in this module" || t.starts_with("Name:")) defined = false;
    if (!defined) continue;
    const auto words = text::split_words(t);
    if (words.size() >= 3 && all_hex(words[0]) && words[1].starts_with("0x")) {
      types.push_back({*text::parse_hex(words[0]),
                       std::string(text::trim(t.substr(words[2].data() - t.data())))});
    }
  }
  return types;
}

std::vector<StaticField> parse_dumpclass_statics(std::string_view output) {
  std::vector<StaticField> statics;
  std::string class_name;
  for (const std::string_view line : text::split_lines(output)) {
    const auto t = text::trim(line);
    if (t.starts_with("Class Name:")) {
      class_name = std::string(text::trim(t.substr(11)));
      continue;
    }
    // "MT Field Offset Type VT Attr Value Name": the type may hold spaces, so read from the right.
    const auto words = text::split_words(t);
    if (words.size() < 7 || words[words.size() - 3] != "static") continue;
    const auto value = text::parse_hex(words[words.size() - 2]);
    if (!value || *value == 0) continue;
    statics.push_back({class_name, std::string(words.back()), *value});
  }
  return statics;
}

}  // namespace leakgate
