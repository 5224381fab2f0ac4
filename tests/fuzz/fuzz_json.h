// How the JSON targets read their input: the way leakgate reads every JSON input file
// (read_json_file -> parse_json_text: nlohmann's parser, a nesting limit, InputError on bad
// text), so a rejection is a leakgate::Error and no document nests deeper than a real one can.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/errors.h"
#include "common/json_reader.h"

namespace leakgate::fuzz {

// The document, or nullopt when leakgate rejects the text. Anything else propagates: a bug.
inline std::optional<nlohmann::json> read_json(std::string_view text, const std::string& file) {
  try {
    return parse_json_text(std::string(text), file);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace leakgate::fuzz
