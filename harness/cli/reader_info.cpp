#include "cli/reader_info.h"

#include "common/peak_rss.h"

namespace leakgate {

nlohmann::json engine_reader(const EngineHeap& heap, const nlohmann::json& reply,
                             const std::string& section) {
  nlohmann::json out = {{"reader", "engine"}, {"how", heap.how()}};
  const auto it = reply.find(section);
  if (it != reply.end() && it->is_object()) out["engine"] = *it;
  return out;
}

nlohmann::json with_own_peak_rss(nlohmann::json reader) {
  reader["leakgatePeakRssBytes"] = own_peak_rss_bytes();
  return reader;
}

}  // namespace leakgate
