#include "verdict/candidate.h"

#include <algorithm>
#include <set>

#include "model/judged_memory.h"
#include "model/type_key.h"
#include "model/type_totals.h"

namespace leakgate {

std::string Candidate::metric() const {
  switch (kind) {
    case Kind::kManagedType:
      return "instances";
    case Kind::kGcHeap:
      return "gcHeapAllocatedBytes";
    case Kind::kMemory:
      return "workingSetKb";
  }
  return "";
}

std::string Candidate::kind_name() const { return kind == Kind::kMemory ? "memory" : "managed"; }

std::vector<Candidate> candidates(const Evidence& e) {
  std::vector<Candidate> out;
  if (e.final().heap) {
    std::vector<std::map<std::string, TypeTotal>> totals;
    std::map<std::string, std::set<std::string>> names;
    for (const Checkpoint* c : e.checkpoints) {
      totals.push_back(type_totals(*c));
      for (auto& [key, set] : type_names(*c)) names[key].insert(set.begin(), set.end());
    }
    for (const auto& [key, originals] : names) {
      // SOS's pseudo-type for the free space between objects: fragmentation the GC owns and
      // compacts on its own schedule, never a finding.
      if (key == kFreeSpaceType) continue;
      Candidate c;
      c.key = key;
      if (originals.size() > 1 || *originals.begin() != key) {
        c.names.assign(originals.begin(), originals.end());
      }
      for (std::size_t i = 0; i < e.checkpoints.size(); ++i) {
        const auto it = totals[i].find(key);
        const TypeTotal t = it == totals[i].end() ? TypeTotal{} : it->second;
        c.points.emplace_back(e.checkpoints[i]->iteration, static_cast<double>(t.count));
        if (i == 0) c.warmup_bytes = static_cast<double>(t.bytes);
        c.final_bytes = static_cast<double>(t.bytes);
      }
      out.push_back(std::move(c));
    }
  }
  if (e.final().gc_heap) {
    Candidate c;
    c.kind = Candidate::Kind::kGcHeap;
    c.key = "(GC heap)";
    for (const Checkpoint* cp : e.checkpoints) {
      const double bytes = cp->gc_heap ? static_cast<double>(cp->gc_heap->allocated_bytes) : 0.0;
      c.points.emplace_back(cp->iteration, bytes);
    }
    out.push_back(std::move(c));
  }
  if (e.final().memory) {
    // Split by owner only when every checkpoint was: a curve is one measure throughout.
    const bool split = std::all_of(e.checkpoints.begin(), e.checkpoints.end(),
                                   [](const Checkpoint* cp) { return memory_split(*cp); });
    for (auto category : judged_categories(split)) {
      Candidate c;
      c.kind = Candidate::Kind::kMemory;
      c.key = std::string(category_label(category));
      if (split) c.owner = std::string(memory_owner(category));
      for (const Checkpoint* cp : e.checkpoints) {
        c.points.emplace_back(cp->iteration, static_cast<double>(judged_kb(*cp, category)));
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace leakgate
