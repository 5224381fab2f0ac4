#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/retention.h"

namespace leakgate {

// Pure parsers of the SOS output the retention analysis reads.

// The output of one analyze session holding several `gcroot ADDR` commands: one entry per
// command, in order (each ends with "Found N unique roots.").
std::vector<std::vector<RootPath>> parse_gcroot_session(std::string_view output);

// `dumpheap -mt MT` (without -short): (address, method table) of every object listed.
std::vector<std::pair<std::uint64_t, std::uint64_t>> parse_dumpheap_objects(
    std::string_view output);

struct ModuleInfo {
  std::uint64_t address = 0;
  std::string path;
};
// `dumpdomain`: every module with its file.
std::vector<ModuleInfo> parse_dumpdomain_modules(std::string_view output);

struct TypeInfo {
  std::uint64_t method_table = 0;
  std::string name;
};
// `dumpmodule -mt ADDR`, possibly several in one session: the types defined in the modules.
std::vector<TypeInfo> parse_dumpmodule_types(std::string_view output);

struct StaticField {
  std::string type;  // the declaring class
  std::string field;
  std::uint64_t value = 0;  // the object the field refers to
};
// `dumpclass MT`, possibly several in one session: every static field with a reference value.
std::vector<StaticField> parse_dumpclass_statics(std::string_view output);

}  // namespace leakgate
