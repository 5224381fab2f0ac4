#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace leakgate {

// One hop of a reference chain from a GC root to an object.
struct RootHop {
  std::uint64_t address = 0;  // valid inside one dump only; never part of a key
  std::string type;
  std::string note;  // SOS's annotation: "(dependent handle)", "(static variable: T.f)"
};

// A path as gcroot prints it: the root and the chain of objects down to the target.
struct RootPath {
  std::string root_kind;  // "strong handle", "pinned handle", "weak short handle", "ref counted
                          // handle", "dependent handle", "static", "thread stack", "finalizer
                          // queue", ...
  std::string root;       // handle address, "thread 7464: Frame()", or "Type.field" for statics
  std::string holder;     // statics: the type that declares the field
  std::string field;      // statics: the field
  std::vector<RootHop> chain;
};

// Paths of the sampled instances of one type, grouped by a fingerprint free of addresses.
struct RetentionGroup {
  std::string fingerprint;  // root kind | root | chain of type keys
  RootPath shortest;        // the shortest path of the group
  int instances = 0;        // sampled instances held this way
  std::string text;         // how to print it, when not render_path(shortest) (a leak's path)
};

struct Retention {
  std::string type;
  std::uint64_t instances = 0;  // of the type in the dump
  int sampled = 0;
  std::uint64_t unreachable = 0;       // of the sampled: no root holds them (garbage)
  std::vector<RetentionGroup> groups;  // most instances first
  std::vector<std::string> caps_hit;   // which caps limited the analysis
};

// "static FormsApp.ThemeService.ThemeChanged -> System.EventHandler<...> -> FormsApp.CustomerForm"
std::string render_path(const RootPath& path);

}  // namespace leakgate
