// The heap engine on real apps: its heapstat of a dump equals SOS's `dumpheap -stat` and
// `eeheap -gc` of that same dump, row for row, on every scenario app; attached live, it reads the
// same app types and leaves the app running; its failures are typed errors, never a hang.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "collect/dotnet_dump.h"
#include "collect/engine_protocol.h"
#include "collect/heap_engine.h"
#include "collect/sos_parsers.h"
#include "collect/sos_session.h"
#include "e2e/e2e_support.h"

namespace leakgate {
namespace {

namespace fs = std::filesystem;
using e2e::Workspace;

// A TCP port of 127.0.0.1 that nothing listens on (the kernel's pick).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

const DotnetDumpCommand& dotnet_dump() {
  static const DotnetDumpCommand tool = locate_dotnet_dump("", {e2e::source_dir()});
  return tool;
}

// One heapstat per request (its fields), of the same target.
std::vector<engine::HeapStatReply> engine_heapstats(HeapEngine& engine, const nlohmann::json& open,
                                                    const std::vector<nlohmann::json>& requests) {
  const Deadline deadline = Deadline::after_seconds(120);
  engine.request("open", open, deadline);
  std::vector<engine::HeapStatReply> out;
  out.reserve(requests.size());
  for (const auto& r : requests) {
    out.push_back(engine::parse_heapstat(engine.request("heapstat", r, deadline).body));
  }
  engine.request("close", nlohmann::json::object(), deadline);
  return out;
}

engine::HeapStatReply engine_heapstat(HeapEngine& engine, const nlohmann::json& open) {
  return engine_heapstats(engine, open, {nlohmann::json::object()}).front();
}

// The rows as (method table, count, bytes), in order.
std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> rows_of(
    const engine::HeapStatReply& r) {
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> out;
  out.reserve(r.heap.types.size());
  for (const auto& t : r.heap.types) out.emplace_back(t.method_table, t.count, t.bytes);
  return out;
}

struct AppCase {
  const char* name;
  std::vector<std::string> args;      // after `dotnet APP.dll`
  std::vector<std::string> requests;  // protocol requests before the dump (none: no protocol)
  std::map<std::string, std::string> env;
};

void PrintTo(const AppCase& c, std::ostream* os) { *os << c.name; }

using Segments = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
Segments sorted(Segments s) {
  std::sort(s.begin(), s.end());
  return s;
}

class EngineCrossCheck : public ::testing::TestWithParam<AppCase> {};

// One dump, read by both: every row of `dumpheap -stat` (the Free row included) and the totals
// of `eeheap -gc` must come out of the engine unchanged.
TEST_P(EngineCrossCheck, HeapstatEqualsSosOnTheSameDump) {
  const AppCase& c = GetParam();
  Workspace ws;
  std::vector<std::string> argv = {"dotnet", e2e::app_dll(c.args.front()).string()};
  argv.insert(argv.end(), c.args.begin() + 1, c.args.end());
  const int port = free_port();
  ASSERT_NE(port, 0);
  for (auto& a : argv) {
    if (a == "URL") a = "http://127.0.0.1:" + std::to_string(port);
  }
  std::unique_ptr<ChildProcess> app;
  if (c.requests.empty()) {
    SpawnSpec spec;
    spec.argv = argv;
    spec.env = c.env;
    app = std::make_unique<ChildProcess>(spec);
    const Deadline ready = Deadline::after_seconds(60);
    while (!e2e::listening_on(port)) {
      ASSERT_FALSE(ready.expired()) << "the web app did not listen on " << port;
      ASSERT_FALSE(app->wait(Deadline(std::chrono::milliseconds(100)))) << "the web app exited";
    }
  } else {
    app = e2e::start_protocol_app(argv, c.env);
    for (const auto& r : c.requests) e2e::request(*app, r);
  }
  const fs::path dump = ws.tmp() / "app.dmp";
  collect_heap_dump(dotnet_dump(), app->pid(), dump, Deadline::after_seconds(120),
                    ws.tmp() / "collect.txt");
  app->terminate(std::chrono::milliseconds(1000));

  HeapEngine engine(e2e::heap_engine(), ws.tmp(), 60);
  // The default (a thread per core), one thread, and more threads than cores: the same rows.
  const auto replies =
      engine_heapstats(engine, {{"dump", dump.string()}},
                       {nlohmann::json::object(), {{"threads", 1}}, {{"threads", 5}}});
  const engine::HeapStatReply& ours = replies[0];
  EXPECT_EQ(rows_of(replies[1]), rows_of(ours)) << "one thread walks differently";
  EXPECT_EQ(rows_of(replies[2]), rows_of(ours)) << "five threads walk differently";
  const std::string sos = run_sos_session(dotnet_dump(), dump, {"eeheap -gc", "dumpheap -stat"},
                                          Deadline::after_seconds(120), ws.tmp() / "sos.txt");
  const HeapStats theirs = parse_dumpheap_stat(sos);
  const GcHeapSummary theirs_gc = parse_eeheap_gc(sos);

  std::map<std::uint64_t, const TypeStat*> by_mt;
  for (const auto& row : ours.heap.types) by_mt[row.method_table] = &row;
  ASSERT_GT(theirs.types.size(), 100u);
  EXPECT_EQ(ours.heap.types.size(), theirs.types.size());
  bool saw_free = false;
  for (const auto& row : theirs.types) {
    saw_free = saw_free || row.type == "Free";
    const auto it = by_mt.find(row.method_table);
    ASSERT_NE(it, by_mt.end()) << row.type << " is not in the engine's heapstat";
    EXPECT_EQ(it->second->type, row.type);
    EXPECT_EQ(it->second->count, row.count) << row.type;
    EXPECT_EQ(it->second->bytes, row.bytes) << row.type;
  }
  EXPECT_TRUE(saw_free) << "no Free row: the comparison did not cover free space";
  // In SOS's order too: ascending total size, ties in the order the walk met the types (the
  // engine's threads meet them in any order).
  std::vector<std::uint64_t> our_order;
  std::vector<std::uint64_t> their_order;
  our_order.reserve(ours.heap.types.size());
  their_order.reserve(theirs.types.size());
  for (const auto& row : ours.heap.types) our_order.push_back(row.method_table);
  for (const auto& row : theirs.types) their_order.push_back(row.method_table);
  EXPECT_EQ(our_order, their_order);
  EXPECT_EQ(ours.heap.total_objects, theirs.total_objects);
  EXPECT_EQ(ours.heap.total_bytes, theirs.total_bytes);
  EXPECT_EQ(ours.gc.heap_count, theirs_gc.heap_count);
  EXPECT_EQ(ours.gc.allocated_bytes, theirs_gc.allocated_bytes);
  EXPECT_EQ(ours.gc.committed_bytes, theirs_gc.committed_bytes);
  EXPECT_EQ(sorted(ours.gc.segments), sorted(theirs_gc.segments));
}

INSTANTIATE_TEST_SUITE_P(
    Apps, EngineCrossCheck,
    ::testing::Values(
        AppCase{"FormsLeak", {"FormsApp", "--variant", "leak"}, {"1 open-close 30", "2 ping"}, {}},
        AppCase{"FormsServerGc",
                {"FormsApp", "--variant", "correct"},
                {"1 open-close 10", "2 settle"},
                {{"DOTNET_gcServer", "1"}, {"DOTNET_GCHeapCount", "2"}}},
        AppCase{"PatternsStaticCache",
                {"PatternsApp", "--pattern", "static-cache", "--variant", "leak"},
                {"1 work 20", "2 settle"},
                {}},
        AppCase{"PatternsTimer",
                {"PatternsApp", "--pattern", "timer", "--variant", "leak"},
                {"1 work 20", "2 settle"},
                {}},
        AppCase{"WebApp", {"WebApp", "--urls", "URL", "--variant", "leak"}, {}, {}}),
    [](const ::testing::TestParamInfo<AppCase>& p) { return std::string(p.param.name); });

// Attached live: the app's own types are read as in a dump taken right after, and the app is
// running again once the engine has closed (it answers a request).
TEST(EngineLive, AttachReadsTheAppAndLeavesItRunning) {
  Workspace ws;
  auto app =
      e2e::start_protocol_app({"dotnet", e2e::app_dll("FormsApp").string(), "--variant", "leak"});
  e2e::request(*app, "1 open-close 12");
  e2e::request(*app, "2 settle");
  HeapEngine engine(e2e::heap_engine(), ws.tmp(), 60);
  const auto live = engine_heapstat(engine, {{"pid", app->pid()}});
  // Opened again (as at the next checkpoint), the types met before are not made again from the
  // runtime, and the rows are the same (the app does nothing meanwhile).
  const Deadline deadline = Deadline::after_seconds(120);
  engine.request("open", {{"pid", app->pid()}}, deadline);
  const auto again = engine.request("heapstat", nlohmann::json::object(), deadline).body;
  engine.request("close", nlohmann::json::object(), deadline);
  EXPECT_GT(again.at("walk").at("typesKnown").get<int>(), 100);
  const auto reread = engine::parse_heapstat(again);
  ASSERT_EQ(reread.heap.types.size(), live.heap.types.size());
  for (std::size_t i = 0; i < live.heap.types.size(); ++i) {
    EXPECT_EQ(reread.heap.types[i].type, live.heap.types[i].type);
    EXPECT_EQ(reread.heap.types[i].count, live.heap.types[i].count);
    EXPECT_EQ(reread.heap.types[i].bytes, live.heap.types[i].bytes);
  }
  EXPECT_NE(e2e::request(*app, "3 ping").find("ok 3"), std::string::npos);
  const fs::path dump = ws.tmp() / "app.dmp";
  collect_heap_dump(dotnet_dump(), app->pid(), dump, Deadline::after_seconds(120),
                    ws.tmp() / "collect.txt");
  const auto dumped = engine_heapstat(engine, {{"dump", dump.string()}});
  auto count_of = [](const engine::HeapStatReply& r, const std::string& type) {
    for (const auto& row : r.heap.types) {
      if (row.type == type) return row.count;
    }
    return std::uint64_t{0};
  };
  EXPECT_EQ(count_of(live, "FormsApp.CustomerForm"), 12u);
  EXPECT_EQ(count_of(dumped, "FormsApp.CustomerForm"), 12u);
}

// An engine killed while it holds the app stopped: the app is not left stopped once the
// harness's collector has seen the failure (it sends SIGCONT), and the failure is a typed error.
TEST(EngineLive, AnEngineKilledWhileAttachedLeavesNoStoppedApp) {
  Workspace ws;
  auto app =
      e2e::start_protocol_app({"dotnet", e2e::app_dll("FormsApp").string(), "--variant", "leak"});
  e2e::request(*app, "1 settle");
  HeapEngine engine(e2e::heap_engine(), ws.tmp(), 60);
  engine.request("open", {{"pid", app->pid()}}, Deadline::after_seconds(60));
  ::kill(engine.pid(), SIGKILL);
  EXPECT_THROW(engine.request("heapstat", nlohmann::json::object(), Deadline::after_seconds(60)),
               EngineError);
  EXPECT_FALSE(engine.usable());
  ::kill(app->pid(), SIGCONT);  // what EngineCollector does on any engine failure while attached
  EXPECT_NE(e2e::request(*app, "2 ping").find("ok 2"), std::string::npos);
}

TEST(EngineErrors, RefusalsAreTypedAndNameWhatWasLookedFor) {
  Workspace ws;
  HeapEngine engine(e2e::heap_engine(), ws.tmp(), 60);
  const Deadline deadline = Deadline::after_seconds(60);
  try {
    engine.request("heapstat", nlohmann::json::object(), deadline);
    FAIL() << "heapstat before open";
  } catch (const EngineError& e) {
    EXPECT_EQ(e.kind(), "not-open");
  }
  try {
    engine.request("open", {{"dump", (ws.tmp() / "missing.dmp").string()}}, deadline);
    FAIL() << "a missing dump was opened";
  } catch (const EngineError& e) {
    EXPECT_EQ(e.kind(), "bad-dump");
    EXPECT_NE(std::string(e.what()).find("missing.dmp"), std::string::npos) << e.what();
  }
  const fs::path junk = ws.tmp() / "junk.dmp";
  std::ofstream(junk) << "not a dump";
  try {
    engine.request("open", {{"dump", junk.string()}}, deadline);
    FAIL() << "junk was opened as a dump";
  } catch (const EngineError& e) {
    EXPECT_EQ(e.kind(), "bad-dump") << e.what();
  }
  // A native process has no .NET runtime.
  SpawnSpec sleeper;
  sleeper.argv = {"sleep", "60"};
  ChildProcess native(sleeper);
  try {
    engine.request("open", {{"pid", native.pid()}}, deadline);
    FAIL() << "a native process was opened";
  } catch (const EngineError& e) {
    EXPECT_EQ(e.kind(), "no-runtime") << e.what();
  }
  // The engine is still usable after refusals.
  EXPECT_TRUE(engine.usable());
}

}  // namespace
}  // namespace leakgate

namespace leakgate {
namespace {

// The raw outputs listed for a checkpoint of a scenario of the report.
std::vector<std::string> raw_labels(const nlohmann::json& scenario, const std::string& checkpoint) {
  std::vector<std::string> labels;
  for (const auto& cp : scenario.at("checkpoints")) {
    if (cp.at("label") != checkpoint) continue;
    for (const auto& raw : cp.at("raw")) labels.push_back(raw.at("label").get<std::string>());
  }
  return labels;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string info_text(const nlohmann::json& scenario) {
  std::string text;
  for (const auto& line : scenario.value("info", nlohmann::json::array())) {
    text += line.get<std::string>() + "\n";
  }
  return text;
}

// Runs a FormsApp leak canary (12 round trips) with `extra` arguments and environment; returns its
// scenario of the report (null when the run did not exit 0: the failure is recorded).
nlohmann::json run_forms_leak(const std::vector<std::string>& extra,
                              const std::map<std::string, std::string>& env = {}) {
  Workspace ws;
  ws.add_forms_scenario("forms-leak", "leak", "leak", 12);
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), extra.begin(), extra.end());
  SpawnSpec spec = ws.leakgate_spec(e2e::dirs_of(ws, args));
  spec.env.insert(env.begin(), env.end());
  const ToolRun run = run_to_completion(spec, Deadline(std::chrono::minutes(10)));
  EXPECT_EQ(run.status.value, 0) << e2e::output_of(run);
  EXPECT_TRUE(ws.leftovers().empty());
  if (run.status.value != 0) return nullptr;
  const nlohmann::json report = ws.report();
  const nlohmann::json* s = e2e::find_scenario(report, "forms-leak");
  if (s == nullptr) return nullptr;
  nlohmann::json scenario = *s;
  scenario["tools"] = report.at("tools");
  scenario["engineTranscript"] =
      e2e::read(ws.reports() / "forms-leak" / "heap-engine.protocol.log");
  EXPECT_EQ(scenario.at("verdict"), "leak");
  return scenario;
}

TEST(EngineRun, ByDefaultTheEngineReadsTheHeapWithoutADumpUntilTheFinalCheckpoint) {
  const nlohmann::json s = run_forms_leak({});
  ASSERT_FALSE(s.is_null());
  const auto warmup = raw_labels(s, "warmup");
  EXPECT_TRUE(has(warmup, "heap engine heapstat")) << s.at("checkpoints").dump(2);
  EXPECT_FALSE(has(warmup, "dotnet-dump collect")) << "a dump at warmup";
  EXPECT_NE(info_text(s).find("attached to the live process"), std::string::npos) << info_text(s);
  EXPECT_TRUE(s.at("tools").contains("leakgate-heap-engine")) << s.at("tools").dump();
  // The engine's transcript went with the report.
  EXPECT_FALSE(s.value("engineTranscript", "").empty());
}

// Yama's ptrace_scope set to `value` for the life of the object where it was something else and
// the machine lets this process change it (root), then put back.
class PtraceScope {
 public:
  static constexpr const char* kPath = "/proc/sys/kernel/yama/ptrace_scope";
  explicit PtraceScope(int value) {
    std::ifstream in(kPath);
    if (!(in >> before_)) return;  // no Yama
    if (before_ == value) {
      ok_ = true;
      return;
    }
    ok_ = write(value);
    changed_ = ok_;
  }
  ~PtraceScope() {
    if (changed_) (void)write(before_);
  }
  PtraceScope(const PtraceScope&) = delete;
  PtraceScope& operator=(const PtraceScope&) = delete;
  bool ok() const { return ok_; }
  int before() const { return before_; }

 private:
  static bool write(int value) {
    std::ofstream out(kPath);
    out << value << "\n";
    out.close();
    std::ifstream in(kPath);
    int now = -1;
    return static_cast<bool>(out) && (in >> now) && now == value;
  }
  int before_ = -1;
  bool ok_ = false;
  bool changed_ = false;
};

// Under Yama ptrace_scope 1 only an ancestor, or a process the app named, may attach; the engine is
// the app's sibling, and attaches because the launcher names leakgate (PR_SET_PTRACER). The test
// sets ptrace_scope to 1 for its run where it is 0 and may be changed (root), and puts it back.
TEST(EngineRun, AttachesLiveUnderYamaPtraceScopeOne) {
  const PtraceScope scope(1);
  if (scope.before() < 0) {
    GTEST_SKIP() << "no Yama on this kernel (" << PtraceScope::kPath
                 << " is absent): the ptrace_scope 1 path cannot be tried here";
  }
  if (!scope.ok()) {
    GTEST_SKIP() << "ptrace_scope is " << scope.before()
                 << " here and this process may not set it to 1 (not root, or a scope of 3)";
  }
  const nlohmann::json s = run_forms_leak({});
  ASSERT_FALSE(s.is_null());
  EXPECT_NE(info_text(s).find("attached to the live process"), std::string::npos) << info_text(s);
}

TEST(EngineRun, WhereAttachingIsRefusedEveryCheckpointReadsADumpAndTheReportSaysSo) {
  const nlohmann::json s = run_forms_leak({}, {{"LEAKGATE_HEAP_ENGINE_NO_ATTACH", "1"}});
  ASSERT_FALSE(s.is_null());
  const auto warmup = raw_labels(s, "warmup");
  EXPECT_TRUE(has(warmup, "dotnet-dump collect")) << s.at("checkpoints").dump(2);
  EXPECT_TRUE(has(warmup, "heap engine heapstat"));
  EXPECT_NE(info_text(s).find("attaching to the process is not allowed"), std::string::npos)
      << info_text(s);
}

TEST(EngineRun, EngineSosKeepsTheDotnetDumpRoute) {
  const nlohmann::json s = run_forms_leak({"--engine", "sos"});
  ASSERT_FALSE(s.is_null());
  const auto warmup = raw_labels(s, "warmup");
  EXPECT_TRUE(has(warmup, "dotnet-dump analyze")) << s.at("checkpoints").dump(2);
  EXPECT_FALSE(has(warmup, "heap engine heapstat"));
}

TEST(EngineRun, AMissingEngineIsAToolErrorThatSaysWhereItLooked) {
  Workspace ws;
  ws.add_forms_scenario("forms", "correct", "pass", 3);
  const ToolRun run =
      ws.leakgate(e2e::dirs_of(ws, {"run", "--heap-engine", (ws.root() / "no-engine").string()}));
  EXPECT_EQ(run.status.value, 3) << e2e::output_of(run);
  EXPECT_NE(e2e::output_of(run).find("no-engine"), std::string::npos) << e2e::output_of(run);
}

}  // namespace
}  // namespace leakgate
