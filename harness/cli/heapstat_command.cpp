#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/engine_heap.h"
#include "cli/exit_codes.h"
#include "cli/live_dump.h"
#include "cli/reader_info.h"
#include "collect/engine_protocol.h"
#include "collect/sos_parsers.h"
#include "collect/sos_session.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "model/type_key.h"

namespace leakgate {

namespace {

// SOS's eeheap -gc and dumpheap -stat (-live) on a dump of the process.
void read_with_sos(const HeapstatOptions& o, GcHeapSummary& gc, HeapStats& heap,
                   nlohmann::json& reader) {
  reader = {{"reader", "sos"}, {"how", "from a heap dump, by SOS (dotnet-dump analyze)"}};
  const LiveDump dump(o.pid, o.tools.dotnet_dump);
  const std::string output = run_sos_session(
      dump.tool(), dump.path(), {"eeheap -gc", o.live ? "dumpheap -stat -live" : "dumpheap -stat"},
      Deadline(std::chrono::minutes(30)), dump.work_dir() / "sos.txt");
  try {
    gc = parse_eeheap_gc(output);
    heap = parse_dumpheap_stat(output);
  } catch (const ParseError& e) {
    throw ToolError(std::string("cannot read the SOS output: ") + e.what());
  }
}

void read_with_engine(const HeapstatOptions& o, GcHeapSummary& gc, HeapStats& heap,
                      nlohmann::json& reader) {
  EngineHeap process(o.pid, o.tools);
  try {
    const auto answer = process.request("heapstat", {});
    reader = engine_reader(process, answer.body, "walk");
    engine::HeapStatReply reply = engine::parse_heapstat(answer.body);
    gc = std::move(reply.gc);
    heap = std::move(reply.heap);
  } catch (const ParseError& e) {
    throw ToolError(std::string("cannot read the heap engine's reply: ") + e.what());
  }
}

}  // namespace

int heapstat_command(const HeapstatOptions& o) {
  GcHeapSummary gc;
  HeapStats heap;
  nlohmann::json reader;
  // Only reachable objects: SOS's dumpheap -live.
  if (o.live || o.tools.heap_reader == HeapReader::kSos) {
    read_with_sos(o, gc, heap, reader);
  } else {
    read_with_engine(o, gc, heap, reader);
  }
  std::stable_sort(heap.types.begin(), heap.types.end(),
                   [](const TypeStat& a, const TypeStat& b) { return a.bytes > b.bytes; });
  if (o.json) {
    nlohmann::json types = nlohmann::json::array();
    for (const auto& t : heap.types) {
      types.push_back(
          {{"type", t.type}, {"key", type_key(t.type)}, {"count", t.count}, {"bytes", t.bytes}});
    }
    std::cout << dump_json(nlohmann::json{{"pid", o.pid},
                                          {"live", o.live},
                                          {"gcHeap",
                                           {{"heaps", gc.heap_count},
                                            {"allocatedBytes", gc.allocated_bytes},
                                            {"committedBytes", gc.committed_bytes}}},
                                          {"reader", with_own_peak_rss(reader)},
                                          {"totalObjects", heap.total_objects},
                                          {"totalBytes", heap.total_bytes},
                                          {"types", types}},
                           2)
              << "\n";
    return kExitOk;
  }
  std::cout << "GC heap: " << gc.heap_count << " heap(s), " << gc.allocated_bytes
            << " bytes allocated, " << gc.committed_bytes << " bytes committed\n"
            << (o.live ? "Live objects" : "Objects (live and dead)") << ": " << heap.total_objects
            << ", " << heap.total_bytes << " bytes\n\n";
  std::printf("%12s %14s  %s\n", "Count", "TotalSize", "Class Name");
  for (const auto& t : heap.types) {
    std::printf("%12llu %14llu  %s\n", static_cast<unsigned long long>(t.count),
                static_cast<unsigned long long>(t.bytes), t.type.c_str());
  }
  return kExitOk;
}

}  // namespace leakgate
