#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "process/child_process.h"

namespace leakgate::e2e {

std::filesystem::path source_dir();
std::filesystem::path forms_app();
// scenarios/apps/APP/bin/Release/net10.0/APP.dll
std::filesystem::path app_dll(const std::string& app);
// The heap engine the build put beside leakgate.
std::filesystem::path heap_engine();

// A private folder for one test, removed afterwards; holds scenarios/, baselines/, reports/, tmp/.
class Workspace {
 public:
  Workspace();
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  std::filesystem::path root() const { return root_; }
  std::filesystem::path scenarios() const { return root_ / "scenarios"; }
  std::filesystem::path baselines() const { return root_ / "baselines"; }
  std::filesystem::path reports() const { return root_ / "reports"; }
  std::filesystem::path tmp() const { return root_ / "tmp"; }  // TMPDIR of the run

  // A FormsApp scenario; `marker` goes into the app's environment so tests can find its processes.
  void add_forms_scenario(const std::string& name, const std::string& variant,
                          const std::string& expect, int iterations,
                          const std::vector<std::string>& extra_args = {},
                          const std::string& marker = "");
  // A native-scenario scenario (C++ app, memory summary only).
  void add_native_scenario(const std::string& name, const std::string& variant,
                           const std::string& expect, int iterations);
  // The native app with these options (scenarios/apps/native/native_app.cpp).
  void add_native_scenario(const std::string& name, const std::vector<std::string>& options,
                           const std::string& expect, int iterations);
  void write(const std::filesystem::path& relative, const std::string& content);

  // Runs build/bin/leakgate from the source folder with TMPDIR set to tmp().
  ToolRun leakgate(const std::vector<std::string>& args) const;
  SpawnSpec leakgate_spec(const std::vector<std::string>& args) const;
  nlohmann::json report() const;

  // Dump files and leakgate temp folders left under tmp().
  std::vector<std::string> leftovers() const;

 private:
  std::filesystem::path root_;
};

// The whole content of a file ("" when it cannot be read).
std::string read(const std::filesystem::path& p);
std::string output_of(const ToolRun& run);
// `args` plus the workspace's --scenarios-dir and --baselines-dir, and --report-dir (the
// workspace's reports/ unless named).
std::vector<std::string> dirs_of(const Workspace& ws, std::vector<std::string> args,
                                 const std::filesystem::path& report_dir = {});

std::string unique_marker();
// PIDs of live processes whose environment holds LEAKGATE_E2E_MARKER=<marker>.
std::vector<pid_t> processes_with_marker(const std::string& marker);

// Starts a protocol app by hand (stdin and stdout piped, `env` added) and waits for its hello
// line; throws when none comes within a minute.
std::unique_ptr<ChildProcess> start_protocol_app(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
// Sends one request line ("1 settle") and returns the app's reply line; throws when the app does
// not take it or does not answer within a minute.
std::string request(ChildProcess& app, const std::string& line);

// Whether a TCP socket of this machine listens on `port` (any address; /proc/net/tcp and tcp6).
bool listening_on(int port);

const nlohmann::json* find_scenario(const nlohmann::json& report, const std::string& name);

}  // namespace leakgate::e2e
