#include "collect/sos_collector.h"

#include "collect/sos_parsers.h"
#include "collect/sos_session.h"
#include "common/errors.h"

namespace leakgate {

namespace fs = std::filesystem;

SosCollector::SosCollector(ToolSettings settings) : settings_(std::move(settings)) {}

bool SosCollector::applies_to(const RuntimeFacts& runtime) const {
  return runtime.facts.contains("runtime");
}

const DotnetDumpCommand& SosCollector::tool() {
  if (!tool_) tool_ = locate_dotnet_dump(settings_.dotnet_dump, settings_.tool_search_from);
  return *tool_;
}

std::map<std::string, std::string> SosCollector::tool_versions() const {
  if (!tool_) return {};
  return {{"dotnet-dump", tool_->version}};
}

void SosCollector::take_dump(const CollectRequest& request, const fs::path& dump,
                             const std::string& label, Checkpoint* into) {
  const fs::path log = request.raw_dir / (label + ".dump-collect.txt");
  if (into != nullptr) into->raw.push_back({"dotnet-dump collect", log.filename().string()});
  collect_heap_dump(tool(), request.pid, dump, Deadline::after_seconds(request.timeout_seconds),
                    log, request.tool_env);
}

std::optional<std::string> SosCollector::prepare(const CollectRequest& request) {
  const fs::path dump = request.temp_dir / "priming.dmp";
  take_dump(request, dump, "priming", nullptr);
  fs::remove(dump);
  return "a priming heap dump was taken (and deleted) before the first checkpoint, so that the "
         "pages a dump reads do not show as memory growth";
}

void SosCollector::keep_dump(const CollectRequest& request, Checkpoint& checkpoint) {
  if (checkpoint.dump_file) return;
  const fs::path dump = request.temp_dir / (request.label + ".dmp");
  take_dump(request, dump, request.label, &checkpoint);
  checkpoint.dump_file = dump.string();
}

void SosCollector::collect(const CollectRequest& request, Checkpoint& into) {
  const DotnetDumpCommand& cmd = tool();
  const fs::path dump = request.temp_dir / (request.label + ".dmp");
  const Deadline deadline = Deadline::after_seconds(request.timeout_seconds);
  take_dump(request, dump, request.label, &into);
  const fs::path sos_log = request.raw_dir / (request.label + ".sos.txt");
  const std::string analyzed = run_sos_session(
      cmd, dump, {"eeheap -gc", request.live_only ? "dumpheap -stat -live" : "dumpheap -stat"},
      deadline, sos_log, request.tool_env);
  into.raw.push_back({"dotnet-dump analyze", sos_log.filename().string()});
  try {
    into.gc_heap = parse_eeheap_gc(analyzed);
    into.heap = parse_dumpheap_stat(analyzed);
  } catch (const ParseError& e) {
    throw ToolError("cannot read SOS output at checkpoint '" + request.label + "' (" +
                    sos_log.string() + "): " + e.what());
  }

  if (request.retain_dump) {
    into.dump_file = dump.string();
  } else {
    fs::remove(dump);
  }
}

std::map<std::string, Retention> SosCollector::explain(const Checkpoint& checkpoint,
                                                       const std::vector<std::string>& types,
                                                       const RetentionCaps& caps,
                                                       const fs::path& raw_dir) {
  if (!checkpoint.dump_file || !checkpoint.heap || types.empty()) return {};
  return analyze_retention(tool(), *checkpoint.dump_file, *checkpoint.heap, types, caps, raw_dir,
                           checkpoint.label);
}

}  // namespace leakgate
