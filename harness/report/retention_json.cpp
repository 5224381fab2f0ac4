#include "report/retention_json.h"

#include <algorithm>

#include "common/json_reader.h"

namespace leakgate {

using nlohmann::json;

json retention_paths_to_json(const Retention& r) {
  json paths = json::array();
  for (const auto& g : r.groups) {
    json chain = json::array();
    for (const auto& hop : g.shortest.chain) chain.push_back(hop.type);
    json p = {{"fingerprint", g.fingerprint},
              {"rootKind", g.shortest.root_kind},
              {"root", g.shortest.root},
              {"chain", chain},
              {"instances", g.instances},
              {"text", g.text.empty() ? render_path(g.shortest) : g.text}};
    if (!g.shortest.holder.empty()) {
      p["holder"] = g.shortest.holder;
      p["field"] = g.shortest.field;
    }
    paths.push_back(p);
  }
  return paths;
}

json retention_summary_to_json(const Retention& r) {
  return {{"instances", r.instances}, {"sampled", r.sampled}, {"capsHit", r.caps_hit}};
}

std::optional<Retention> retention_from_json(const json& finding) {
  const auto summary = finding.find("retention");
  const auto paths = finding.find("retentionPaths");
  if (summary == finding.end() || !summary->is_object() || paths == finding.end() ||
      !paths->is_array()) {
    return std::nullopt;
  }
  const auto text = [](const json& o, const char* key) {
    const auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto count = [](const json& o, const char* key) -> std::uint64_t {
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, integer_or(o, key, 0)));
  };
  Retention r;
  r.type = text(finding, "type");
  r.instances = count(*summary, "instances");
  r.sampled = static_cast<int>(std::min<std::uint64_t>(count(*summary, "sampled"), 1u << 30));
  if (const auto caps = summary->find("capsHit"); caps != summary->end() && caps->is_array()) {
    for (const auto& c : *caps) {
      if (c.is_string()) r.caps_hit.push_back(c.get<std::string>());
    }
  }
  for (const auto& p : *paths) {
    if (!p.is_object()) continue;
    RetentionGroup g;
    g.fingerprint = text(p, "fingerprint");
    g.instances = static_cast<int>(std::min<std::uint64_t>(count(p, "instances"), 1u << 30));
    g.shortest.root_kind = text(p, "rootKind");
    g.shortest.root = text(p, "root");
    g.shortest.holder = text(p, "holder");
    g.shortest.field = text(p, "field");
    g.text = text(p, "text");
    if (const auto chain = p.find("chain"); chain != p.end() && chain->is_array()) {
      for (const auto& hop : *chain) {
        if (hop.is_string()) g.shortest.chain.push_back({0, hop.get<std::string>(), ""});
      }
    }
    r.groups.push_back(std::move(g));
  }
  return r;
}

}  // namespace leakgate
