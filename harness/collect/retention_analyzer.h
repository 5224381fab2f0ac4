#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "collect/dotnet_dump.h"
#include "model/heap_stats.h"
#include "model/retention.h"

namespace leakgate {

// The caps that bound the analysis of one dump; the result says which were hit.
struct RetentionCaps {
  std::size_t max_types = 10;  // types analysed per scenario
  std::size_t samples = 5;     // instances per type
  std::size_t max_hops = 32;   // hops shown per path
  double seconds = 120;        // for all the dotnet-dump sessions together
};

// Steps 6 and 7 of the article, automated: finds the instances of each type in a heap dump
// (`dumpheap -mt`), runs `gcroot` on a sample of them in one `dotnet-dump analyze` session, names
// static roots (dumpdomain / dumpmodule / dumpclass of the app's own modules) and groups the paths.
// Raw output goes to raw_dir/<label>.retention-*.txt. Throws ToolError when a session fails.
std::map<std::string, Retention> analyze_retention(
    const DotnetDumpCommand& tool, const std::filesystem::path& dump, const HeapStats& heap,
    const std::vector<std::string>& type_keys, const RetentionCaps& caps,
    const std::filesystem::path& raw_dir, const std::string& label);

}  // namespace leakgate
