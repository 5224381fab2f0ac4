#include "baseline/known_leaks.h"

#include "common/errors.h"
#include "common/json_reader.h"

namespace leakgate {

std::vector<KnownLeak> load_known_leaks(const std::filesystem::path& baselines_dir) {
  const auto file = baselines_dir / "known-leaks.json";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return {};
  return parse_known_leaks(read_json_file(file.string()), file.string());
}

std::vector<KnownLeak> parse_known_leaks(const nlohmann::json& doc, const std::string& file) {
  JsonObjectReader r(doc, file, "");
  r.integer("schemaVersion", 1, 1);
  const auto* entries = r.optional_array("entries");
  if (entries == nullptr) r.fail("entries", "required field is missing");
  std::vector<KnownLeak> out;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    JsonObjectReader e((*entries)[i], file, "/entries/" + std::to_string(i));
    KnownLeak leak;
    leak.scenario = e.string("scenario");
    leak.type = e.string("type");
    leak.reason = e.string("reason");
    leak.index = i;
    if (leak.reason.empty()) e.fail("reason", "a known leak needs a reason");
    if (leak.type.empty()) e.fail("type", "must not be empty");
    e.finish();
    out.push_back(std::move(leak));
  }
  r.finish();
  return out;
}

std::vector<KnownLeak> known_leaks_for(const std::vector<KnownLeak>& all,
                                       const std::string& scenario,
                                       std::set<std::size_t>& applicable) {
  std::vector<KnownLeak> out;
  for (const auto& leak : all) {
    if (leak.scenario == "*" || leak.scenario == scenario) {
      out.push_back(leak);
      applicable.insert(leak.index);
    }
  }
  return out;
}

std::vector<KnownLeak> stale_known_leaks(const std::vector<KnownLeak>& all,
                                         const std::set<std::size_t>& applicable,
                                         const std::set<std::size_t>& used) {
  std::vector<KnownLeak> out;
  for (const auto& leak : all) {
    if (applicable.contains(leak.index) && !used.contains(leak.index)) out.push_back(leak);
  }
  return out;
}

}  // namespace leakgate
