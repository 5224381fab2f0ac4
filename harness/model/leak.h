#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace leakgate {

// Where a leak's path starts: a static field (holder and field as written in the source), a stack
// frame ("thread 7464: Frame()"), a handle's kind, the finalization queue.
struct LeakRoot {
  std::string kind;  // "static", "thread stack", "strong handle", "finalizer queue", ...
  std::string name;  // "FormsApp.ThemeService.ThemeChanged", "thread 7464: Frame()", ""
  std::string holder;
  std::string field;
};

// One object on a leak's path, with the field of it that holds the next.
struct LeakHop {
  std::string type;        // its type name
  std::string field;       // what refers to the next hop: "cache", "[3]", "[3].value"; "" last
  int repeat = 1;          // a run of this type through this field (a linked list): one hop
  bool first_new = false;  // the first object new per iteration: the suspect reference is the
                           // one into it (the field of the hop before, or the root)
  std::string note;        // "(dependent handle)"
};

// A growing type's instances in one leak, and how they hang from its head.
enum class LeakRelation {
  kHead,    // the head's own type
  kPath,    // on the path from the root to the head (a delegate, an array of handlers)
  kUnder,   // held through the head's instances (what each one retains)
  kBeside,  // held by the same holder, not through the head (a dictionary's keys)
};

struct LeakMember {
  std::string type;  // type key
  std::uint64_t instances = 0;
  std::uint64_t bytes = 0;
  LeakRelation relation = LeakRelation::kBeside;
};

struct RetainedType {
  std::string type;  // type name
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
};

// The new objects of one scenario that hang from one place: one cause, one thing to fix. Headed
// by the app's own growing type nearest the root (else the first new object's type).
struct Leak {
  std::string head;  // type key
  bool head_is_app = true;
  std::uint64_t head_instances = 0;
  double head_growth_per_iteration = 0;  // of the head's finding
  LeakRoot root;
  std::vector<LeakHop> path;  // from the root's object to an instance of the head
  int depth = 0;              // hops of that path before repeats were folded and the middle cut
  int cut = 0;                // hops left out after path[cut_at - 1]
  int cut_at = 0;
  std::vector<LeakMember> members;  // the head first
  std::uint64_t retained_objects = 0;
  std::uint64_t retained_bytes = 0;
  std::vector<RetainedType> retained;  // the largest types of what it retains
  // Read from one heap by hand (`leakgate roots`): no checkpoints, so no growth, and every
  // instance of the types asked for counts as new.
  bool one_heap = false;
  // What one new instance of the head retains, times the head's growth per iteration.
  double retained_bytes_per_iteration() const;
  // The same for one retained type's count.
  double per_iteration(std::uint64_t count) const;
};

// A scenario's leaks as the heap engine found them at its last checkpoint.
struct LeakAnalysis {
  std::vector<Leak> leaks;       // most retained bytes first
  std::uint64_t more_leaks = 0;  // not reported (over the engine's maxLeaks)
  // Places that gained a few objects of a growing type but hold too small a part of its growth to
  // be where it goes (a framework cache filled once): left out.
  std::uint64_t minor_places = 0;
  // Growing types with instances no root reaches (garbage the GC has not collected yet).
  std::vector<std::pair<std::string, std::uint64_t>> unreachable;
};

// What to ask the engine: the growing types (their names as the heap has them) and which of them
// are the app's own (may head a leak).
struct LeakQuery {
  int pid =
      0;  // > 0: read that live process (retention.from "process"), else the checkpoint's dump
  std::vector<std::string> types;
  std::vector<std::string> app_types;
  int max_hops = 24;
  double seconds = 120;
};

// Whether a managed type grows as a member of one of the leaks (the views print it under its leak,
// not as a finding of its own).
bool in_a_leak(const LeakAnalysis& analysis, const std::string& type_key);

std::string to_string(LeakRelation r);
LeakRelation leak_relation_from(const std::string& text);  // throws std::invalid_argument

// "static FormsApp.ThemeService.ThemeChanged", "thread 7464: Frame()", "finalizer queue".
std::string render_root(const LeakRoot& root);

// What follows a hop's type on a path: ".field", "[3]", " x15" for a run, its note.
std::string render_hop_field(const LeakHop& hop);

// The path on one line, fields named on every hop, the suspect reference marked:
// "static X.Cache -> Dictionary<..>._entries -> Entry[] [3].value => [new] PatternsApp.Item".
std::string render_leak_path(const Leak& leak);

// The path top-down, one line per hop: the root, then each object with the field that refers to
// the next ("System.Object[] [3]", "CallbackNode.Next x15"); the first new object's line starts
// with "=> " (the suspect reference is the one into it), the others with "   ".
std::vector<std::string> render_leak_chain(const Leak& leak);

// "FormsApp.ThemeService.ThemeChanged -> System.EventHandler<...>": the reference the developer
// looks at, from the last object that was there before the iterations to the first new one.
std::string render_suspect(const Leak& leak);

// What one iteration adds, largest first: "1 FormsApp.CustomerForm, 12 FormsApp.Label, ..." of
// the retained types (at most `types` of them).
std::string render_per_iteration(const Leak& leak, std::size_t types);

// A leak top-down as text lines: its head and what it costs per iteration, the path from the root
// with the first new object marked, the suspect reference, what an iteration adds, and the other
// growing types it carries (as the console and JUnit print it).
std::vector<std::string> leak_text(const Leak& leak);

// The growing types' instances no root reaches, "" when there are none: "garbage waiting for a
// GC (...): System.String 131, System.String[] 1".
std::string render_unreachable(const LeakAnalysis& analysis);

// "512 B", "9.8 KB", "1.4 MB" (1024-based).
std::string render_bytes(double bytes);

}  // namespace leakgate
