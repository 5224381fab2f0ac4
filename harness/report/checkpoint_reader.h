#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/json_reader.h"
#include "model/snapshot.h"

namespace leakgate {

// Reads of report.json's fields: absent is the default, a wrong type an InputError naming the
// field (report_from_json).
namespace report_json {

std::string string_at(JsonObjectReader& r, const std::string& key);
double number(JsonObjectReader& r, const std::string& key);
std::uint64_t count(JsonObjectReader& r, const std::string& key);
// Each object of the array `key` (absent: none), with its JSON pointer.
void each(JsonObjectReader& r, const std::string& key,
          const std::function<void(JsonObjectReader)>& read);

}  // namespace report_json

// One checkpoint of report.json as the model holds it: its heap statistics, GC heap summary,
// memory summary (the totals are derived from the categories), reconciliation and raw files.
Checkpoint checkpoint_from_json(JsonObjectReader r);

}  // namespace leakgate
