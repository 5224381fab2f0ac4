#include "collect/engine_protocol.h"

#include <limits>

#include "common/errors.h"
#include "common/json_reader.h"

namespace leakgate::engine {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& what) { throw ParseError(1, "heap engine: " + what); }

json parse_object(std::string_view line) {
  json doc = json::parse(line, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    const std::string head(line.substr(0, 200));
    bad("not a JSON object: " + head);
  }
  if (!doc.contains("v") || !doc["v"].is_number_integer()) bad("a line without a version \"v\"");
  if (doc["v"].get<std::int64_t>() != kVersion) {
    bad("protocol version " + doc["v"].dump() + " (leakgate speaks " + std::to_string(kVersion) +
        ")");
  }
  return doc;
}

std::uint64_t unsigned_field(const json& o, const char* key, const std::string& where) {
  const auto it = o.find(key);
  if (it == o.end() || !it->is_number_unsigned()) {
    // An integer that fits is unsigned to nlohmann when it is not negative.
    if (it != o.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0) {
      return it->get<std::uint64_t>();
    }
    bad(where + ": \"" + key + "\" is not a non-negative integer");
  }
  return it->get<std::uint64_t>();
}

std::string string_field(const json& o, const char* key, const std::string& where) {
  const auto it = o.find(key);
  if (it == o.end() || !it->is_string()) bad(where + ": \"" + key + "\" is not a string");
  return it->get<std::string>();
}

const json& array_field(const json& o, const char* key, const std::string& where) {
  const auto it = o.find(key);
  if (it == o.end() || !it->is_array()) bad(where + ": \"" + key + "\" is not a list");
  return *it;
}

const json& object_field(const json& o, const char* key, const std::string& where) {
  const auto it = o.find(key);
  if (it == o.end() || !it->is_object()) bad(where + ": \"" + key + "\" is not an object");
  return *it;
}

bool add_checked(std::uint64_t& sum, std::uint64_t v) {
  if (sum > std::numeric_limits<std::uint64_t>::max() - v) return false;
  sum += v;
  return true;
}

// A list of {start, end} under `key`; an end before its start is a protocol error.
void read_ranges(const json& gc, const char* key,
                 std::vector<std::pair<std::uint64_t, std::uint64_t>>& out) {
  const json& ranges = array_field(gc, key, "heapstat gc");
  out.reserve(ranges.size());
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const std::string where = "heapstat gc " + std::string(key) + " " + std::to_string(i);
    if (!ranges[i].is_object()) bad(where + " is not an object");
    const auto start = unsigned_field(ranges[i], "start", where);
    const auto end = unsigned_field(ranges[i], "end", where);
    if (end < start) bad(where + " ends before it starts");
    out.emplace_back(start, end);
  }
}

}  // namespace

std::string parse_hello(std::string_view line) {
  const json doc = parse_object(line);
  if (string_or(doc, "hello") != "leakgate-heap-engine") bad("the first line is not its hello");
  std::string out = string_or(doc, "engineVersion", "?");
  if (const std::string clrmd = string_or(doc, "clrmd"); !clrmd.empty()) {
    out += " (ClrMD " + clrmd + ")";
  }
  return out;
}

Reply parse_reply(std::string_view line) {
  json doc = parse_object(line);
  Reply r;
  const auto id = doc.find("id");
  if (id == doc.end() || !id->is_number_integer()) bad("a reply without an \"id\"");
  r.id = id->get<std::int64_t>();
  const auto ok = doc.find("ok");
  if (ok == doc.end() || !ok->is_boolean()) bad("a reply without \"ok\"");
  r.ok = ok->get<bool>();
  if (!r.ok) {
    const json& error = object_field(doc, "error", "an error reply");
    r.error_kind = string_field(error, "kind", "error");
    r.error_message = string_field(error, "message", "error");
  }
  r.body = std::move(doc);
  return r;
}

GcHeapSummary parse_gc(const json& body, std::string_view op) {
  GcHeapSummary out;
  const std::string where = op == "gc" ? std::string(op) : std::string(op) + " gc";
  const json& gc = object_field(body, "gc", std::string(op));
  const auto heaps = unsigned_field(gc, "heaps", where);
  if (heaps == 0 || heaps > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    bad(where + ": \"heaps\" is " + std::to_string(heaps));
  }
  out.heap_count = static_cast<int>(heaps);
  const auto server = gc.find("server");
  if (server == gc.end() || !server->is_boolean()) bad(where + ": \"server\" is not true/false");
  out.server = server->get<bool>();
  if (gc.contains("dynamicAdaptationMode")) {
    const auto mode = unsigned_field(gc, "dynamicAdaptationMode", where);
    out.dynamic_adaptation = mode > 1000 ? -1 : static_cast<int>(mode);
  }
  out.allocated_bytes = unsigned_field(gc, "allocated", where);
  out.committed_bytes = unsigned_field(gc, "committed", where);
  const json& segments = array_field(gc, "segments", where);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string at = where + " segment " + std::to_string(i);
    if (!segments[i].is_object()) bad(at + " is not an object");
    const auto start = unsigned_field(segments[i], "start", at);
    const auto committed_end = unsigned_field(segments[i], "committedEnd", at);
    if (committed_end >= start) out.segments.emplace_back(start, committed_end);
  }
  // The runtime's own ranges (engines before these fields did not send them: no split then).
  out.owners_known = bool_or(gc, "nativeHeapsRead", false);
  if (out.owners_known) {
    read_ranges(gc, "gcOwned", out.gc_owned);
    read_ranges(gc, "runtimeOwned", out.runtime_owned);
  }
  return out;
}

HeapStatReply parse_heapstat(const json& body) {
  HeapStatReply out;
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;
  const json& types = array_field(body, "types", "heapstat");
  out.heap.types.reserve(types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    const std::string where = "heapstat type " + std::to_string(i);
    const json& t = types[i];
    if (!t.is_object()) bad(where + " is not an object");
    TypeStat row;
    row.method_table = unsigned_field(t, "mt", where);
    row.count = unsigned_field(t, "count", where);
    row.bytes = unsigned_field(t, "bytes", where);
    row.type = string_field(t, "name", where);
    if (row.type.empty()) bad(where + " has no name");
    if (!add_checked(objects, row.count) || !add_checked(bytes, row.bytes)) {
      bad(where + ": the totals overflow");
    }
    out.heap.types.push_back(std::move(row));
  }
  out.heap.total_objects = unsigned_field(body, "objects", "heapstat");
  out.heap.total_bytes = unsigned_field(body, "bytes", "heapstat");
  if (objects != out.heap.total_objects || bytes != out.heap.total_bytes) {
    bad("heapstat: the rows add up to " + std::to_string(objects) + " objects, " +
        std::to_string(bytes) + " bytes, the reply says " + std::to_string(out.heap.total_objects) +
        " objects, " + std::to_string(out.heap.total_bytes) + " bytes");
  }

  out.gc = parse_gc(body, "heapstat");
  return out;
}

namespace {

RootPath parse_path(const json& p, const std::string& where) {
  RootPath path;
  const json& root = object_field(p, "root", where);
  path.root_kind = string_field(root, "kind", where + " root");
  if (path.root_kind.empty()) bad(where + " root: \"kind\" is empty");
  path.root = string_field(root, "name", where + " root");
  if (root.contains("holder")) path.holder = string_field(root, "holder", where + " root");
  if (root.contains("field")) path.field = string_field(root, "field", where + " root");
  const auto cut = unsigned_field(p, "cut", where);
  if (cut > 0) path.chain.push_back({0, "... " + std::to_string(cut) + " hops ...", ""});
  const json& chain = array_field(p, "chain", where);
  if (chain.empty()) bad(where + ": an empty chain");
  for (std::size_t k = 0; k < chain.size(); ++k) {
    const std::string hop_where = where + " hop " + std::to_string(k);
    if (!chain[k].is_object()) bad(hop_where + " is not an object");
    RootHop hop;
    hop.address = unsigned_field(chain[k], "address", hop_where);
    hop.type = string_field(chain[k], "type", hop_where);
    if (chain[k].contains("note")) hop.note = string_field(chain[k], "note", hop_where);
    path.chain.push_back(std::move(hop));
  }
  return path;
}

int small_count(std::uint64_t n, const std::string& where) {
  if (n > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    bad(where + ": " + std::to_string(n) + " instances");
  }
  return static_cast<int>(n);
}

}  // namespace

std::vector<Retention> parse_roots(const json& body) {
  std::vector<Retention> out;
  const json& types = array_field(body, "types", "roots");
  for (std::size_t i = 0; i < types.size(); ++i) {
    const std::string where = "roots type " + std::to_string(i);
    const json& t = types[i];
    if (!t.is_object()) bad(where + " is not an object");
    Retention r;
    r.type = string_field(t, "name", where);
    if (r.type.empty()) bad(where + " has no name");
    r.instances = unsigned_field(t, "instances", where);
    r.unreachable = unsigned_field(t, "unreachable", where);
    if (r.unreachable > r.instances) bad(where + ": more unreachable instances than instances");
    r.sampled = small_count(r.instances, where);
    const std::uint64_t groups = unsigned_field(t, "groups", where);
    const json& paths = array_field(t, "paths", where);
    if (paths.size() > groups) bad(where + ": more paths than groups");
    std::uint64_t held = 0;
    for (std::size_t k = 0; k < paths.size(); ++k) {
      const std::string path_where = where + " path " + std::to_string(k);
      if (!paths[k].is_object()) bad(path_where + " is not an object");
      RetentionGroup g;
      const auto n = unsigned_field(paths[k], "instances", path_where);
      if (n == 0 || !add_checked(held, n))
        bad(path_where + ": \"instances\" is " + std::to_string(n));
      g.instances = small_count(n, path_where);
      g.shortest = parse_path(paths[k], path_where);
      r.groups.push_back(std::move(g));
    }
    if (held > r.instances - r.unreachable) {
      bad(where + ": the paths hold " + std::to_string(held) + " instances of " +
          std::to_string(r.instances - r.unreachable) + " reachable");
    }
    if (groups > paths.size()) {
      r.caps_hit.push_back(std::to_string(groups - paths.size()) + " more path(s) not shown");
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace leakgate::engine
