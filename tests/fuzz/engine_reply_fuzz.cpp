// Fuzz target for the heap engine's reply lines as leakgate reads them (the engine is a separate
// process: a bug or a crash in it can print anything). Every line of the input is a reply line:
// it is parsed, an ok reply is read as a heapstat and as a roots reply; anything wrong is a
// leakgate::Error. An accepted heapstat's rows add up to its totals; an accepted roots reply's
// paths hold no more instances than its types have.
#include <string>

#include "collect/engine_protocol.h"
#include "common/errors.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  fuzz::for_each_line(fuzz::text_of(data, size), [](std::string_view line) {
    try {
      (void)engine::parse_hello(line);
    } catch (const Error&) {
    }
    try {
      const engine::Reply reply = engine::parse_reply(line);
      if (!reply.ok) {
        fuzz::check(!reply.error_kind.empty() || reply.body.contains("error"),
                    "engine: an error reply without its error");
        return;
      }
      try {
        for (const auto& r : engine::parse_roots(reply.body)) {
          std::uint64_t held = 0;
          for (const auto& g : r.groups) {
            fuzz::check(g.instances > 0 && !g.shortest.chain.empty(), "engine: an empty path");
            held += static_cast<std::uint64_t>(g.instances);
          }
          fuzz::check(held + r.unreachable <= r.instances,
                      "engine: paths that hold more instances than the type has");
        }
      } catch (const Error&) {
      }
      const engine::HeapStatReply stats = engine::parse_heapstat(reply.body);
      std::uint64_t objects = 0;
      std::uint64_t bytes = 0;
      for (const auto& row : stats.heap.types) {
        objects += row.count;
        bytes += row.bytes;
        fuzz::check(!row.type.empty(), "engine: a type without a name");
      }
      fuzz::check(objects == stats.heap.total_objects && bytes == stats.heap.total_bytes,
                  "engine: accepted rows that do not add up to the totals");
      fuzz::check(stats.gc.heap_count > 0, "engine: accepted a heap count of 0");
    } catch (const Error&) {
    }
  });
  return 0;
}
