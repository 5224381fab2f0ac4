// Fuzz target for the heap engine's reply lines as leakgate reads them (the engine is a separate
// process: a bug or a crash in it can print anything). The input is what the engine printed: its
// first line is read as the hello, every later line as a reply; an ok reply's body is read as
// leakgate would read the answer to the request of that id (an even id a heapstat, an odd one a
// roots request: the fuzzer flips one bit to give either parser any body). Anything wrong is a
// leakgate::Error. An accepted heapstat's rows add up to its totals; an accepted roots reply's
// paths hold no more instances than its types have.
//
// Each line goes through one parser, not all of them: most lines are errors, and a thrown error
// is what costs most under ASan, so this reaches the same code at about twice the executions.
#include <string>
#include <utility>

#include "collect/engine_protocol.h"
#include "common/errors.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  bool first = true;
  fuzz::for_each_line(fuzz::text_of(data, size), [&first](std::string_view line) {
    if (std::exchange(first, false)) {
      try {
        (void)engine::parse_hello(line);
      } catch (const Error&) {
      }
      return;
    }
    try {
      const engine::Reply reply = engine::parse_reply(line);
      if (!reply.ok) {
        fuzz::check(!reply.error_kind.empty() || reply.body.contains("error"),
                    "engine: an error reply without its error");
        return;
      }
      if (reply.id % 2 != 0) {
        for (const auto& r : engine::parse_roots(reply.body)) {
          std::uint64_t held = 0;
          for (const auto& g : r.groups) {
            fuzz::check(g.instances > 0 && !g.shortest.chain.empty(), "engine: an empty path");
            held += static_cast<std::uint64_t>(g.instances);
          }
          fuzz::check(held + r.unreachable <= r.instances,
                      "engine: paths that hold more instances than the type has");
        }
        return;
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
