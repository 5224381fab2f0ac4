#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace leakgate {

// Reads one JSON object field by field and checks types, so every complaint about an input file
// names the file and the field as a JSON pointer ("/launch/argv/0"). finish() rejects fields that
// nobody asked for: a misspelt key is an error, not silently ignored.
class JsonObjectReader {
 public:
  JsonObjectReader(const nlohmann::json& value, std::string file, std::string pointer);

  bool has(const std::string& key) const;

  std::string string(const std::string& key);
  std::optional<std::string> optional_string(const std::string& key);
  // The value must be one of `choices`.
  std::string choice(const std::string& key, const std::vector<std::string>& choices);
  std::optional<std::int64_t> optional_integer(const std::string& key, std::int64_t min,
                                               std::int64_t max);
  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max);
  std::optional<double> optional_number(const std::string& key, double min, double max);
  std::optional<bool> optional_bool(const std::string& key);
  std::vector<std::string> string_array(const std::string& key, bool allow_empty);
  // A nested object, or nullopt when absent.
  std::optional<JsonObjectReader> optional_object(const std::string& key);
  // A nested array of any values, or nullopt when absent.
  const nlohmann::json* optional_array(const std::string& key);

  // Marks a field as known without reading it (read elsewhere).
  void accept(const std::string& key);
  void finish() const;

  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  std::string pointer(const std::string& key) const;
  const std::string& file() const { return file_; }
  const nlohmann::json& value() const { return value_; }

 private:
  const nlohmann::json* field(const std::string& key, bool required);

  const nlohmann::json& value_;
  std::string file_;
  std::string pointer_;
  std::set<std::string> seen_;
};

// Lenient reads of a document from elsewhere (a report from another machine, a reply of the
// engine) where a field's absence or wrong type is not an error of its own: the field when it is
// there with the right type, else the fallback. Never throws on the document's shape: a number
// beyond int64 or a fraction never reaches an integer conversion, a number is never read as text.
std::int64_t integer_or(const nlohmann::json& object, const char* key, std::int64_t fallback = 0);
bool bool_or(const nlohmann::json& object, const char* key, bool fallback);
std::string string_or(const nlohmann::json& object, const char* key,
                      const std::string& fallback = "");

// JSON text of `value`. Strings may hold bytes that are not UTF-8 (an app's output, a type name
// from a tool): they are replaced with U+FFFD rather than aborting the whole report.
std::string dump_json(const nlohmann::json& value, int indent = -1);

// The same document with every string (and key) made valid UTF-8 (text::valid_utf8): what the
// report writers render, so no view can be broken by the bytes an app printed.
nlohmann::json with_valid_utf8(const nlohmann::json& value);

// Parses a whole file as JSON; a syntax error names the file, line and column.
nlohmann::json read_json_file(const std::string& path);

// The deepest nesting of arrays and objects an input file may have.
inline constexpr int kMaxJsonDepth = 64;

// Parses JSON text read from `file` (named in messages): InputError on a syntax error (with line
// and column), invalid UTF-8, or nesting deeper than kMaxJsonDepth.
nlohmann::json parse_json_text(const std::string& text, const std::string& file);

}  // namespace leakgate
