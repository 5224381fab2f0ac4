#pragma once

#include <map>
#include <set>
#include <string>

#include "model/snapshot.h"

namespace leakgate {

// Count and bytes per type key at a checkpoint (type_key: generated ordinals removed). Rows of one
// key (one name under several method tables, or names that differ only in ordinals) are added up:
// keys, never addresses, identify a type.
std::map<std::string, TypeTotal> type_totals(const Checkpoint& checkpoint);

// The names SOS printed for each key at a checkpoint, for the report.
std::map<std::string, std::set<std::string>> type_names(const Checkpoint& checkpoint);

}  // namespace leakgate
