#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <string_view>

#include "model/heap_stats.h"

namespace leakgate {

// The GC settings a .NET process starts with that the heap cannot tell, for the fingerprint:
// "concurrent" (background GC: "true" unless turned off) and "gcHardLimit" ("none", a byte count,
// or a percent of memory such as "30%"). Read as the runtime reads them: the environment
// (DOTNET_ or COMPlus_ gcConcurrent, GCHeapHardLimit, GCHeapHardLimitPercent; hexadecimal, as the
// runtime takes them) first, then the app's runtimeconfig.json (System.GC.Concurrent,
// System.GC.HeapHardLimit, System.GC.HeapHardLimitPercent).
//
// Pure: `environ` is /proc/PID/environ (NUL-separated), `runtimeconfig` the file's text (empty
// when there is none). Unreadable values count as not set.
std::map<std::string, std::string> read_gc_settings(std::string_view environ,
                                                    std::string_view runtimeconfig);

// What the heap engine read of the GC's configuration, as fingerprint facts: "gc" (server or
// workstation), "datas" (enabled or disabled) and "gcHeaps" (the heap count, or "dynamic" under
// DATAS, which changes it as the load changes). Only what the engine said.
std::map<std::string, std::string> gc_facts(const GcHeapSummary& gc);

// The same for a running process: its environment, and the runtimeconfig.json beside the app it
// runs (`dotnet app.dll`: app.runtimeconfig.json; an apphost: its executable's name + that).
std::map<std::string, std::string> probe_gc_settings(pid_t pid);

}  // namespace leakgate
