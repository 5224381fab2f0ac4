#include "collect/retention_grouping.h"

#include <algorithm>
#include <set>

#include "model/type_key.h"

namespace leakgate {

namespace {

bool handle_kind(const std::string& kind) { return kind.ends_with("handle"); }

std::string root_label(const RootPath& p) {
  if (p.root_kind == "static") return p.root;
  if (p.root_kind == "thread stack") {
    // "thread 7464: Frame()" -> the frame only: thread ids change from run to run.
    const auto colon = p.root.find(": ");
    return colon == std::string::npos ? "" : p.root.substr(colon + 2);
  }
  return "";  // a handle's address says nothing stable
}

}  // namespace

std::string path_fingerprint(const RootPath& p) {
  std::string f = p.root_kind + "|" + root_label(p);
  for (const auto& hop : p.chain) {
    // A cut ("... 12 hops ...") is one mark whatever it left out.
    const bool cut = hop.address == 0 && hop.type.starts_with("... ");
    f += "|" + (cut ? std::string("...") : type_key(hop.type));
  }
  return f;
}

RootPath resolve_static(RootPath path, const std::map<std::uint64_t, StaticField>& statics) {
  if (!handle_kind(path.root_kind) || path.chain.size() < 2 ||
      path.chain[0].type != "System.Object[]") {
    return path;
  }
  const auto it = statics.find(path.chain[1].address);
  if (it == statics.end()) {
    // SOS may have named it itself.
    const std::string& note = path.chain[1].note;
    constexpr std::string_view kPrefix = "(static variable: ";
    if (!note.starts_with(kPrefix)) return path;
    const std::string name = note.substr(kPrefix.size(), note.size() - kPrefix.size() - 1);
    const auto dot = name.rfind('.');
    path.holder = name.substr(0, dot);
    path.field = dot == std::string::npos ? "" : name.substr(dot + 1);
  } else {
    path.holder = it->second.type;
    path.field = it->second.field;
  }
  path.root_kind = "static";
  path.root = path.holder + "." + path.field;
  path.chain.erase(path.chain.begin());  // the statics array is the runtime's, not the app's
  return path;
}

std::vector<RetentionGroup> group_paths(const std::vector<std::vector<RootPath>>& per_instance,
                                        const std::map<std::uint64_t, StaticField>& statics,
                                        std::size_t max_hops) {
  std::map<std::string, RetentionGroup> groups;
  for (const auto& paths : per_instance) {
    std::set<std::string> counted;  // an instance counts once per group
    for (RootPath p : paths) {
      p = resolve_static(std::move(p), statics);
      if (p.chain.size() > max_hops) {
        const std::size_t cut = p.chain.size() - max_hops;
        p.chain.erase(p.chain.begin(), p.chain.begin() + static_cast<std::ptrdiff_t>(cut));
        p.chain.insert(p.chain.begin(), RootHop{0, "... " + std::to_string(cut) + " hops ...", ""});
      }
      const std::string key = path_fingerprint(p);
      auto& g = groups[key];
      if (g.fingerprint.empty()) {
        g.fingerprint = key;
        g.shortest = p;
      } else if (p.chain.size() < g.shortest.chain.size()) {
        g.shortest = p;
      }
      if (counted.insert(key).second) ++g.instances;
    }
  }
  std::vector<RetentionGroup> out;
  out.reserve(groups.size());
  for (auto& [key, g] : groups) out.push_back(std::move(g));
  std::stable_sort(out.begin(), out.end(), [](const RetentionGroup& a, const RetentionGroup& b) {
    return a.instances > b.instances;
  });
  return out;
}

}  // namespace leakgate
