#include "report/retention_json.h"

namespace leakgate {

using nlohmann::json;

json retention_paths_to_json(const Retention& r) {
  json paths = json::array();
  for (const auto& g : r.groups) {
    json chain = json::array();
    for (const auto& hop : g.shortest.chain) chain.push_back(hop.type);
    json p = {{"fingerprint", g.fingerprint}, {"rootKind", g.shortest.root_kind},
              {"root", g.shortest.root},      {"chain", chain},
              {"instances", g.instances},     {"text", render_path(g.shortest)}};
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

}  // namespace leakgate
