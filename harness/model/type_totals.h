#pragma once

#include <map>
#include <string>

#include "model/snapshot.h"

namespace leakgate {

// Count and bytes per type name at a checkpoint (rows of one name under several method tables
// are added up: names are the key, never addresses).
std::map<std::string, TypeTotal> type_totals(const Checkpoint& checkpoint);

}  // namespace leakgate
