#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace leakgate {

// A Markdown summary of a report document, fit for a pull-request comment or a CI step summary:
// the outcome, a table of scenarios, then each failing scenario's findings with what holds them.
std::string render_markdown(const nlohmann::json& report);

}  // namespace leakgate
