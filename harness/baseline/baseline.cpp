#include "baseline/baseline.h"

#include <algorithm>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "model/memory_summary.h"

namespace leakgate {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json override_to_json(const ToleranceOverride& o) {
  json j = json::object();
  if (o.relative) j["relativeTolerance"] = *o.relative;
  if (o.absolute) j["absolute"] = *o.absolute;
  if (o.min_growth_per_iteration) j["minGrowthPerIteration"] = *o.min_growth_per_iteration;
  return j;
}

ToleranceOverride override_from_json(JsonObjectReader r) {
  ToleranceOverride o;
  o.relative = r.optional_number("relativeTolerance", 0, 1000);
  o.absolute = r.optional_number("absolute", 0, 1e18);
  o.min_growth_per_iteration = r.optional_number("minGrowthPerIteration", 1e-9, 1e18);
  r.finish();
  return o;
}

json spreads_to_json(const std::map<std::string, Spread>& spreads) {
  json j = json::object();
  // Whole numbers are written as integers: counts and KiB are, and the file reads better.
  auto number = [](double v) {
    const auto whole = static_cast<std::int64_t>(v);
    return static_cast<double>(whole) == v ? json(whole) : json(v);
  };
  for (const auto& [key, s] : spreads) j[key] = {{"max", number(s.max)}, {"min", number(s.min)}};
  return j;
}

std::map<std::string, Spread> spreads_from_json(JsonObjectReader r) {
  std::map<std::string, Spread> out;
  for (const auto& [key, value] : r.value().items()) {
    JsonObjectReader s(value, r.file(), r.pointer(key));
    Spread spread;
    // Both bounds are required: a spread without one is not a calibration leakgate wrote.
    const auto min = s.optional_number("min", 0, 1e18);
    if (!min) s.fail("min", "missing: a calibration spread has \"min\" and \"max\"");
    spread.min = *min;
    const auto max = s.optional_number("max", spread.min, 1e18);
    if (!max) s.fail("max", "missing: a calibration spread has \"min\" and \"max\"");
    spread.max = *max;
    s.finish();
    r.accept(key);
    out[key] = spread;
  }
  return out;
}

}  // namespace

json baseline_to_json(const Baseline& b) {
  json doc = json::object();
  doc["schemaVersion"] = Baseline::kSchemaVersion;
  doc["scenario"] = b.scenario;
  doc["iterations"] = b.iterations;
  doc["recordedWith"] = b.recorded_with;
  if (b.accepted_growth) doc["acceptedGrowth"] = *b.accepted_growth;
  if (b.gc_heap_allocated_bytes) doc["gcHeap"] = {{"allocatedBytes", *b.gc_heap_allocated_bytes}};
  if (!b.memory_kb.empty()) doc["memoryKb"] = b.memory_kb;
  if (!b.type_tolerances.empty() || !b.memory_tolerances.empty()) {
    json t = json::object();
    for (const auto& [k, o] : b.type_tolerances) t["types"][k] = override_to_json(o);
    for (const auto& [k, o] : b.memory_tolerances) t["memory"][k] = override_to_json(o);
    doc["tolerances"] = t;
  }
  if (b.calibration) {
    doc["calibration"] = {{"runs", b.calibration->runs},
                          {"typeCounts", spreads_to_json(b.calibration->type_counts)},
                          {"memoryKb", spreads_to_json(b.calibration->memory_kb)}};
  }
  json types = json::object();
  for (const auto& [name, t] : b.types) types[name] = {{"bytes", t.bytes}, {"count", t.count}};
  doc["types"] = types;
  return doc;
}

Baseline baseline_from_json(const json& doc, const std::string& file) {
  JsonObjectReader r(doc, file, "");
  Baseline b;
  r.integer("schemaVersion", Baseline::kSchemaVersion, Baseline::kSchemaVersion);
  b.scenario = r.string("scenario");
  b.iterations = static_cast<int>(r.integer("iterations", 1, 1000000));
  if (auto w = r.optional_object("recordedWith")) {
    for (const auto& [key, value] : w->value().items()) {
      if (!value.is_string()) w->fail(key, "expected a string");
      b.recorded_with[key] = value.get<std::string>();
      w->accept(key);
    }
  }
  b.accepted_growth = r.optional_string("acceptedGrowth");
  if (auto gc = r.optional_object("gcHeap")) {
    b.gc_heap_allocated_bytes = static_cast<std::uint64_t>(
        gc->integer("allocatedBytes", 0, std::numeric_limits<std::int64_t>::max()));
    gc->finish();
  }
  if (auto memory = r.optional_object("memoryKb")) {
    for (const auto& [name, value] : memory->value().items()) {
      MemoryCategory c;
      if (!category_from_name(name, c)) memory->fail(name, "not a memory category");
      b.memory_kb[std::string(category_label(c))] = static_cast<std::uint64_t>(
          memory->integer(name, 0, std::numeric_limits<std::int64_t>::max()));
    }
  }
  if (auto t = r.optional_object("tolerances")) {
    if (auto types = t->optional_object("types")) {
      for (const auto& [k, v] : types->value().items()) {
        b.type_tolerances[k] = override_from_json(JsonObjectReader(v, file, types->pointer(k)));
        types->accept(k);
      }
    }
    if (auto memory = t->optional_object("memory")) {
      for (const auto& [k, v] : memory->value().items()) {
        MemoryCategory c;
        if (!category_from_name(k, c)) memory->fail(k, "not a memory category");
        b.memory_tolerances[std::string(category_label(c))] =
            override_from_json(JsonObjectReader(v, file, memory->pointer(k)));
        memory->accept(k);
      }
    }
    t->finish();
  }
  if (auto c = r.optional_object("calibration")) {
    Calibration cal;
    cal.runs = static_cast<int>(c->integer("runs", 1, 1000000));
    if (auto counts = c->optional_object("typeCounts"))
      cal.type_counts = spreads_from_json(*counts);
    if (auto kb = c->optional_object("memoryKb")) cal.memory_kb = spreads_from_json(*kb);
    c->finish();
    b.calibration = cal;
  }
  auto types = r.optional_object("types");
  if (!types) r.fail("types", "required field is missing");
  for (const auto& [name, value] : types->value().items()) {
    JsonObjectReader t(value, file, types->pointer(name));
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    b.types[name] = {static_cast<std::uint64_t>(t.integer("count", 0, kMax)),
                     static_cast<std::uint64_t>(t.integer("bytes", 0, kMax))};
    t.finish();
    types->accept(name);
  }
  r.finish();
  return b;
}

namespace {

// Small flat objects (a type's count and bytes, a tolerance) stay on one line; larger ones or
// ones holding objects get one entry per line. Keys are sorted (nlohmann::json's map).
void render(const json& value, const std::string& indent, std::string& out) {
  const bool expand =
      value.is_object() && !value.empty() &&
      (value.size() > 3 ||
       std::any_of(value.begin(), value.end(), [](const json& v) { return v.is_structured(); }));
  if (!expand) {
    out += dump_json(value);
    return;
  }
  out += "{\n";
  std::size_t i = 0;
  for (const auto& [key, inner] : value.items()) {
    out += indent + "  " + dump_json(json(key)) + ": ";
    render(inner, indent + "  ", out);
    out += ++i < value.size() ? ",\n" : "\n";
  }
  out += indent + "}";
}

}  // namespace

std::string render_baseline(const Baseline& baseline) {
  std::string out;
  render(baseline_to_json(baseline), "", out);
  return out + "\n";
}

fs::path baseline_path(const fs::path& dir, const std::string& scenario) {
  return dir / (scenario + ".json");
}

std::optional<Baseline> load_baseline(const fs::path& dir, const std::string& scenario) {
  const fs::path file = baseline_path(dir, scenario);
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  Baseline b = baseline_from_json(read_json_file(file.string()), file.string());
  if (b.scenario != scenario) {
    throw InputError(file.string(), "/scenario",
                     "names scenario \"" + b.scenario + "\", expected \"" + scenario + "\"");
  }
  return b;
}

void store_baseline(const fs::path& dir, const Baseline& baseline) {
  fs::create_directories(dir);
  write_file_atomically(baseline_path(dir, baseline.scenario), render_baseline(baseline));
}

}  // namespace leakgate
