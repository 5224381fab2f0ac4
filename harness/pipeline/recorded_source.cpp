#include "pipeline/recorded_source.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "collect/engine_protocol.h"
#include "collect/memory_classifier.h"
#include "collect/memory_collector.h"
#include "collect/sos_parsers.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "report/leak_json.h"
#include "report/retention_json.h"
#include "scenario/protocol.h"
#include "verdict/leak_result.h"

namespace leakgate {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::uintmax_t kMaxRawBytes = 512u << 20;  // a raw file larger than this is not ours

// A count of the recorded checkpoint: the judge divides by iterations, so a count that is not a
// whole number from 0 to INT_MAX is refused rather than wrapped.
int count_of(const json& checkpoint, const char* key) {
  const std::int64_t v = integer_or(checkpoint, key, -1);
  if (checkpoint.contains(key) && (v < 0 || v > std::numeric_limits<int>::max())) {
    throw ScenarioError(std::string("a recorded checkpoint's \"") + key +
                        "\" is not a whole number from 0 to " +
                        std::to_string(std::numeric_limits<int>::max()));
  }
  return v < 0 ? 0 : static_cast<int>(v);
}

// A raw file of the checkpoint: a plain name inside the scenario's folder (a report from another
// machine must not make leakgate read anything else), read whole.
std::string read_raw(const fs::path& raw_dir, const std::string& name) {
  const fs::path file = raw_dir / name;
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
    throw InputError((raw_dir / "..").lexically_normal().string() + "/report.json", "",
                     "raw output '" + name + "' is not a file of the scenario's folder");
  }
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || fs::file_size(file, ec) > kMaxRawBytes) {
    throw InputError(file.string(), "", "the recorded raw output is missing or not a file");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) throw InputError(file.string(), "", "cannot be read");
  return text.str();
}

// Re-reads the heap and memory of one checkpoint from its raw files.
void read_checkpoint(const fs::path& raw_dir, const json& raw, Checkpoint& cp) {
  std::string smaps, status;
  std::optional<json> inputs;
  for (const auto& artifact : raw) {
    if (!artifact.is_object()) continue;
    const std::string label = string_or(artifact, "label");
    const std::string name = string_or(artifact, "path");
    cp.raw.push_back({label, name});
    const fs::path file = raw_dir / name;
    try {
      if (label == "heap engine heapstat") {
        const engine::Reply reply = engine::parse_reply(read_raw(raw_dir, name));
        engine::HeapStatReply stats = engine::parse_heapstat(reply.body);
        cp.heap = std::move(stats.heap);
        cp.gc_heap = std::move(stats.gc);
      } else if (label == "dotnet-dump analyze") {
        const std::string sos = read_raw(raw_dir, name);
        cp.gc_heap = parse_eeheap_gc(sos);
        cp.heap = parse_dumpheap_stat(sos);
      } else if (label == "/proc/PID/smaps") {
        smaps = read_raw(raw_dir, name);
      } else if (label == "/proc/PID/status") {
        status = read_raw(raw_dir, name);
      } else if (label == "memory inputs") {
        inputs = parse_json_text(read_raw(raw_dir, name), file.string());
      }
    } catch (const ParseError& e) {
      throw InputError(file.string(), "", std::string("cannot be read again: ") + e.what());
    }
  }
  if (!smaps.empty()) {
    try {
      cp.memory =
          classify_memory(recorded_process_memory(smaps, status, inputs ? &*inputs : nullptr));
    } catch (const ParseError& e) {
      throw InputError((raw_dir / (cp.label + ".smaps.txt")).string(), "",
                       std::string("cannot be read again: ") + e.what());
    }
  }
  attribute_runtime_memory(cp);
}

}  // namespace

void RecordedSource::drive(const Manifest&, const fs::path& raw_dir, const fs::path&,
                           ScenarioResult& result, const MoreIterations&) {
  if (const auto it = recorded_.find("runtime"); it != recorded_.end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      if (value.is_string()) result.runtime.facts[key] = value.get<std::string>();
    }
  }
  const auto checkpoints = recorded_.find("checkpoints");
  if (checkpoints == recorded_.end() || !checkpoints->is_array() || checkpoints->empty()) {
    throw ScenarioError("the recorded run has no checkpoints (it ended in an error: " +
                        string_or(recorded_, "error") + ")");
  }
  for (const auto& c : *checkpoints) {
    if (!c.is_object()) continue;
    Checkpoint cp;
    cp.label = string_or(c, "label");
    cp.iteration = count_of(c, "iteration");
    cp.settle_reply = string_or(c, "settle");
    cp.settle_rounds = count_of(c, "settleRounds");
    cp.settled_by = string_or(c, "settledBy");
    if (const auto raw = c.find("raw"); raw != c.end() && raw->is_array()) {
      read_checkpoint(raw_dir, *raw, cp);
    }
    if (protocol::parse_facts(cp.settle_reply).contains("finalizerBlocked")) {
      note_finalizer_blocked(result);
    }
    result.checkpoints.push_back(std::move(cp));
  }
  result.info.emplace_back("re-judged from the raw output of a recorded run (leakgate rejudge)");
}

void RecordedSource::explain(const Manifest&, const fs::path&, ScenarioResult& result) {
  attach_leaks(leaks_from_json(recorded_), result);
  const auto findings = recorded_.find("findings");
  if (findings == recorded_.end() || !findings->is_array()) return;
  for (auto& f : result.findings) {
    for (const auto& r : *findings) {
      if (!r.is_object() || string_or(r, "type") != f.type ||
          string_or(r, "kind") != to_string(f.kind))
        continue;
      if (auto retention = retention_from_json(r)) f.retention = std::move(*retention);
      break;
    }
  }
}

}  // namespace leakgate
