#include "report/leak_json.h"

#include <string>

#include "common/json_reader.h"

namespace leakgate {

using nlohmann::json;

namespace {

std::uint64_t count_or_zero(const json& o, const char* key) {
  const auto v = integer_or(o, key, 0);
  return v > 0 ? static_cast<std::uint64_t>(v) : 0;
}

double number_or_zero(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_number() ? it->get<double>() : 0.0;
}

const json& array_or_empty(const json& o, const char* key) {
  static const json empty = json::array();
  const auto it = o.find(key);
  return it != o.end() && it->is_array() ? *it : empty;
}

json leak_to_json(const Leak& leak) {
  json path = json::array();
  for (const auto& hop : leak.path) {
    json h = {{"type", hop.type}};
    if (!hop.field.empty()) h["field"] = hop.field;
    if (hop.repeat > 1) h["repeat"] = hop.repeat;
    if (hop.first_new) h["firstNew"] = true;
    if (!hop.note.empty()) h["note"] = hop.note;
    path.push_back(std::move(h));
  }
  json members = json::array();
  for (const auto& m : leak.members) {
    members.push_back({{"type", m.type},
                       {"instances", m.instances},
                       {"bytes", m.bytes},
                       {"relation", to_string(m.relation)},
                       {"perIteration", leak.per_iteration(m.instances)}});
  }
  json retained_types = json::array();
  for (const auto& t : leak.retained) {
    retained_types.push_back({{"type", t.type},
                              {"count", t.count},
                              {"bytes", t.bytes},
                              {"countPerIteration", leak.per_iteration(t.count)},
                              {"bytesPerIteration", leak.per_iteration(t.bytes)}});
  }
  json root = {{"kind", leak.root.kind}, {"name", leak.root.name}};
  if (!leak.root.holder.empty()) root["holder"] = leak.root.holder;
  if (!leak.root.field.empty()) root["field"] = leak.root.field;
  return {{"head", leak.head},
          {"headIsApp", leak.head_is_app},
          {"instances", leak.head_instances},
          {"growthPerIteration", leak.head_growth_per_iteration},
          {"root", root},
          {"text", render_leak_path(leak)},
          {"path", path},
          {"depth", leak.depth},
          {"cut", leak.cut},
          {"cutAt", leak.cut_at},
          {"members", members},
          {"retained",
           {{"objects", leak.retained_objects},
            {"bytes", leak.retained_bytes},
            {"bytesPerIteration", leak.retained_bytes_per_iteration()},
            {"types", retained_types}}}};
}

std::optional<Leak> leak_from_json(const json& j) {
  if (!j.is_object()) return std::nullopt;
  Leak leak;
  leak.head = string_or(j, "head");
  if (leak.head.empty()) return std::nullopt;
  leak.head_is_app = bool_or(j, "headIsApp", true);
  leak.head_instances = count_or_zero(j, "instances");
  leak.head_growth_per_iteration = number_or_zero(j, "growthPerIteration");
  if (const auto r = j.find("root"); r != j.end() && r->is_object()) {
    leak.root = {string_or(*r, "kind"), string_or(*r, "name"), string_or(*r, "holder"),
                 string_or(*r, "field")};
  }
  for (const auto& h : array_or_empty(j, "path")) {
    if (!h.is_object()) continue;
    LeakHop hop;
    hop.type = string_or(h, "type");
    hop.field = string_or(h, "field");
    hop.repeat = static_cast<int>(std::max<std::int64_t>(1, integer_or(h, "repeat", 1)));
    hop.first_new = bool_or(h, "firstNew", false);
    hop.note = string_or(h, "note");
    leak.path.push_back(std::move(hop));
  }
  if (leak.path.empty()) return std::nullopt;
  leak.depth = static_cast<int>(std::max<std::int64_t>(0, integer_or(j, "depth")));
  leak.cut = static_cast<int>(std::max<std::int64_t>(0, integer_or(j, "cut")));
  leak.cut_at = static_cast<int>(std::max<std::int64_t>(0, integer_or(j, "cutAt")));
  if (leak.cut_at > static_cast<int>(leak.path.size())) leak.cut = leak.cut_at = 0;
  for (const auto& m : array_or_empty(j, "members")) {
    if (!m.is_object()) continue;
    LeakMember member{string_or(m, "type"), count_or_zero(m, "instances"),
                      count_or_zero(m, "bytes"), LeakRelation::kBeside};
    try {
      member.relation = leak_relation_from(string_or(m, "relation", "beside"));
    } catch (const std::invalid_argument&) {  // NOLINT(bugprone-empty-catch): beside, as read
    }
    leak.members.push_back(std::move(member));
  }
  if (const auto r = j.find("retained"); r != j.end() && r->is_object()) {
    leak.retained_objects = count_or_zero(*r, "objects");
    leak.retained_bytes = count_or_zero(*r, "bytes");
    for (const auto& t : array_or_empty(*r, "types")) {
      if (t.is_object()) {
        leak.retained.push_back(
            {string_or(t, "type"), count_or_zero(t, "count"), count_or_zero(t, "bytes")});
      }
    }
  }
  return leak;
}

}  // namespace

void leaks_to_json(const LeakAnalysis& analysis, json& scenario) {
  if (analysis.leaks.empty() && analysis.unreachable.empty() && analysis.minor_places == 0) return;
  json leaks = json::array();
  for (const auto& leak : analysis.leaks) leaks.push_back(leak_to_json(leak));
  scenario["leaks"] = std::move(leaks);
  if (analysis.more_leaks > 0) scenario["moreLeaks"] = analysis.more_leaks;
  if (analysis.minor_places > 0) scenario["minorPlaces"] = analysis.minor_places;
  json unreachable = json::array();
  for (const auto& [type, n] : analysis.unreachable) {
    unreachable.push_back({{"type", type}, {"instances", n}});
  }
  if (!unreachable.empty()) scenario["unreachable"] = std::move(unreachable);
}

LeakAnalysis leaks_from_json(const json& scenario) {
  LeakAnalysis out;
  if (!scenario.is_object()) return out;
  for (const auto& j : array_or_empty(scenario, "leaks")) {
    if (auto leak = leak_from_json(j)) out.leaks.push_back(std::move(*leak));
  }
  out.more_leaks = count_or_zero(scenario, "moreLeaks");
  out.minor_places = count_or_zero(scenario, "minorPlaces");
  for (const auto& u : array_or_empty(scenario, "unreachable")) {
    if (u.is_object() && !string_or(u, "type").empty()) {
      out.unreachable.emplace_back(string_or(u, "type"), count_or_zero(u, "instances"));
    }
  }
  return out;
}

}  // namespace leakgate
