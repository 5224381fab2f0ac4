#include "e2e/fault_support.h"

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace leakgate::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// The scenario name of the report seed_previous_report writes: found in a report afterwards, it
// is the previous run's.
constexpr const char* kPreviousRun = "previous-run-7f3a";

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void collect_strings(const json& v, std::string& out) {
  if (v.is_string()) {
    out += v.get<std::string>();
    out += '\n';
  } else if (v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      out += k;
      out += '\n';
      collect_strings(x, out);
    }
  } else if (v.is_array()) {
    for (const auto& x : v) collect_strings(x, out);
  }
}

std::string python3() { return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

// Whether the report.json in `dir` says a baseline update failed to write.
bool baseline_update_failed(const fs::path& dir) {
  try {
    const json report = json::parse(read_bytes(dir / "report.json"));
    return report.contains("baselineUpdate") && report["baselineUpdate"].is_object() &&
           report["baselineUpdate"].value("status", "") == "failed";
  } catch (const json::exception&) {
    return false;
  }
}

}  // namespace

Tree snapshot(const fs::path& dir, const std::vector<std::string>& skip) {
  Tree tree;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) return tree;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const fs::path rel = it->path().lexically_relative(dir);
    if (std::find(skip.begin(), skip.end(), rel.begin()->string()) != skip.end()) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    const auto status = it->symlink_status();
    if (fs::is_symlink(status)) {
      tree[rel.string()] = "-> " + fs::read_symlink(it->path()).string();
    } else if (fs::is_directory(status)) {
      tree[rel.string()] = "<dir>";
    } else {
      tree[rel.string()] = read_bytes(it->path());
    }
  }
  return tree;
}

std::string tree_diff(const Tree& before, const Tree& after) {
  std::string out;
  for (const auto& [path, bytes] : before) {
    const auto it = after.find(path);
    if (it == after.end()) {
      out += "  removed: " + path + "\n";
    } else if (it->second != bytes) {
      out += "  changed: " + path + "\n";
    }
  }
  for (const auto& [path, bytes] : after) {
    if (!before.contains(path)) out += "  added: " + path + "\n";
  }
  return out;
}

bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      n = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    }
    i += n;
  }
  return true;
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  const auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != haystack.end();
}

std::string strings_of(const json& doc) {
  std::string out;
  collect_strings(doc, out);
  return out;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(10ms);  // a poll interval, not a wait for state
  }
  return true;
}

std::vector<pid_t> marked_processes_running(const std::string& marker, const std::string& needle) {
  std::vector<pid_t> found;
  for (pid_t pid : processes_with_marker(marker)) {
    std::string cmdline = read_bytes("/proc/" + std::to_string(pid) + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(needle) != std::string::npos) found.push_back(pid);
  }
  return found;
}

Tmpfs::Tmpfs(const fs::path& dir, std::size_t bytes) : dir_(dir) {
  fs::create_directories(dir);
  const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    error_ = "mount -t tmpfs -o " + options + " " + dir.string() + ": " + std::strerror(errno);
    return;
  }
  mounted_ = true;
}

Tmpfs::~Tmpfs() {
  if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
}

std::size_t Tmpfs::free_bytes() const {
  struct statvfs s {};
  if (::statvfs(dir_.c_str(), &s) != 0) return 0;
  return static_cast<std::size_t>(s.f_bavail) * s.f_bsize;
}

void Tmpfs::fill(const std::string& name, std::size_t leave) const {
  const std::size_t free = free_bytes();
  if (free <= leave) return;
  std::ofstream out(dir_ / name, std::ios::binary);
  const std::string chunk(4096, 'f');
  for (std::size_t written = 0; written + chunk.size() <= free - leave; written += chunk.size()) {
    out << chunk;
  }
}

std::string shell_protocol_app(const std::string& before_hello, const std::string& facts,
                               const std::string& on_request, const std::string& on_quit) {
  return before_hello + "\nprintf '@leakgate hello 1 " + facts +
         "\\n'\n"
         "while IFS=' ' read -r seq cmd rest; do\n"
         "  if [ \"$cmd\" = quit ]; then echo \"@leakgate ok $seq bye\"; " +
         on_quit +
         "; fi\n"
         "  " +
         (on_request.empty() ? ":" : on_request) +
         "\n"
         "  echo \"@leakgate ok $seq\"\n"
         "done\n";
}

std::vector<std::string> python_http_server(int status, const std::string& body_literal,
                                            bool dual_stack) {
  const std::string script =
      "import socket, socketserver, sys\n"
      "from http.server import BaseHTTPRequestHandler\n"
      "class H(BaseHTTPRequestHandler):\n"
      "    def reply(self):\n"
      "        body = " +
      body_literal +
      "\n"
      "        self.send_response(" +
      std::to_string(status) +
      ")\n"
      "        self.send_header('Content-Length', str(len(body)))\n"
      "        self.end_headers()\n"
      "        self.wfile.write(body)\n"
      "    do_GET = do_POST = do_PUT = do_DELETE = reply\n"
      "    def log_message(self, *args):\n"
      "        pass\n"
      "class S(socketserver.ThreadingTCPServer):\n"
      "    allow_reuse_address = True\n"
      "    daemon_threads = True\n" +
      (dual_stack ? "    address_family = socket.AF_INET6\n"
                    "    def server_bind(self):\n"
                    "        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\n"
                    "        socketserver.TCPServer.server_bind(self)\n"
                  : "") +
      "print('serving', flush=True)\n"
      "S(('" +
      (dual_stack ? "::" : "127.0.0.1") + "', int(sys.argv[1])), H).serve_forever()\n";
  return {python3(), "-c", script, "${port}"};
}

FaultCase::FaultCase() {
  // A file the run has no business touching: the baselines folder is compared byte for byte.
  ws.write("baselines/README.md", "checked-in baselines\n");
}

json FaultCase::shell_app(const std::string& script, int iterations) const {
  return {{"expect", "pass"},
          {"launch", {{"argv", {"sh", "-c", script}}, {"env", {{"LEAKGATE_E2E_MARKER", marker}}}}},
          {"timeouts", {{"startSeconds", 20}, {"commandSeconds", 20}, {"shutdownSeconds", 5}}},
          {"iteration", {{{"command", "work"}}}},
          {"iterations", iterations},
          {"verdict", {{"noiseFloorKb", 1000000}}}};  // the fault is the point, not the memory
}

json FaultCase::service_app(const std::vector<std::string>& argv, const json& ready,
                            const json& iteration, int iterations) const {
  return {
      {"expect", "pass"},
      {"launch", {{"argv", argv}, {"protocol", false}, {"env", {{"LEAKGATE_E2E_MARKER", marker}}}}},
      {"timeouts", {{"commandSeconds", 20}, {"shutdownSeconds", 5}}},
      {"ready", ready},
      {"iteration", iteration},
      {"iterations", iterations},
      {"verdict", {{"noiseFloorKb", 1000000}}}};
}

json FaultCase::native_app(int iterations) const {
  return {{"expect", "pass"},
          {"launch",
           {{"argv", {"${leakgateBinDir}/native-scenario", "--variant", "correct"}},
            {"env", {{"LEAKGATE_E2E_MARKER", marker}}}}},
          {"warmup", {{{"command", "work"}, {"args", {"5"}}}}},
          {"iteration", {{{"command", "work"}, {"args", {"1"}}}}},
          {"iterations", iterations}};
}

json FaultCase::forms_app(int iterations) const {
  return {{"expect", "pass"},
          {"launch",
           {{"argv", {"dotnet", leakgate::e2e::forms_app().string(), "--variant", "correct"}},
            {"env", {{"LEAKGATE_E2E_MARKER", marker}}}}},
          {"warmup", {{{"command", "open-close"}, {"args", {"5"}}}}},
          {"iteration", {{{"command", "open-close"}, {"args", {"1"}}}}},
          {"iterations", iterations},
          {"intermediateCheckpoints", 0},  // two checkpoints: fewer dumps, a faster case
          {"verdict", {{"noiseFloorCount", 1000000}, {"noiseFloorKb", 1000000}}}};
}

void FaultCase::scenario(const std::string& name, const json& manifest,
                         const fs::path& scenarios_dir) {
  const fs::path dir = (scenarios_dir.empty() ? ws.scenarios() : scenarios_dir) / name;
  fs::create_directories(dir);
  std::ofstream(dir / "scenario.json") << manifest.dump(2);
}

void FaultCase::raw_scenario(const std::string& name, const std::string& bytes) {
  fs::create_directories(ws.scenarios() / name);
  std::ofstream(ws.scenarios() / name / "scenario.json", std::ios::binary) << bytes;
}

std::vector<std::string> FaultCase::with_dirs(std::vector<std::string> args,
                                              const fs::path& report_dir) const {
  return dirs_of(ws, std::move(args), report_dir);
}

SpawnSpec FaultCase::spec(const std::vector<std::string>& args) {
  SpawnSpec s = ws.leakgate_spec(args);
  s.env["LEAKGATE_E2E_MARKER"] = marker;  // every process of the run inherits it
  return s;
}

void FaultCase::freeze_baselines() {
  baselines_before_ = snapshot(ws.baselines());
  frozen_ = true;
}

ToolRun FaultCase::leakgate(const std::vector<std::string>& args, const fs::path& cwd) {
  if (!frozen_) freeze_baselines();
  SpawnSpec s = spec(args);
  if (!cwd.empty()) s.cwd = cwd;
  // Not run_to_completion: a ChildProcess sweeps its child's descendants when destroyed, which
  // would hide the processes leakgate left. This one lives until the case's checks are done.
  running_ = std::make_unique<ChildProcess>(s);
  ChildProcess& child = *running_;
  ToolRun run;
  auto status = child.wait(Deadline(3min));
  if (!status) {
    run.timed_out = true;
    child.terminate(1000ms);
    status = child.exit_status();
  }
  child.drain(Deadline(5s));
  run.status = status.value_or(ExitStatus{true, SIGKILL});
  run.out = child.stdout_text();
  run.err = child.stderr_text();
  if (run.timed_out)
    ADD_FAILURE() << "leakgate did not finish within 3 minutes\n" << output_of(run);
  return run;
}

ToolRun FaultCase::interrupt_when(const std::vector<std::string>& args,
                                  const std::function<bool()>& stage, int sig,
                                  const std::string& what,
                                  const std::function<void(ChildProcess&)>& during) {
  if (!frozen_) freeze_baselines();
  running_ = std::make_unique<ChildProcess>(spec(args));
  ChildProcess& child = *running_;
  const bool reached = wait_until([&] { return child.wait(Deadline(0ms)).has_value() || stage(); },
                                  std::chrono::minutes(2));
  ToolRun run;
  if (!reached || child.exit_status()) {
    ADD_FAILURE() << "leakgate never reached the stage to interrupt (" << what << ")"
                  << (child.exit_status() ? "; it exited: " + child.exit_status()->describe() : "")
                  << "\nstderr:\n"
                  << child.stderr_text();
  } else {
    if (during) during(child);
    ::kill(child.pid(), sig);
  }
  auto status = child.wait(Deadline(60s));
  if (!status) {
    ADD_FAILURE() << "leakgate did not exit within 60 s of signal " << sig << " (" << what << ")";
    child.terminate(1000ms);
    status = child.exit_status();
  }
  child.drain(Deadline(5s));
  run.status = status.value_or(ExitStatus{true, SIGKILL});
  run.out = child.stdout_text();
  run.err = child.stderr_text();
  return run;
}

std::string FaultCase::progress() const { return running_ ? running_->stderr_text() : ""; }

void FaultCase::seed_previous_report(const fs::path& dir) {
  fs::create_directories(dir);
  const json report = {
      {"schemaVersion", 1},
      {"leakgate", {{"version", "0"}}},
      {"tools", json::object()},
      {"seconds", 1.0},
      {"summary", {{"scenarios", 1}, {"met", 1}, {"unmet", 0}, {"errors", 0}, {"exitCode", 0}}},
      {"scenarios",
       {{{"name", kPreviousRun},
         {"verdict", "pass"},
         {"expected", "pass"},
         {"met", true},
         {"findings", json::array()},
         {"notes", json::array()},
         {"checkpoints", json::array()}}}},
      {"staleKnownLeaks", json::array()}};
  std::ofstream(dir / "report.json") << report.dump(2);
  std::ofstream(dir / "junit.xml") << "<?xml version=\"1.0\"?>\n<testsuites><testsuite "
                                      "name=\"leakgate\" tests=\"1\"><testcase name=\""
                                   << kPreviousRun << "\"/></testsuite></testsuites>\n";
  std::ofstream(dir / "summary.md") << "## leakgate: all 1 scenario(s) as expected (exit code 0)\n"
                                    << kPreviousRun << "\n";
  std::ofstream(dir / "index.html") << "<html><body>" << kPreviousRun << "</body></html>\n";
}

void FaultCase::expect_exit(const ToolRun& run, int code) {
  EXPECT_FALSE(run.status.signaled) << output_of(run);
  EXPECT_EQ(run.status.value, code) << output_of(run);
}

void FaultCase::expect_exit_in(const ToolRun& run, const std::vector<int>& codes) {
  EXPECT_FALSE(run.status.signaled) << output_of(run);
  EXPECT_NE(std::find(codes.begin(), codes.end(), run.status.value), codes.end()) << output_of(run);
}

json FaultCase::report_at(const fs::path& dir) const {
  const fs::path file = (dir.empty() ? ws.reports() : dir) / "report.json";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return nullptr;
  try {
    return json::parse(read_bytes(file));
  } catch (const json::exception&) {
    return nullptr;
  }
}

void FaultCase::expect_message(const ToolRun& run, const std::vector<std::string>& needles,
                               const fs::path& report_dir) const {
  const json report = report_at(report_dir);
  const std::string said = run.out + "\n" + run.err + "\n" + strings_of(report);
  for (const auto& needle : needles) {
    EXPECT_TRUE(contains_ci(said, needle)) << "the message does not say \"" << needle << "\"\n"
                                           << output_of(run) << "\nreport.json strings:\n"
                                           << strings_of(report);
  }
}

void FaultCase::expect_no_process() const {
  const auto left = processes_with_marker(marker);
  std::string listing;
  for (pid_t pid : left) {
    std::string cmdline = read_bytes("/proc/" + std::to_string(pid) + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    listing += "  " + std::to_string(pid) + ": " + cmdline + "\n";
  }
  EXPECT_TRUE(left.empty()) << "processes of the run are still alive:\n" << listing;
  // The case's own clean-up: nothing it started may outlive it, whatever leakgate did.
  for (pid_t pid : left) ::kill(pid, SIGKILL);
}

void FaultCase::expect_no_temp(const fs::path& report_dir) const {
  const auto left = ws.leftovers();
  std::string listing;
  for (const auto& f : left) listing += "  " + f + "\n";
  EXPECT_TRUE(left.empty()) << "temporary files left in TMPDIR:\n" << listing;
  // The atomic writes' temporaries (".<name>.XXXXXX") in the report and baselines folders.
  for (const fs::path& dir : {report_dir.empty() ? ws.reports() : report_dir, ws.baselines()}) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const auto dot = name.rfind('.');
      if (name.size() > 8 && name[0] == '.' && dot != 0 && name.size() - dot == 7) {
        ADD_FAILURE() << "a temporary file of an atomic write is left: " << it->path();
      }
    }
  }
}

void FaultCase::expect_baselines_unchanged() const {
  EXPECT_TRUE(frozen_);
  const std::string diff = tree_diff(baselines_before_, snapshot(ws.baselines()));
  EXPECT_TRUE(diff.empty()) << "the baselines folder changed:\n" << diff;
}

void FaultCase::expect_report(const ToolRun& run, ReportRule rule,
                              const fs::path& report_dir) const {
  const fs::path dir = report_dir.empty() ? ws.reports() : report_dir;
  const int code = run.status.signaled ? -1 : run.status.value;
  const char* views[] = {"report.json", "junit.xml", "summary.md", "index.html"};
  std::error_code ec;
  for (const char* view : views) {
    const bool exists = fs::exists(dir / view, ec);
    if (rule == ReportRule::kAbsent) {
      EXPECT_FALSE(exists) << (dir / view) << " was written:\n" << read_bytes(dir / view);
    }
    if (rule == ReportRule::kRequired) {
      EXPECT_TRUE(exists) << "no " << (dir / view);
    }
    const std::string content = read_bytes(dir / view);
    EXPECT_EQ(content.find(kPreviousRun), std::string::npos)
        << (dir / view) << " is the previous run's, shown as if it were this run's";
    if (!exists || content.empty()) continue;
    // Each view that is there shows this run's outcome.
    // (A failed baseline write is the update's failure, not a scenario's: JUnit lists scenarios.)
    if (std::string(view) == "junit.xml" && code != 0 && !baseline_update_failed(dir)) {
      EXPECT_TRUE(content.find("<failure") != std::string::npos ||
                  content.find("<error") != std::string::npos)
          << "junit.xml of a run that exited " << code << " shows no failure or error:\n"
          << content.substr(0, 2000);
    }
    if (std::string(view) == "summary.md" || std::string(view) == "index.html") {
      EXPECT_NE(content.find("exit code " + std::to_string(code)), std::string::npos)
          << view << " does not show exit code " << code << ":\n"
          << content.substr(0, 1000);
    }
  }
  if (rule == ReportRule::kAbsent || !fs::is_regular_file(dir / "report.json", ec)) return;
  const std::string text = read_bytes(dir / "report.json");
  EXPECT_TRUE(is_utf8(text)) << "report.json is not valid UTF-8";
  json report;
  try {
    report = json::parse(text);
  } catch (const json::exception& e) {
    ADD_FAILURE() << "report.json is not JSON: " << e.what();
    return;
  }
  const json summary = report.value("summary", json::object());
  EXPECT_EQ(summary.value("exitCode", -2), code)
      << "report.json's summary.exitCode is not the run's exit code\n"
      << report.dump(2).substr(0, 4000);
  const json* aborted =
      report.contains("aborted") && report["aborted"].is_object() ? &report["aborted"] : nullptr;
  const bool update_failed = report.contains("baselineUpdate") &&
                             report["baselineUpdate"].is_object() &&
                             report["baselineUpdate"].value("status", "") == "failed";
  bool error_scenario = false, input_error = false, unmet = false;
  for (const auto& s : report.value("scenarios", json::array())) {
    if (s.value("verdict", "") == "error") {
      error_scenario = true;
      const std::string kind = s.value("errorKind", "");
      input_error = input_error || kind == "input" || kind == "usage";
    }
    if (!s.value("met", false)) unmet = true;
  }
  const std::string shown = report.dump(2).substr(0, 4000);
  switch (code) {
    case 130:
      ASSERT_NE(aborted, nullptr) << "an interrupted run's report must say so\n" << shown;
      EXPECT_EQ(aborted->value("kind", ""), "interrupted") << aborted->dump();
      break;
    case 2:
      EXPECT_TRUE(aborted != nullptr || input_error)
          << "exit 2, but the report shows no invalid input\n"
          << shown;
      break;
    case 3:
      EXPECT_TRUE(aborted != nullptr || error_scenario || update_failed)
          << "exit 3, but the report shows no failure\n"
          << shown;
      break;
    case 1:
      EXPECT_TRUE(aborted == nullptr && !error_scenario && unmet) << shown;
      break;
    case 0:
      EXPECT_TRUE(aborted == nullptr && !error_scenario && !unmet && !update_failed) << shown;
      break;
    default:
      ADD_FAILURE() << "exit code " << code << " is not in the contract";
  }
}

void FaultCase::expect_aftermath(const ToolRun& run, int code, ReportRule rule,
                                 const fs::path& report_dir) const {
  expect_exit(run, code);
  expect_no_process();
  expect_no_temp(report_dir);
  expect_baselines_unchanged();
  expect_report(run, rule, report_dir);
}

}  // namespace leakgate::e2e
