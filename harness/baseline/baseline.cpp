#include "baseline/baseline.h"

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "model/memory_summary.h"

namespace leakgate {

namespace fs = std::filesystem;
using nlohmann::json;

json baseline_to_json(const Baseline& b) {
  json doc = json::object();
  doc["schemaVersion"] = Baseline::kSchemaVersion;
  doc["scenario"] = b.scenario;
  doc["iterations"] = b.iterations;
  doc["recordedWith"] = b.recorded_with;
  if (b.accepted_growth) doc["acceptedGrowth"] = *b.accepted_growth;
  if (b.gc_heap_allocated_bytes) doc["gcHeap"] = {{"allocatedBytes", *b.gc_heap_allocated_bytes}};
  if (!b.memory_kb.empty()) doc["memoryKb"] = b.memory_kb;
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

std::string render_baseline(const Baseline& baseline) {
  // Keys sorted; objects of objects one entry per line, so a changed type is a one-line diff.
  const json doc = baseline_to_json(baseline);
  std::string out = "{\n";
  std::size_t i = 0;
  for (const auto& [key, value] : doc.items()) {
    out += "  " + json(key).dump() + ": ";
    const bool nested = value.is_object() && !value.empty() && value.begin()->is_structured();
    const bool wide = value.is_object() && value.size() > 1;
    if (nested || wide) {
      out += "{\n";
      std::size_t j = 0;
      for (const auto& [inner_key, inner] : value.items()) {
        out += "    " + json(inner_key).dump() + ": " + inner.dump() +
               (++j < value.size() ? ",\n" : "\n");
      }
      out += "  }";
    } else {
      out += value.dump();
    }
    out += ++i < doc.size() ? ",\n" : "\n";
  }
  return out + "}\n";
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
