// The heap engine's roots on real apps: every instance of a leaking type is followed from every
// GC root at once, the static field that holds a leak is named exactly (Namespace.Type.Field, not
// the runtime's statics array reached from a stack slot), the references the engine reads from
// the object bytes are the ones ClrMD enumerates object by object, and `leakgate roots/heapstat
// --pid` answer from the engine while the app keeps running.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "collect/engine_leaks.h"
#include "collect/engine_protocol.h"
#include "collect/heap_engine.h"
#include "e2e/e2e_support.h"
#include "model/type_key.h"

namespace leakgate {
namespace {

using e2e::Workspace;

struct LeakCase {
  const char* name;
  std::vector<std::string> args;      // after `dotnet APP.dll`
  std::vector<std::string> requests;  // to the app before reading its heap
  const char* type;                   // the leaking type
  const char* root_kind;              // what holds every instance of it
  const char* root;                   // the static field ("" for other kinds)
  bool via_dependent_handle = false;  // the last hop is a dependent handle's
};

void PrintTo(const LeakCase& c, std::ostream* os) { *os << c.name; }

class EngineRoots : public ::testing::TestWithParam<LeakCase> {};

TEST_P(EngineRoots, EveryInstanceIsHeldByTheRootTheAppsSourceSays) {
  const LeakCase& c = GetParam();
  Workspace ws;
  std::vector<std::string> argv = {"dotnet", e2e::app_dll(c.args.front()).string()};
  argv.insert(argv.end(), c.args.begin() + 1, c.args.end());
  auto app = e2e::start_protocol_app(argv);
  for (const auto& r : c.requests) e2e::request(*app, r);

  HeapEngine engine(e2e::heap_engine(), ws.tmp(), 60);
  const Deadline deadline = Deadline::after_seconds(120);
  engine.request("open", {{"pid", app->pid()}}, deadline);
  const auto stat = engine::parse_heapstat(engine.request("heapstat", {}, deadline).body);
  std::uint64_t count = 0;
  for (const auto& row : stat.heap.types) {
    if (row.type == c.type) count += row.count;
  }
  ASSERT_GT(count, 0u) << c.type << " is not on the heap";
  // check: every object's references as read from its bytes, against ClrMD's own enumeration.
  // instances: every one counted, the addresses cut at the limit.
  const auto listed = engine.request("instances", {{"types", {c.type}}, {"limit", 3}}, deadline);
  ASSERT_EQ(listed.body.at("types").size(), 1u) << listed.line;
  EXPECT_EQ(listed.body.at("types")[0].at("count").get<std::uint64_t>(), count);
  EXPECT_EQ(listed.body.at("types")[0].at("addresses").size(), std::min<std::uint64_t>(count, 3));
  const auto answer = engine.request("roots", {{"types", {c.type}}, {"check", true}}, deadline);
  // leaks: the same root, every instance in one leak headed by the type, the path ending at it.
  const auto leaks = engine::parse_leaks(
      engine.request("leaks", {{"types", {c.type}}, {"appTypes", {c.type}}}, deadline).body);
  engine.request("close", {}, deadline);
  ASSERT_EQ(leaks.leaks.size(), 1u) << "one cause, one leak";
  EXPECT_EQ(leaks.leaks[0].head, type_key(c.type));
  EXPECT_EQ(leaks.leaks[0].root.kind, c.root_kind);
  EXPECT_EQ(leaks.leaks[0].root.name, c.root);
  EXPECT_EQ(leaks.leaks[0].head_instances, count);
  EXPECT_GE(leaks.leaks[0].retained_bytes, leaks.leaks[0].members.front().bytes);
  EXPECT_NE(e2e::request(*app, "99 ping").find("ok 99"), std::string::npos)
      << "the app does not run again after the engine closed";

  const auto& graph = answer.body.at("graph");
  EXPECT_GT(graph.at("checkedObjects").get<int>(), 100);
  EXPECT_EQ(graph.at("checkMismatches").get<int>(), 0)
      << "references read from the object bytes differ from ClrMD's";
  const auto types = engine::parse_roots(answer.body);
  ASSERT_EQ(types.size(), 1u);
  const Retention& r = types[0];
  EXPECT_EQ(r.type, c.type);
  EXPECT_EQ(r.instances, count) << "roots and heapstat count the type differently";
  EXPECT_EQ(r.unreachable, 0u);
  ASSERT_EQ(r.groups.size(), 1u) << "one cause, one group";
  const RetentionGroup& g = r.groups[0];
  EXPECT_EQ(static_cast<std::uint64_t>(g.instances), count);
  EXPECT_EQ(g.shortest.root_kind, c.root_kind);
  EXPECT_EQ(g.shortest.root, c.root);
  ASSERT_FALSE(g.shortest.chain.empty());
  EXPECT_EQ(g.shortest.chain.back().type, c.type) << "a path ends at the instance";
  if (std::string(c.root_kind) == "static") {
    EXPECT_EQ(g.shortest.holder + "." + g.shortest.field, c.root);
    EXPECT_NE(g.shortest.chain.front().type, "System.Object[]")
        << "the runtime's statics array is not the app's";
  }
  if (c.via_dependent_handle) {
    ASSERT_GE(g.shortest.chain.size(), 2u);
    EXPECT_EQ(g.shortest.chain.back().note, "(dependent handle)");
    EXPECT_EQ(g.shortest.chain[g.shortest.chain.size() - 2].type, "System.String")
        << "the handle's primary, an object without references, is on the path";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Apps, EngineRoots,
    ::testing::Values(
        LeakCase{"FormsEventHandler",
                 {"FormsApp", "--variant", "leak"},
                 {"1 open-close 25", "2 settle"},
                 "FormsApp.CustomerForm",
                 "static",
                 "FormsApp.ThemeService.ThemeChanged"},
        LeakCase{"StaticCache",
                 {"PatternsApp", "--pattern", "static-cache", "--variant", "leak"},
                 {"1 work 20", "2 settle"},
                 "PatternsApp.CachedResponse",
                 "static",
                 "PatternsApp.StaticCachePattern.Cache"},
        LeakCase{"Closure",
                 {"PatternsApp", "--pattern", "closure", "--variant", "leak"},
                 {"1 work 20", "2 settle"},
                 "PatternsApp.ReportView",
                 "static",
                 "PatternsApp.ClosurePattern.ConfigurationReloaded"},
        // The registrations form a linked list: instances at every depth are one leak.
        LeakCase{"Cancellation",
                 {"PatternsApp", "--pattern", "cancellation", "--variant", "leak"},
                 {"1 work 20", "2 settle"},
                 "PatternsApp.PendingOperation",
                 "static",
                 "PatternsApp.CancellationPattern.ApplicationStopping"},
        // A framework static: the runtime's timer queues.
        LeakCase{"Timer",
                 {"PatternsApp", "--pattern", "timer", "--variant", "leak"},
                 {"1 work 20", "2 settle"},
                 "PatternsApp.StatusPoller",
                 "static",
                 "System.Threading.TimerQueue.Instances"},
        // The instances are held through dependent handles whose primaries (strings) have no
        // references: the graph keeps such primaries.
        LeakCase{"WeakTable",
                 {"PatternsApp", "--pattern", "weak-table", "--variant", "leak"},
                 {"1 work 20", "2 settle"},
                 "PatternsApp.SessionAttachment",
                 "static",
                 "PatternsApp.WeakTablePattern.Keys",
                 true},
        LeakCase{"BlockedFinalizer",
                 {"PatternsApp", "--pattern", "blocked-finalizer", "--variant", "leak"},
                 {"1 work 20", "2 settle"},
                 "PatternsApp.ThumbnailHandle",
                 "finalizer queue",
                 ""}),
    [](const ::testing::TestParamInfo<LeakCase>& p) { return std::string(p.param.name); });

// Objects without references (strings, arrays of numbers) are left out of the graph, which no path
// goes through, except the instances asked for: every byte[] is followed, those of the leak to
// the static that holds their owners.
TEST(EngineRootsOfALeafType, EveryInstanceIsFollowedAndTheLeakIsNamed) {
  Workspace ws;
  auto app = e2e::start_protocol_app({"dotnet", e2e::app_dll("PatternsApp").string(), "--pattern",
                                      "static-cache", "--variant", "leak"});
  e2e::request(*app, "1 work 30");
  e2e::request(*app, "2 settle");
  HeapEngine engine(e2e::heap_engine(), ws.tmp(), 60);
  const Deadline deadline = Deadline::after_seconds(120);
  engine.request("open", {{"pid", app->pid()}}, deadline);
  const auto stat = engine::parse_heapstat(engine.request("heapstat", {}, deadline).body);
  std::uint64_t arrays = 0;
  std::uint64_t responses = 0;
  for (const auto& row : stat.heap.types) {
    if (row.type == "System.Byte[]") arrays += row.count;
    if (row.type == "PatternsApp.CachedResponse") responses += row.count;
  }
  ASSERT_EQ(responses, 30u);
  const auto answer =
      engine.request("roots", {{"types", {"System.Byte[]"}}, {"maxPaths", 1000}}, deadline);
  engine.request("close", {}, deadline);

  const auto& graph = answer.body.at("graph");
  EXPECT_LT(graph.at("objects").get<std::uint64_t>(), graph.at("heapObjects").get<std::uint64_t>())
      << "the strings are not in the graph";
  const auto types = engine::parse_roots(answer.body);
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0].instances, arrays) << "roots and heapstat count byte[] differently";
  const auto leak = std::find_if(types[0].groups.begin(), types[0].groups.end(), [](const auto& g) {
    return g.shortest.root == "PatternsApp.StaticCachePattern.Cache";
  });
  ASSERT_NE(leak, types[0].groups.end()) << "no path from the cache";
  EXPECT_EQ(static_cast<std::uint64_t>(leak->instances), responses);
  ASSERT_GE(leak->shortest.chain.size(), 2u);
  EXPECT_EQ(leak->shortest.chain.back().type, "System.Byte[]");
  EXPECT_EQ(leak->shortest.chain[leak->shortest.chain.size() - 2].type,
            "PatternsApp.CachedResponse");
}

// `leakgate roots` asks for its paths with "full" and then for the leak trace: the engine keeps the
// whole heap's search for the second op instead of walking the heap again, and the trace is the
// one a fresh engine gives (a leaf's bytes, the cached responses' byte[] payloads, are counted in
// what the leak retains, though no search goes through leaves).
TEST(EngineRootsThenLeaks, TheLeaksOpReusesTheSearchAndAgreesWithAFreshOne) {
  Workspace ws;
  auto app = e2e::start_protocol_app({"dotnet", e2e::app_dll("PatternsApp").string(), "--pattern",
                                      "static-cache", "--variant", "leak"});
  e2e::request(*app, "1 work 30");
  e2e::request(*app, "2 settle");
  const std::string type = "PatternsApp.CachedResponse";
  const nlohmann::json leaks_fields = {{"types", {type}}, {"appTypes", {type}}};
  const Deadline deadline = Deadline::after_seconds(120);
  HeapEngine engine(e2e::heap_engine(), ws.tmp(), 60);
  engine.request("open", {{"pid", app->pid()}}, deadline);
  const auto roots = engine.request("roots", {{"types", {type}}, {"full", true}}, deadline);
  const auto reused = engine.request("leaks", leaks_fields, deadline);
  engine.request("close", {}, deadline);
  engine.request("open", {{"pid", app->pid()}}, deadline);
  const auto fresh = engine.request("leaks", leaks_fields, deadline);
  engine.request("close", {}, deadline);

  EXPECT_TRUE(roots.body.at("graph").at("phasesMs").contains("fill")) << roots.line;
  EXPECT_FALSE(reused.body.at("graph").at("phasesMs").contains("fill"))
      << "the leaks op walked the heap again: " << reused.body.at("graph").dump();
  EXPECT_TRUE(fresh.body.at("graph").at("phasesMs").contains("fill")) << fresh.line;
  const LeakAnalysis a = engine::parse_leaks(reused.body);
  const LeakAnalysis b = engine::parse_leaks(fresh.body);
  ASSERT_EQ(a.leaks.size(), 1u) << reused.line;
  ASSERT_EQ(b.leaks.size(), 1u) << fresh.line;
  EXPECT_EQ(a.leaks[0].root.name, "PatternsApp.StaticCachePattern.Cache");
  EXPECT_EQ(a.leaks[0].root.name, b.leaks[0].root.name);
  EXPECT_EQ(a.leaks[0].head_instances, 30u);
  EXPECT_EQ(a.leaks[0].head_instances, b.leaks[0].head_instances);
  EXPECT_EQ(a.leaks[0].retained_objects, b.leaks[0].retained_objects);
  EXPECT_EQ(a.leaks[0].retained_bytes, b.leaks[0].retained_bytes);
  const auto& retained = reused.body.at("leaks")[0].at("retained").at("types");
  const auto payloads = std::find_if(retained.begin(), retained.end(),
                                     [](const auto& t) { return t.at("name") == "System.Byte[]"; });
  ASSERT_NE(payloads, retained.end()) << "the byte[] payloads are not in what the leak retains";
  EXPECT_EQ(payloads->at("count").get<int>(), 30);
}

// The by-hand commands read the live process through the engine: the same counts as its
// heapstat, the static named, the app running afterwards.
TEST(EngineCommands, RootsAndHeapstatOfARunningProcess) {
  Workspace ws;
  auto app = e2e::start_protocol_app({"dotnet", e2e::forms_app().string(), "--variant", "leak"});
  e2e::request(*app, "1 open-close 14");
  e2e::request(*app, "2 settle");
  const std::string pid = std::to_string(app->pid());

  const auto roots = ws.leakgate({"roots", "--pid", pid, "--type", "CustomerForm", "--json"});
  ASSERT_EQ(roots.status.value, 0) << e2e::output_of(roots);
  const auto answer = nlohmann::json::parse(roots.out);
  const auto& out = answer.at("types");
  ASSERT_EQ(out.size(), 1u) << roots.out;
  EXPECT_EQ(answer.at("reader").at("how"), "attached to the live process");
  EXPECT_GT(answer.at("reader").at("engine").at("peakRss").get<std::uint64_t>(), 0u);
  EXPECT_GT(answer.at("reader").at("leakgatePeakRssBytes").get<std::uint64_t>(), 0u);
  EXPECT_EQ(out[0].at("type"), "FormsApp.CustomerForm");
  EXPECT_EQ(out[0].at("instances"), 14);
  EXPECT_EQ(out[0].at("sampled"), 14) << "the engine follows every instance";
  const auto& path = out[0].at("retentionPaths").at(0);
  EXPECT_EQ(path.at("rootKind"), "static");
  EXPECT_EQ(path.at("root"), "FormsApp.ThemeService.ThemeChanged");
  EXPECT_EQ(path.at("instances"), 14);
  // The leak trace of the type: one leak, at the static, its path ending at the type.
  ASSERT_EQ(answer.at("leaks").size(), 1u) << roots.out;
  const auto& leak = answer.at("leaks").at(0);
  EXPECT_EQ(leak.at("head"), "FormsApp.CustomerForm");
  EXPECT_EQ(leak.at("instances"), 14);
  EXPECT_EQ(leak.at("root").at("name"), "FormsApp.ThemeService.ThemeChanged");
  EXPECT_EQ(leak.at("path").back().at("type"), "FormsApp.CustomerForm");

  const auto heapstat = ws.leakgate({"heapstat", "--pid", pid, "--json"});
  ASSERT_EQ(heapstat.status.value, 0) << e2e::output_of(heapstat);
  std::uint64_t forms = 0;
  const auto table = nlohmann::json::parse(heapstat.out);
  for (const auto& t : table.at("types")) {
    if (t.at("type") == "FormsApp.CustomerForm") forms = t.at("count").get<std::uint64_t>();
  }
  EXPECT_EQ(forms, 14u);
  EXPECT_NE(e2e::request(*app, "3 ping").find("ok 3"), std::string::npos);
  EXPECT_TRUE(ws.leftovers().empty()) << "temp files left behind";
}

// A type that is not on the heap is a usage error naming it.
TEST(EngineCommands, RootsOfAnUnknownTypeIsAUsageError) {
  Workspace ws;
  auto app = e2e::start_protocol_app({"dotnet", e2e::forms_app().string(), "--variant", "leak"});
  e2e::request(*app, "1 settle");
  const auto run =
      ws.leakgate({"roots", "--pid", std::to_string(app->pid()), "--type", "No.Such.TypeAnywhere"});
  EXPECT_EQ(run.status.value, 2) << e2e::output_of(run);
  EXPECT_NE(run.err.find("No.Such.TypeAnywhere"), std::string::npos) << run.err;
  EXPECT_NE(e2e::request(*app, "2 ping").find("ok 2"), std::string::npos);
}

}  // namespace
}  // namespace leakgate
