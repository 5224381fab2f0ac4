#include "verdict/candidate.h"

#include <algorithm>
#include <set>

#include "model/judged_memory.h"
#include "model/type_key.h"
#include "model/type_totals.h"

namespace leakgate {

Metric Candidate::metric() const {
  switch (kind) {
    case Kind::kManagedType:
      return Metric::kInstances;
    case Kind::kGcHeap:
      return Metric::kGcHeapAllocatedBytes;
    case Kind::kMemory:
      return Metric::kWorkingSetKb;
  }
  return Metric::kInstances;
}

double Candidate::lasting() const {
  if (points.size() < 3) return actual();
  return std::min(points[points.size() - 2].second, actual());
}

double Candidate::lasting_bytes() const {
  return points.size() < 3 ? final_bytes : std::min(before_final_bytes, final_bytes);
}

std::optional<ThreadShare> net_of_threads(const std::vector<std::pair<int, double>>& counts,
                                          const std::vector<double>& threads) {
  if (counts.size() != threads.size() || counts.size() < 2) return std::nullopt;
  bool rose = false, idle = false;
  for (std::size_t i = 1; i < threads.size(); ++i) {
    (threads[i] > threads[i - 1] ? rose : idle) = true;
  }
  if (!rose || !idle) return std::nullopt;
  ThreadShare share{{counts.front()}, {}};
  double explained = 0;
  double carried = 0;  // what the threads added in the stretch before may still bring
  for (std::size_t i = 1; i < counts.size(); ++i) {
    const double fresh = kMaxPerThread * std::max(0.0, threads[i] - threads[i - 1]);
    const double grew = std::max(0.0, counts[i].second - counts[i - 1].second);
    const double from_carried = std::min(grew, carried);
    const double from_fresh = std::min(grew - from_carried, fresh);
    explained += from_carried + from_fresh;
    share.steps.push_back(from_carried + from_fresh > 0);
    carried = fresh - from_fresh;
    share.net.emplace_back(counts[i].first, counts[i].second - explained);
  }
  return share;
}

namespace {

// Gives each managed type of the runtime and libraries (System.*, Microsoft.*) its series net of
// what new threads brought (see net_of_threads). The threads themselves are judged as they are (a
// thread leak is a leak), and so are the app's own types: a thread that starts makes the runtime's
// objects (thread-static storage, the pool's queues), not the app's, and an allowance of 12 per
// thread would hide a leak of one object per round trip whenever the pool adds a thread (seen: a
// service keeping every request's context, 5 -> 25 in 20 requests, judged 8 net of one thread).
void judge_net_of_threads(std::vector<Candidate>& out) {
  const auto thread = std::find_if(out.begin(), out.end(), [](const Candidate& c) {
    return c.kind == Candidate::Kind::kManagedType && c.key == kThreadType;
  });
  if (thread == out.end()) return;
  std::vector<double> threads;
  for (const auto& [iteration, count] : thread->points) threads.push_back(count);
  const std::pair<double, double> span{threads.front(), threads.back()};
  for (Candidate& c : out) {
    if (c.kind != Candidate::Kind::kManagedType || c.key == kThreadType) continue;
    if (!is_framework_type(c.key)) continue;
    auto share = net_of_threads(c.points, threads);
    if (!share) continue;
    c.net_points = std::move(share->net);
    c.thread_steps = std::move(share->steps);
    c.threads = span;
  }
}

}  // namespace

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
        c.before_final_bytes = c.final_bytes;
        c.final_bytes = static_cast<double>(t.bytes);
      }
      out.push_back(std::move(c));
    }
    judge_net_of_threads(out);
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
  if (e.final().memory && e.settings.judge_memory) {
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
