#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "model/heap_stats.h"
#include "model/retention.h"

namespace leakgate {

// Pure readers of the heap engine's replies (harness/heap-engine/PROTOCOL.md): one JSON object
// per line, {"v":1,"id":N,"ok":true,...} or {"v":1,"id":N,"ok":false,"error":{"kind","message"}}.
// A line that is not such an object is a ParseError.
namespace engine {

inline constexpr int kVersion = 1;

// NOLINTNEXTLINE(bugprone-exception-escape): nlohmann::json's moves throw nothing in practice
struct Reply {
  std::int64_t id = -1;
  bool ok = false;
  std::string error_kind;  // when !ok: "attach-refused", "no-dac", ... (PROTOCOL.md)
  std::string error_message;
  nlohmann::json body;  // the whole object
};

// The first line the engine prints: {"v":1,"hello":"leakgate-heap-engine",...}. Returns the
// engine's version ("engineVersion", with ClrMD's: "1.0.0 (ClrMD 4.2.15.101)").
std::string parse_hello(std::string_view line);

Reply parse_reply(std::string_view line);

struct HeapStatReply {
  HeapStats heap;    // as dumpheap -stat prints it (ascending total size)
  GcHeapSummary gc;  // as eeheap -gc sums it, with the GC's configuration
};

// The "gc" object of a heapstat or gc reply (`op` names it in errors): the GC's configuration,
// its segments and totals, and the runtime's own ranges when the engine could list them.
GcHeapSummary parse_gc(const nlohmann::json& body, std::string_view op);

// The body of a heapstat reply. Rows are checked: every count and size a non-negative integer,
// names non-empty, and the rows add up to the reply's totals.
HeapStatReply parse_heapstat(const nlohmann::json& body);

// The body of a roots reply: per type (Retention::type is the name the engine gives), every
// instance analysed (sampled == instances), the groups as the engine made them, most instances
// first, each with its shortest path; a path longer than the engine's maxHops starts with a
// "... N hops ..." hop, as group_paths cuts SOS's paths. The groups' fingerprints are filled by
// the caller (path_fingerprint). Counts that do not add up are a ParseError.
std::vector<Retention> parse_roots(const nlohmann::json& body);

}  // namespace engine
}  // namespace leakgate
