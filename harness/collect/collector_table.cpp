#include "collect/collector.h"
#include "collect/memory_collector.h"
#include "collect/sos_collector.h"

namespace leakgate {

// Every collector, in the order they run at a checkpoint. A new data source is one line here.
std::vector<std::unique_ptr<Collector>> make_collectors(const ToolSettings& settings) {
  std::vector<std::unique_ptr<Collector>> collectors;
  // The memory summary first: it reads /proc only, before the dump touches anything.
  collectors.push_back(std::make_unique<MemoryCollector>());
  collectors.push_back(std::make_unique<SosCollector>(settings));
  return collectors;
}

}  // namespace leakgate
