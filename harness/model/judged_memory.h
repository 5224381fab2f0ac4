#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/memory_summary.h"
#include "model/snapshot.h"

namespace leakgate {

// The memory categories a verdict judges. For a .NET process whose memory the heap engine split by
// owner (`split`): every vadump category but Other Data and Page Table Pages, and in Other Data's
// place Native Data and Runtime Code. The GC-owned part of Other Data is judged by the heap's types
// and the GC heap's allocated bytes, not as memory: the GC keeps memory it freed committed and
// gives it back on its own schedule (Server GC, DATAS), which is not a leak. Page tables map every
// resident page, the GC's included, so they follow that retention; a native leak large enough to
// grow them grows Heap or Native Data hundreds of times faster. Otherwise the seven vadump
// categories (docs/memory-summary.md).
std::vector<MemoryCategory> judged_categories(bool split);

// Who owns a judged category's memory in a split process: "native" (Heap, Native Data), "runtime"
// (Runtime Code), or "" (the others say it by their name).
std::string_view memory_owner(MemoryCategory category);

// Whether the engine split this checkpoint's Other Data by owner.
bool memory_split(const Checkpoint& checkpoint);

// A judged category's resident KiB at a checkpoint (0 without a memory summary).
std::uint64_t judged_kb(const Checkpoint& checkpoint, MemoryCategory category);

// The sum of what the verdict judges at a checkpoint (judged_categories of its split): what
// settling waits on for a .NET process whose memory is split.
std::uint64_t judged_total_kb(const Checkpoint& checkpoint);

// A mapping that grew between two checkpoints: "[heap]", a file, "malloc arena" or "anonymous"
// (the last two told apart by their range).
struct MappingGrowth {
  std::string mapping;
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint64_t kb_before = 0;  // 0: the mapping was not there (or not resident)
  std::uint64_t kb_after = 0;
};

// Where a judged category grew from one checkpoint to another: its mappings (matched by start
// address and name) that grew most, at most `limit`, largest growth first.
std::vector<MappingGrowth> grown_mappings(const Checkpoint& from, const Checkpoint& to,
                                          MemoryCategory category, std::size_t limit);

}  // namespace leakgate
