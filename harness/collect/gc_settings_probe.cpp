#include "collect/gc_settings_probe.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace leakgate {

namespace fs = std::filesystem;

namespace {

std::optional<std::string_view> env_value(std::string_view environ, std::string_view name) {
  std::optional<std::string_view> found;
  for (const std::string_view prefix : {"COMPlus_", "DOTNET_"}) {  // DOTNET_ wins over COMPlus_
    std::string_view rest = environ;
    while (!rest.empty()) {
      const auto end = rest.find('\0');
      const std::string_view entry = rest.substr(0, end);
      if (entry.size() > prefix.size() + name.size() && entry.starts_with(prefix) &&
          entry.substr(prefix.size(), name.size()) == name &&
          entry[prefix.size() + name.size()] == '=') {
        found = entry.substr(prefix.size() + name.size() + 1);
      }
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }
  return found;
}

// The runtime reads its DOTNET_ numbers in hexadecimal (with or without 0x).
std::optional<std::uint64_t> hex(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  std::uint64_t v = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> config_number(const nlohmann::json& props, const char* key) {
  const auto it = props.find(key);
  if (it == props.end()) return std::nullopt;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0) return it->get<std::uint64_t>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s.starts_with("0x") || s.starts_with("0X")) return hex(s);
    std::uint64_t v = 0;
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (error == std::errc() && end == s.data() + s.size() && !s.empty()) return v;
  }
  return std::nullopt;
}

std::optional<bool> config_bool(const nlohmann::json& props, const char* key) {
  const auto it = props.find(key);
  if (it == props.end()) return std::nullopt;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s == "true" || s == "True" || s == "1") return true;
    if (s == "false" || s == "False" || s == "0") return false;
  }
  return std::nullopt;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The runtimeconfig.json of the app `pid` runs, or an empty path.
fs::path runtimeconfig_of(pid_t pid) {
  const fs::path proc = "/proc/" + std::to_string(pid);
  const std::string cmdline = read_text(proc / "cmdline");
  std::vector<std::string> argv;
  for (std::size_t at = 0; at < cmdline.size();) {
    const auto end = cmdline.find('\0', at);
    argv.push_back(cmdline.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  std::error_code ec;
  const fs::path cwd = fs::read_symlink(proc / "cwd", ec);
  const auto resolve = [&](const fs::path& p) { return p.is_absolute() ? p : cwd / p; };
  if (!argv.empty() && fs::path(argv[0]).filename() == "dotnet") {
    for (std::size_t i = 1; i < argv.size(); ++i) {
      if (argv[i] == "--runtimeconfig" && i + 1 < argv.size()) return resolve(argv[i + 1]);
      if (argv[i].ends_with(".dll")) {
        fs::path config = resolve(argv[i]);
        config.replace_extension(".runtimeconfig.json");
        return config;
      }
    }
    return {};
  }
  const fs::path exe = fs::read_symlink(proc / "exe", ec);
  if (ec) return {};
  return exe.string() + ".runtimeconfig.json";
}

}  // namespace

std::map<std::string, std::string> read_gc_settings(std::string_view environ,
                                                    std::string_view runtimeconfig) {
  nlohmann::json props = nlohmann::json::object();
  if (!runtimeconfig.empty()) {
    const nlohmann::json doc = nlohmann::json::parse(runtimeconfig, nullptr, false);
    if (doc.is_object() && doc.contains("runtimeOptions") && doc["runtimeOptions"].is_object()) {
      const nlohmann::json& options = doc["runtimeOptions"];
      if (options.contains("configProperties") && options["configProperties"].is_object()) {
        props = options["configProperties"];
      }
    }
  }
  std::map<std::string, std::string> out;
  std::optional<bool> concurrent;
  if (const auto v = env_value(environ, "gcConcurrent")) {
    if (const auto n = hex(*v)) concurrent = *n != 0;
  }
  if (!concurrent) concurrent = config_bool(props, "System.GC.Concurrent");
  out["concurrent"] = concurrent.value_or(true) ? "true" : "false";

  std::optional<std::uint64_t> limit, percent;
  if (const auto v = env_value(environ, "GCHeapHardLimit")) limit = hex(*v);
  if (const auto v = env_value(environ, "GCHeapHardLimitPercent")) percent = hex(*v);
  if (!limit) limit = config_number(props, "System.GC.HeapHardLimit");
  if (!percent) percent = config_number(props, "System.GC.HeapHardLimitPercent");
  if (limit && *limit != 0) {
    out["gcHardLimit"] = std::to_string(*limit);
  } else if (percent && *percent != 0) {
    out["gcHardLimit"] = std::to_string(*percent) + "%";
  } else {
    out["gcHardLimit"] = "none";
  }
  return out;
}

std::map<std::string, std::string> gc_facts(const GcHeapSummary& gc) {
  std::map<std::string, std::string> out;
  if (!gc.server) return out;  // eeheap -gc: the engine did not read it
  out["gc"] = *gc.server ? "server" : "workstation";
  if (gc.dynamic_adaptation >= 0) out["datas"] = gc.dynamic_adaptation > 0 ? "enabled" : "disabled";
  out["gcHeaps"] = gc.dynamic_adaptation > 0 ? "dynamic" : std::to_string(gc.heap_count);
  return out;
}

std::map<std::string, std::string> probe_gc_settings(pid_t pid) {
  const std::string environ = read_text("/proc/" + std::to_string(pid) + "/environ");
  const fs::path config = runtimeconfig_of(pid);
  return read_gc_settings(environ, config.empty() ? std::string() : read_text(config));
}

}  // namespace leakgate
