#include "collect/engine_leaks.h"

#include <algorithm>
#include <limits>

#include "common/errors.h"
#include "common/json_reader.h"
#include "model/type_key.h"

namespace leakgate::engine {

namespace {

using nlohmann::json;

constexpr const char* kWhat = "heap engine leaks reply";

// Reads one object of the reply; a wrong field is a tool's fault (ParseError), not the user's.
template <class Read>
auto reading(Read&& read) {
  try {
    return read();
  } catch (const InputError& e) {
    throw ParseError(1, e.what());
  }
}

std::uint64_t count(JsonObjectReader& r, const std::string& key) {
  return static_cast<std::uint64_t>(r.integer(key, 0, std::numeric_limits<std::int64_t>::max()));
}

const json& array(JsonObjectReader& r, const std::string& key) {
  const json* a = r.optional_array(key);
  if (a == nullptr) r.fail(key, "missing");
  return *a;
}

JsonObjectReader object_at(const json& a, std::size_t i, const std::string& pointer) {
  if (!a[i].is_object())
    throw ParseError(1, pointer + "/" + std::to_string(i) + " is not an object");
  return JsonObjectReader(a[i], kWhat, pointer + "/" + std::to_string(i));
}

LeakRoot parse_root(JsonObjectReader r) {
  LeakRoot root;
  root.kind = r.string("kind");
  root.name = r.string("name");
  root.holder = r.optional_string("holder").value_or("");
  root.field = r.optional_string("field").value_or("");
  if (root.kind.empty()) r.fail("kind", "is empty");
  return root;
}

LeakRelation relation_of(const Leak& leak, const std::string& key, std::uint64_t instances,
                         std::uint64_t under_head) {
  if (key == leak.head) return LeakRelation::kHead;
  for (std::size_t i = 0; i + 1 < leak.path.size(); ++i) {
    if (type_key(leak.path[i].type) == key) return LeakRelation::kPath;
  }
  return under_head * 2 >= instances ? LeakRelation::kUnder : LeakRelation::kBeside;
}

Leak parse_leak(JsonObjectReader r, const std::string& pointer) {
  Leak leak;
  auto root = r.optional_object("root");
  if (!root) r.fail("root", "missing");
  leak.root = parse_root(*root);
  auto head = r.optional_object("head");
  if (!head) r.fail("head", "missing");
  const std::string head_name = head->string("name");
  if (head_name.empty()) head->fail("name", "is empty");
  leak.head = type_key(head_name);
  leak.head_is_app = !is_framework_type(head_name);
  leak.head_instances = count(*head, "instances");
  leak.depth = static_cast<int>(r.integer("depth", 0, 1'000'000'000));
  leak.cut = static_cast<int>(r.integer("cut", 0, 1'000'000'000));
  leak.cut_at = static_cast<int>(r.integer("cutAt", 0, 1'000'000'000));
  const json& path = array(r, "path");
  if (path.empty()) r.fail("path", "is empty");
  for (std::size_t i = 0; i < path.size(); ++i) {
    JsonObjectReader h = object_at(path, i, pointer + "/path");
    LeakHop hop;
    hop.type = h.string("type");
    hop.field = h.optional_string("field").value_or("");
    hop.repeat = static_cast<int>(h.optional_integer("repeat", 1, 1'000'000'000).value_or(1));
    hop.first_new = h.optional_bool("firstNew").value_or(false);
    hop.note = h.optional_string("note").value_or("");
    leak.path.push_back(std::move(hop));
  }
  if (leak.cut > 0 && (leak.cut_at <= 0 || leak.cut_at > static_cast<int>(leak.path.size()))) {
    r.fail("cutAt", "is outside the path");
  }
  if (type_key(leak.path.back().type) != leak.head) {
    r.fail("path", "does not end at the head (" + head_name + ")");
  }
  const json& members = array(r, "members");
  bool head_seen = false;
  for (std::size_t i = 0; i < members.size(); ++i) {
    JsonObjectReader m = object_at(members, i, pointer + "/members");
    LeakMember member;
    member.type = type_key(m.string("name"));
    member.instances = count(m, "instances");
    member.bytes = count(m, "bytes");
    const std::uint64_t under = count(m, "underHead");
    if (under > member.instances) m.fail("underHead", "is more than its instances");
    member.relation = relation_of(leak, member.type, member.instances, under);
    head_seen = head_seen || member.relation == LeakRelation::kHead;
    leak.members.push_back(std::move(member));
  }
  if (!head_seen) r.fail("members", "do not include the head (" + head_name + ")");
  std::stable_partition(leak.members.begin(), leak.members.end(),
                        [](const LeakMember& m) { return m.relation == LeakRelation::kHead; });
  auto retained = r.optional_object("retained");
  if (!retained) r.fail("retained", "missing");
  leak.retained_objects = count(*retained, "objects");
  leak.retained_bytes = count(*retained, "bytes");
  const json& types = array(*retained, "types");
  for (std::size_t i = 0; i < types.size(); ++i) {
    JsonObjectReader t = object_at(types, i, pointer + "/retained/types");
    RetainedType rt{t.string("name"), count(t, "count"), count(t, "bytes")};
    if (rt.bytes > leak.retained_bytes || rt.count > leak.retained_objects) {
      t.fail("bytes", "is more than the leak retains");
    }
    leak.retained.push_back(std::move(rt));
  }
  return leak;
}

}  // namespace

LeakAnalysis parse_leaks(const json& body) {
  return reading([&] {
    if (!body.is_object()) throw ParseError(1, std::string(kWhat) + " is not an object");
    JsonObjectReader r(body, kWhat, "");
    LeakAnalysis out;
    const json& leaks = array(r, "leaks");
    for (std::size_t i = 0; i < leaks.size(); ++i) {
      out.leaks.push_back(parse_leak(object_at(leaks, i, "/leaks"), "/leaks/" + std::to_string(i)));
    }
    out.more_leaks = count(r, "moreLeaks");
    const json& unreachable = array(r, "unreachable");
    for (std::size_t i = 0; i < unreachable.size(); ++i) {
      JsonObjectReader u = object_at(unreachable, i, "/unreachable");
      out.unreachable.emplace_back(type_key(u.string("name")), count(u, "instances"));
    }
    return out;
  });
}

}  // namespace leakgate::engine
