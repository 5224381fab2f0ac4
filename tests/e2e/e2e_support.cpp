#include "e2e/e2e_support.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>

namespace leakgate::e2e {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path source_dir() { return LEAKGATE_SOURCE_DIR; }

fs::path app_dll(const std::string& app) {
  return source_dir() / "scenarios/apps" / app / "bin/Release/net10.0" / (app + ".dll");
}

fs::path forms_app() { return app_dll("FormsApp"); }

fs::path heap_engine() {
  return fs::path(LEAKGATE_BIN).parent_path() / "heap-engine" / "leakgate-heap-engine";
}

Workspace::Workspace() {
  std::string pattern = (fs::temp_directory_path() / "leakgate-e2e-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  root_ = pattern;
  fs::create_directories(scenarios());
  fs::create_directories(baselines());
  fs::create_directories(tmp());
}

Workspace::~Workspace() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void Workspace::write(const fs::path& relative, const std::string& content) {
  fs::create_directories((root_ / relative).parent_path());
  std::ofstream(root_ / relative) << content;
}

void Workspace::add_forms_scenario(const std::string& name, const std::string& variant,
                                   const std::string& expect, int iterations,
                                   const std::vector<std::string>& extra_args,
                                   const std::string& marker) {
  json argv = {"dotnet", forms_app().string(), "--variant", variant};
  for (const auto& a : extra_args) argv.push_back(a);
  json launch = {{"argv", argv}};
  if (!marker.empty()) launch["env"] = {{"LEAKGATE_E2E_MARKER", marker}};
  const json manifest = {{"expect", expect},
                         {"launch", launch},
                         {"warmup", {{{"command", "open-close"}, {"args", {"5"}}}}},
                         {"iteration", {{{"command", "open-close"}, {"args", {"1"}}}}},
                         {"iterations", iterations}};
  write(fs::path("scenarios") / name / "scenario.json", manifest.dump(2));
}

void Workspace::add_native_scenario(const std::string& name, const std::string& variant,
                                    const std::string& expect, int iterations) {
  add_native_scenario(name, {"--variant", variant}, expect, iterations);
}

void Workspace::add_native_scenario(const std::string& name,
                                    const std::vector<std::string>& options,
                                    const std::string& expect, int iterations) {
  std::vector<std::string> argv = {"${leakgateBinDir}/native-scenario"};
  argv.insert(argv.end(), options.begin(), options.end());
  const json manifest = {{"expect", expect},
                         {"launch", {{"argv", argv}}},
                         {"warmup", {{{"command", "work"}, {"args", {"5"}}}}},
                         {"iteration", {{{"command", "work"}, {"args", {"1"}}}}},
                         {"iterations", iterations}};
  write(fs::path("scenarios") / name / "scenario.json", manifest.dump(2));
}

SpawnSpec Workspace::leakgate_spec(const std::vector<std::string>& args) const {
  // What leakgate leaves behind must stay visible to the test's checks (processes_with_marker).
  SpawnSpec spec;
  spec.argv = {LEAKGATE_BIN};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = source_dir();  // where the dotnet tool manifest is
  spec.env["TMPDIR"] = tmp().string();
  spec.sweep_descendants = false;
  return spec;
}

ToolRun Workspace::leakgate(const std::vector<std::string>& args) const {
  return run_to_completion(leakgate_spec(args), Deadline(std::chrono::minutes(10)));
}

json Workspace::report() const {
  std::ifstream in(reports() / "report.json");
  if (!in) throw std::runtime_error("no report.json in " + reports().string());
  return json::parse(in);
}

std::vector<std::string> Workspace::leftovers() const {
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(tmp())) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".dmp" || name.rfind("leakgate-", 0) == 0) {
      found.push_back(e.path().string());
    }
  }
  return found;
}

std::string unique_marker() {
  std::random_device rd;
  return "m" + std::to_string(::getpid()) + "-" + std::to_string(rd());
}

std::vector<pid_t> processes_with_marker(const std::string& marker) {
  const std::string needle = "LEAKGATE_E2E_MARKER=" + marker;
  std::vector<pid_t> pids;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream env(e.path() / "environ", std::ios::binary);
    std::stringstream s;
    s << env.rdbuf();
    if (s.str().find(needle) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string output_of(const ToolRun& run) {
  return "exit: " + run.status.describe() + "\nstdout:\n" + run.out + "\nstderr:\n" + run.err;
}

std::vector<std::string> dirs_of(const Workspace& ws, std::vector<std::string> args,
                                 const fs::path& report_dir) {
  const std::vector<std::string> dirs = {
      "--scenarios-dir", ws.scenarios().string(),
      "--baselines-dir", ws.baselines().string(),
      "--report-dir",    (report_dir.empty() ? ws.reports() : report_dir).string()};
  args.insert(args.end(), dirs.begin(), dirs.end());
  return args;
}

std::unique_ptr<ChildProcess> start_protocol_app(const std::vector<std::string>& argv,
                                                 const std::map<std::string, std::string>& env) {
  SpawnSpec spec;
  spec.argv = argv;
  spec.env = env;
  spec.stdin_pipe = true;
  spec.stdout_lines = true;
  auto app = std::make_unique<ChildProcess>(spec);
  std::string hello;
  if (app->next_line(hello, Deadline(std::chrono::seconds(60))) !=
      ChildProcess::LineStatus::kLine) {
    throw std::runtime_error("no hello line from " + argv.front());
  }
  return app;
}

std::string request(ChildProcess& app, const std::string& line) {
  std::string reply;
  if (!app.write_line(line) ||
      app.next_line(reply, Deadline(std::chrono::seconds(60))) != ChildProcess::LineStatus::kLine) {
    throw std::runtime_error("no reply to '" + line + "'");
  }
  return reply;
}

bool listening_on(int port) {
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const auto colon = local.rfind(':');
      if (colon == std::string::npos || state != "0A") continue;  // 0A: LISTEN
      if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) return true;
    }
  }
  return false;
}

const json* find_scenario(const json& report, const std::string& name) {
  for (const auto& s : report.at("scenarios")) {
    if (s.at("name") == name) return &s;
  }
  return nullptr;
}

}  // namespace leakgate::e2e
