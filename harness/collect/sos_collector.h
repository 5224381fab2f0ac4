#pragma once

#include <memory>
#include <optional>

#include "collect/collector.h"
#include "collect/dotnet_dump.h"

namespace leakgate {

// SOS heap statistics through dotnet-dump: a heap dump of the process into the private temp dir,
// then one `dotnet-dump analyze` session running `eeheap -gc` and `dumpheap -stat`. Both tools'
// output is saved beside the report; the dump is deleted unless it is to be kept.
class SosCollector : public Collector {
 public:
  explicit SosCollector(ToolSettings settings);
  std::string_view name() const override { return "sos"; }
  std::string_view activity() const override { return "heap dump and SOS (eeheap, dumpheap)"; }
  bool applies_to(const RuntimeFacts& runtime) const override;
  std::string_view skip_reason() const override {
    return "not a .NET process (its hello names no runtime): the memory summary alone decides";
  }
  void collect(const CollectRequest& request, Checkpoint& into) override;
  // A throwaway dump: writing a dump reads (and so makes resident) pages of the target that were
  // never touched, mapped assemblies above all. Priming once before the first checkpoint keeps
  // that out of the memory summary's growth.
  std::optional<std::string> prepare(const CollectRequest& request) override;
  void keep_dump(const CollectRequest& request, Checkpoint& checkpoint) override;
  std::map<std::string, Retention> explain(const Checkpoint& checkpoint,
                                           const std::vector<std::string>& types,
                                           const RetentionCaps& caps,
                                           const std::filesystem::path& raw_dir) override;

  // The tool, located on first use (so a run with no .NET scenario never needs it).
  const DotnetDumpCommand& tool();
  std::map<std::string, std::string> tool_versions() const override;

  // dotnet-dump collect into `dump` (the runtime writes it: no ptrace needed); the tool's output
  // is saved to raw_dir/<label>.dump-collect.txt and listed in `into` when given.
  void take_dump(const CollectRequest& request, const std::filesystem::path& dump,
                 const std::string& label, Checkpoint* into);

 private:
  ToolSettings settings_;
  std::optional<DotnetDumpCommand> tool_;
};

}  // namespace leakgate
