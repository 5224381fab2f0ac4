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
  bool applies_to(const RuntimeFacts& runtime) const override;
  void collect(const CollectRequest& request, Checkpoint& into) override;

  // The tool, located on first use (so a run with no .NET scenario never needs it).
  const DotnetDumpCommand& tool();
  std::map<std::string, std::string> tool_versions() const override;

 private:
  ToolSettings settings_;
  std::optional<DotnetDumpCommand> tool_;
};

}  // namespace leakgate
