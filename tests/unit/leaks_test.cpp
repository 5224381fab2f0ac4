// Leaks: the heap engine's "leaks" replies of real runs (tests/fixtures/leaks/, captured by
// tests/fixtures/capture-leaks.sh) parsed, put into a judged result, rendered and read back.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "collect/engine_leaks.h"
#include "common/errors.h"
#include "model/type_key.h"
#include "report/leak_json.h"
#include "test_support.h"
#include "verdict/leak_result.h"

namespace leakgate {
namespace {

using nlohmann::json;

json reply_of(const std::string& scenario) {
  return json::parse(test::fixture("leaks/" + scenario + ".engine-leaks.json"));
}

// The judged result the fixture's run had: its managed findings and iterations.
ScenarioResult result_of(const std::string& scenario) {
  const json recorded = json::parse(test::fixture("leaks/" + scenario + ".findings.json"));
  ScenarioResult r;
  r.name = scenario;
  r.iterations = recorded.at("iterations").get<int>();
  for (const auto& f : recorded.at("findings")) {
    Finding finding;
    finding.type = f.at("type").get<std::string>();
    EXPECT_TRUE(parse_finding_kind(f.at("kind").get<std::string>(), finding.kind));
    EXPECT_TRUE(parse_metric(f.at("metric").get<std::string>(), finding.metric));
    finding.growth_per_iteration = f.at("growthPerIteration").get<double>();
    r.findings.push_back(finding);
  }
  return r;
}

const LeakMember* member(const Leak& leak, const std::string& type) {
  for (const auto& m : leak.members) {
    if (m.type == type) return &m;
  }
  return nullptr;
}

TEST(Leaks, OneMissingUnsubscribeIsOneLeakHeadedByTheForm) {
  const LeakAnalysis a = engine::parse_leaks(reply_of("forms-leak"));
  ASSERT_EQ(a.leaks.size(), 1u);
  const Leak& leak = a.leaks.front();
  EXPECT_EQ(leak.head, "FormsApp.CustomerForm");
  EXPECT_TRUE(leak.head_is_app);
  EXPECT_EQ(leak.root.kind, "static");
  EXPECT_EQ(leak.root.name, "FormsApp.ThemeService.ThemeChanged");
  EXPECT_EQ(leak.root.holder, "FormsApp.ThemeService");
  EXPECT_EQ(leak.members.front().relation, LeakRelation::kHead);
  // The handler is on the path; the controls are what each form retains.
  const LeakMember* handler = member(leak, "System.EventHandler<FormsApp.ThemeChangedEventArgs>");
  ASSERT_NE(handler, nullptr);
  EXPECT_EQ(handler->relation, LeakRelation::kPath);
  const LeakMember* label = member(leak, "FormsApp.Label");
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(label->relation, LeakRelation::kUnder);
  EXPECT_EQ(std::count_if(leak.path.begin(), leak.path.end(),
                          [](const LeakHop& h) { return h.first_new; }),
            1);
  const std::string path = render_leak_path(leak);
  EXPECT_EQ(path.rfind("static FormsApp.ThemeService.ThemeChanged -> "
                       "System.EventHandler<FormsApp.ThemeChangedEventArgs>._invocationList",
                       0),
            0u)
      << path;
  EXPECT_TRUE(path.ends_with("-> FormsApp.CustomerForm")) << path;
  EXPECT_GT(leak.retained_bytes, 0u);
  std::uint64_t listed = 0;
  for (const auto& t : leak.retained) listed += t.bytes;
  EXPECT_LE(listed, leak.retained_bytes);
}

TEST(Leaks, AttachedLeaksCarryTheGrowthAndTellEachFindingsPath) {
  ScenarioResult r = result_of("forms-leak");
  attach_leaks(engine::parse_leaks(reply_of("forms-leak")), r);
  ASSERT_EQ(r.leak_analysis.leaks.size(), 1u);
  const Leak& leak = r.leak_analysis.leaks.front();
  EXPECT_DOUBLE_EQ(leak.head_growth_per_iteration,
                   managed_finding(r, "FormsApp.CustomerForm")->growth_per_iteration);
  // One form per iteration retains the form and everything it holds: more than the form.
  EXPECT_GT(leak.retained_bytes_per_iteration(), 1000.0);
  for (const auto& f : r.findings) {
    ASSERT_TRUE(f.retention.has_value()) << f.type;
    EXPECT_EQ(f.retention->groups.front().shortest.root, "FormsApp.ThemeService.ThemeChanged");
  }
}

TEST(Leaks, PlacesThatGainedAFewObjectsOnceAreNotLeaks) {
  // The service: RequestContext kept in a static list, and framework caches (JSON metadata, IL
  // buffers) that gained a few byte arrays during the first requests.
  const LeakAnalysis parsed = engine::parse_leaks(reply_of("web-service-leak"));
  ASSERT_GT(parsed.leaks.size(), 1u);
  ScenarioResult r = result_of("web-service-leak");
  attach_leaks(parsed, r);
  ASSERT_EQ(r.leak_analysis.leaks.size(), 1u);
  EXPECT_EQ(r.leak_analysis.leaks.front().head, "RequestContext");
  EXPECT_EQ(r.leak_analysis.leaks.front().root.name, "RequestAudit.Kept");
  EXPECT_EQ(r.leak_analysis.minor_places, parsed.leaks.size() - 1);
}

TEST(Leaks, ALeakWhoseHeadIsNoLongerAFindingIsDropped) {
  ScenarioResult r = result_of("pattern-cancellation-leak");
  std::erase_if(r.findings,
                [](const Finding& f) { return f.type == "PatternsApp.PendingOperation"; });
  attach_leaks(engine::parse_leaks(reply_of("pattern-cancellation-leak")), r);
  EXPECT_TRUE(r.leak_analysis.leaks.empty());
}

TEST(Leaks, TheCallbackListIsOnThePathAndTheSuspectIsTheReferenceIntoIt) {
  const LeakAnalysis a = engine::parse_leaks(reply_of("pattern-cancellation-leak"));
  ASSERT_EQ(a.leaks.size(), 1u);
  const Leak& leak = a.leaks.front();
  EXPECT_EQ(leak.head, "PatternsApp.PendingOperation");
  EXPECT_EQ(leak.root.name, "PatternsApp.CancellationPattern.ApplicationStopping");
  EXPECT_EQ(render_suspect(leak),
            "System.Threading.CancellationTokenSource+Registrations.Callbacks -> "
            "System.Threading.CancellationTokenSource+CallbackNode");
  const auto chain = render_leak_chain(leak);
  ASSERT_EQ(chain.size(), leak.path.size() + 1);
  EXPECT_EQ(chain.front(), "   static PatternsApp.CancellationPattern.ApplicationStopping");
  EXPECT_EQ(std::count_if(chain.begin(), chain.end(),
                          [](const std::string& l) { return l.starts_with("=> "); }),
            1);
}

TEST(Leaks, ReportJsonRoundTripKeepsEveryField) {
  ScenarioResult r = result_of("forms-leak");
  attach_leaks(engine::parse_leaks(reply_of("forms-leak")), r);
  r.leak_analysis.minor_places = 3;
  json scenario = json::object();
  leaks_to_json(r.leak_analysis, scenario);
  const LeakAnalysis back = leaks_from_json(scenario);
  ASSERT_EQ(back.leaks.size(), 1u);
  const Leak& a = r.leak_analysis.leaks.front();
  const Leak& b = back.leaks.front();
  EXPECT_EQ(render_leak_path(a), render_leak_path(b));
  EXPECT_EQ(a.members.size(), b.members.size());
  for (std::size_t i = 0; i < a.members.size(); ++i) {
    EXPECT_EQ(a.members[i].type, b.members[i].type);
    EXPECT_EQ(a.members[i].relation, b.members[i].relation);
  }
  EXPECT_EQ(a.retained_bytes, b.retained_bytes);
  EXPECT_DOUBLE_EQ(a.retained_bytes_per_iteration(), b.retained_bytes_per_iteration());
  EXPECT_EQ(back.minor_places, 3u);
  EXPECT_EQ(scenario.at("leaks").at(0).at("text"), render_leak_path(a));
}

TEST(Leaks, ABrokenReplyIsAParseErrorNamingTheField) {
  const json good = reply_of("forms-leak");
  const auto fails_at = [](const json& reply, const std::string& where) {
    try {
      engine::parse_leaks(reply);
      ADD_FAILURE() << "parsed: " << where;
    } catch (const ParseError& e) {
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    }
  };
  json no_head = good;
  no_head["leaks"][0].erase("head");
  fails_at(no_head, "/leaks/0");
  json wrong_end = good;
  wrong_end["leaks"][0]["path"].back()["type"] = "Other";
  fails_at(wrong_end, "does not end at the head");
  json too_many = good;
  too_many["leaks"][0]["members"][0]["underHead"] = 1u << 30;
  fails_at(too_many, "underHead");
  json negative = good;
  negative["leaks"][0]["retained"]["bytes"] = -1;
  fails_at(negative, "/leaks/0/retained");
  fails_at(json::array(), "not an object");
}

TEST(Leaks, RepeatsAreFoldedAndALongPathIsCutInTheMiddle) {
  Leak leak;
  leak.head = "App.Item";
  leak.root = {"static", "App.Registry.Items", "App.Registry", "Items"};
  leak.path = {{"App.Node", "Next", 15, false, ""},
               {"App.Node", "Value", 1, true, ""},
               {"App.Item", "", 1, false, ""}};
  EXPECT_EQ(render_leak_path(leak),
            "static App.Registry.Items -> App.Node.Next x15 => App.Node.Value -> App.Item");
  leak.cut = 40;
  leak.cut_at = 1;
  EXPECT_EQ(render_leak_path(leak),
            "static App.Registry.Items -> App.Node.Next x15 -> ... 40 hops "
            "... => App.Node.Value -> App.Item");
  EXPECT_EQ(render_bytes(512), "512 B");
  EXPECT_EQ(render_bytes(10 * 1024 + 512), "10.5 KB");
}

TEST(Leaks, CompilerMadeTypesNeverHeadALeak) {
  EXPECT_TRUE(is_compiler_generated("PatternsApp.ClosurePattern+<>c__DisplayClass6_0"));
  EXPECT_TRUE(is_compiler_generated("Service+<LoadAsync>d__5"));
  EXPECT_TRUE(is_compiler_generated("<>f__AnonymousType0`2<System.Int32, System.String>"));
  EXPECT_FALSE(
      is_compiler_generated("System.Collections.Generic.List<Program+<>c__DisplayClass1_0>"));
  EXPECT_FALSE(is_compiler_generated("FormsApp.CustomerForm"));
}

}  // namespace
}  // namespace leakgate
