#pragma once

#include <cstddef>
#include <string>

namespace leakgate {

// Insertions, deletions and replacements from a to b, case ignored: how close a misspelt name is
// (did you mean).
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace leakgate
