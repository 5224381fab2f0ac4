#include "collect/collector.h"
#include "collect/engine_collector.h"
#include "collect/memory_collector.h"
#include "collect/sos_collector.h"

namespace leakgate {

// Every collector, in the order they run at a checkpoint. A new data source is one line here.
std::vector<std::unique_ptr<Collector>> make_collectors(const ToolSettings& settings) {
  std::vector<std::unique_ptr<Collector>> collectors;
  // The memory summary first: it reads /proc only, before the dump touches anything.
  collectors.push_back(std::make_unique<MemoryCollector>());
  if (settings.heap_reader == HeapReader::kEngine) {
    collectors.push_back(std::make_unique<EngineCollector>(settings));
  } else {
    collectors.push_back(std::make_unique<SosCollector>(settings));
  }
  return collectors;
}

}  // namespace leakgate
