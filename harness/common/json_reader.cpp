#include "common/json_reader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/edit_distance.h"
#include "common/errors.h"
#include "common/text_lines.h"

namespace leakgate {

using nlohmann::json;

namespace {

std::string type_name(const json& v) {
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

}  // namespace

JsonObjectReader::JsonObjectReader(const json& value, std::string file, std::string pointer)
    : value_(value), file_(std::move(file)), pointer_(std::move(pointer)) {
  if (!value_.is_object()) {
    throw InputError(file_, pointer_.empty() ? "/" : pointer_,
                     "expected an object, got " + type_name(value_));
  }
}

std::string JsonObjectReader::pointer(const std::string& key) const {
  // JSON pointer escaping (RFC 6901): '~' is "~0", '/' is "~1".
  std::string escaped;
  for (char c : key) escaped += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return pointer_ + "/" + escaped;
}

void JsonObjectReader::fail(const std::string& key, const std::string& what) const {
  throw InputError(file_, key.empty() ? (pointer_.empty() ? "/" : pointer_) : pointer(key), what);
}

bool JsonObjectReader::has(const std::string& key) const { return value_.contains(key); }

const json* JsonObjectReader::field(const std::string& key, bool required) {
  seen_.insert(key);
  const auto it = value_.find(key);
  if (it == value_.end()) {
    if (!required) return nullptr;
    // A misspelt key is the usual cause: name it.
    for (const auto& [other, v] : value_.items()) {
      if (!seen_.contains(other) && edit_distance(other, key) <= 2) {
        fail(key, "required field is missing; the unknown field \"" + other +
                      "\" looks like a misspelling of it");
      }
    }
    fail(key, "required field is missing");
  }
  return &*it;
}

std::optional<std::string> JsonObjectReader::optional_string(const std::string& key) {
  const json* v = field(key, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) fail(key, "expected a string, got " + type_name(*v));
  return v->get<std::string>();
}

std::string JsonObjectReader::string(const std::string& key) {
  field(key, true);
  return *optional_string(key);
}

std::string JsonObjectReader::choice(const std::string& key,
                                     const std::vector<std::string>& choices) {
  std::string v = string(key);
  for (const auto& c : choices) {
    if (v == c) return v;
  }
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + ("\"" + c + "\"");
  fail(key, "\"" + v + "\" is not one of " + list);
}

std::optional<std::int64_t> JsonObjectReader::optional_integer(const std::string& key,
                                                               std::int64_t min, std::int64_t max) {
  const json* v = field(key, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) fail(key, "expected an integer, got " + type_name(*v));
  // An unsigned value above the int64 range must not wrap around into a small or negative one.
  const bool too_big = v->is_number_unsigned() &&
                       v->get<std::uint64_t>() > static_cast<std::uint64_t>(max < 0 ? 0 : max);
  const auto n = too_big ? max : v->get<std::int64_t>();
  if (too_big || n < min || n > max) {
    fail(key, dump_json(*v) + " is out of range [" + std::to_string(min) + ", " +
                  std::to_string(max) + "]");
  }
  return n;
}

std::int64_t JsonObjectReader::integer(const std::string& key, std::int64_t min, std::int64_t max) {
  field(key, true);
  return *optional_integer(key, min, max);
}

std::optional<double> JsonObjectReader::optional_number(const std::string& key, double min,
                                                        double max) {
  const json* v = field(key, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) fail(key, "expected a number, got " + type_name(*v));
  const double n = v->get<double>();
  if (!std::isfinite(n) || n < min || n > max) {
    std::ostringstream msg;
    msg << n << " is out of range [" << min << ", " << max << "]";
    fail(key, msg.str());
  }
  return n;
}

std::optional<bool> JsonObjectReader::optional_bool(const std::string& key) {
  const json* v = field(key, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) fail(key, "expected a boolean, got " + type_name(*v));
  return v->get<bool>();
}

std::vector<std::string> JsonObjectReader::string_array(const std::string& key, bool allow_empty) {
  const json* v = field(key, true);
  if (!v->is_array()) fail(key, "expected an array of strings, got " + type_name(*v));
  if (v->empty() && !allow_empty) fail(key, "must not be empty");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      throw InputError(file_, pointer(key) + "/" + std::to_string(i),
                       "expected a string, got " + type_name((*v)[i]));
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

std::optional<JsonObjectReader> JsonObjectReader::optional_object(const std::string& key) {
  const json* v = field(key, false);
  if (v == nullptr) return std::nullopt;
  return JsonObjectReader(*v, file_, pointer(key));
}

const json* JsonObjectReader::optional_array(const std::string& key) {
  const json* v = field(key, false);
  if (v != nullptr && !v->is_array()) fail(key, "expected an array, got " + type_name(*v));
  return v;
}

void JsonObjectReader::accept(const std::string& key) { seen_.insert(key); }

void JsonObjectReader::finish() const {
  for (const auto& [key, v] : value_.items()) {
    if (!seen_.contains(key)) {
      std::string known;
      for (const auto& k : seen_) known += (known.empty() ? "" : ", ") + k;
      fail(key, "unknown field (known fields here: " + known + ")");
    }
  }
}

json with_valid_utf8(const json& value) {
  if (value.is_string()) return text::valid_utf8(value.get_ref<const std::string&>());
  if (value.is_array()) {
    json out = json::array();
    for (const auto& v : value) out.push_back(with_valid_utf8(v));
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : value.items()) out[text::valid_utf8(k)] = with_valid_utf8(v);
    return out;
  }
  return value;
}

std::int64_t integer_or(const json& object, const char* key, std::int64_t fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    return v > static_cast<std::uint64_t>(kMax) ? kMax : static_cast<std::int64_t>(v);
  }
  return it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

bool bool_or(const json& object, const char* key, bool fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string string_or(const json& object, const char* key, const std::string& fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::string dump_json(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

json read_json_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status)) {
    throw InputError(path, "", "is a directory, not a JSON file");
  }
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    throw InputError(path, "", "is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", std::string("cannot open the file: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_json_text(buffer.str(), path);
}

json parse_json_text(const std::string& text, const std::string& file) {
  // Nesting is bounded: the writers walk documents recursively, and no input of ours nests deeply.
  const json::parser_callback_t limit_depth = [&](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth) {
      throw InputError(file, "",
                       "nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
    }
    return true;
  };
  try {
    return json::parse(text, limit_depth);
  } catch (const json::parse_error& e) {
    // nlohmann reports a byte offset; turn it into line and column for people.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string why = "invalid JSON";
    if (const auto at = std::string_view(e.what()).find("invalid string");
        at != std::string_view::npos) {
      why += " (a string is not valid UTF-8 or holds a control character)";
    }
    throw InputError(file, "line " + std::to_string(line) + ", column " + std::to_string(column),
                     why);
  } catch (const json::out_of_range& e) {  // a number beyond the range of a double (406)
    throw InputError(file, "", std::string("invalid JSON: ") + e.what());
  }
}

}  // namespace leakgate
