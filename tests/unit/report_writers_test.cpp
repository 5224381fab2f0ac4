#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/junit_report.h"
#include "report/markdown_report.h"
#include "report/markup.h"
#include "report/merge.h"
#include "report/report_views.h"
#include "report/svg_chart.h"
#include "test_support.h"

namespace leakgate {
namespace {

using nlohmann::json;

// A real report of `leakgate run --scenario forms-leak --scenario forms` (see fixtures/README.md).

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The model every writer reads, from a report document.
RunReport model(const json& doc) { return report_from_json(doc, "report.json"); }

json* scenario(json& report, const std::string& name) {
  for (auto& s : report["scenarios"]) {
    if (s["name"] == name) return &s;
  }
  return nullptr;
}

TEST(Markup, EscapesEverythingMarkupCares) {
  EXPECT_EQ(escape_markup("Dictionary<String, List<Int32>> & \"x\" 'y'"),
            "Dictionary&lt;String, List&lt;Int32&gt;&gt; &amp; &quot;x&quot; &#39;y&#39;");
  EXPECT_EQ(escape_markup(std::string("a\x01z", 3)), "a\xEF\xBF\xBDz");
  EXPECT_EQ(format_number(2.0), "2");
  EXPECT_EQ(format_number(2.345, 2), "2.35");
  EXPECT_EQ(format_number(-0.0001), "0");
}

TEST(SvgChart, DrawsEveryPointAndEscapesNames) {
  ChartSpec spec;
  spec.title = "List<Foo> & co";
  spec.series.push_back({"List<Foo>", {{0, 5}, {10, 15}, {20, 25}}});
  spec.series.push_back({"Bar", {{0, 1}, {20, 1}}});
  const std::string svg = render_line_chart(spec);
  EXPECT_EQ(count(svg, "<circle"), 5u);
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  EXPECT_EQ(svg.find("List<Foo>"), std::string::npos);
  EXPECT_NE(svg.find("List&lt;Foo&gt; &amp; co"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);  // a flat series is still drawn
  EXPECT_EQ(render_line_chart(ChartSpec{}).find("no data") == std::string::npos, false);
}

TEST(Junit, OneTestcasePerScenarioAndFailuresCarryTheFindings) {
  json report = test::forms_pair_report();
  std::string xml = render_junit(model(report));
  EXPECT_EQ(count(xml, "<testcase "), report["scenarios"].size());
  EXPECT_EQ(count(xml, "<failure"), 0u);  // the canary caught its leak: that is a pass
  EXPECT_EQ(xml.find("List<"), std::string::npos);

  scenario(report, "forms-leak")->at("expected") = "pass";
  scenario(report, "forms-leak")->at("met") = false;
  xml = render_junit(model(report));
  EXPECT_EQ(count(xml, "<failure"), 1u);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos);
  const auto failure = xml.substr(xml.find("<failure"));
  // The leak first: its head, its root and the suspect reference, not a line per growing type.
  EXPECT_NE(failure.find("leak: FormsApp.CustomerForm"), std::string::npos) << failure;
  EXPECT_NE(failure.find("static FormsApp.ThemeService.ThemeChanged"), std::string::npos);
  EXPECT_NE(failure.find("suspect reference: "), std::string::npos) << failure;
  EXPECT_EQ(failure.find("FormsApp.Label  instances"), std::string::npos) << failure;

  json* forms = scenario(report, "forms");
  (*forms)["verdict"] = "error";
  (*forms)["met"] = false;
  (*forms)["error"] = "scenario 'forms': the app exited with code 134 <core dumped>";
  xml = render_junit(model(report));
  EXPECT_NE(xml.find("errors=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<error type=\"error\" message=\"scenario &#39;forms&#39;"),
            std::string::npos);
}

TEST(Markdown, TableRowPerScenarioAndDetailsForFailures) {
  json report = test::forms_pair_report();
  std::string md = render_markdown(model(report));
  EXPECT_NE(md.find("✅ all 2 scenario(s) as expected"), std::string::npos) << md;
  EXPECT_EQ(count(md, "\n| ✅ |"), 2u) << md;
  // The canary list names the planted type, not a framework type that grew with it.
  EXPECT_NE(md.find("`forms-leak`: leak `FormsApp.CustomerForm` at "
                    "`static FormsApp.ThemeService.ThemeChanged`"),
            std::string::npos)
      << md;

  scenario(report, "forms")->at("met") = false;
  scenario(report, "forms")->at("verdict") = "leak";
  report["summary"]["unmet"] = 1;
  md = render_markdown(model(report));
  EXPECT_NE(md.find("❌ 1 of 2 scenario(s) failed"), std::string::npos) << md;
  EXPECT_NE(md.find("### ❌ `forms`: leak"), std::string::npos) << md;
}

// A failing scenario with thousands of findings of long generic type names, each with a path.
json huge_failure() {
  json report = test::forms_pair_report();
  json* leak = scenario(report, "forms-leak");
  leak->at("expected") = "pass";
  leak->at("met") = false;
  report["summary"]["unmet"] = 1;
  const json model = leak->at("findings").at(0);
  json findings = json::array();
  for (int i = 0; i < 3000; ++i) {
    json f = model;
    std::string name = "App.Generic<";
    while (name.size() < 3000) name += "System.Collections.Generic.Dictionary<System.String, ";
    f["type"] = name + std::to_string(i) + ">";
    f.erase("retention");
    f["retentionPaths"] = json::array({{{"fingerprint", "f"},
                                        {"rootKind", "static"},
                                        {"root", "App.Cache"},
                                        {"chain", json::array({f["type"]})},
                                        {"instances", 1},
                                        {"text", "static App.Cache -> " + name}}});
    findings.push_back(f);
  }
  leak->at("findings") = findings;
  return report;
}

TEST(Markdown, FitsInAPullRequestCommentWhateverTheRun) {
  // One scenario lists its first findings and counts the rest.
  EXPECT_NE(render_markdown(model(huge_failure())).find("- ... 2980 more finding(s) in index.html"),
            std::string::npos);
  // Hundreds of failing scenarios: cut where the comment would overflow.
  json many = huge_failure();
  json failing = *scenario(many, "forms-leak");
  failing["findings"].erase(failing["findings"].begin() + 25, failing["findings"].end());
  for (int i = 0; i < 300; ++i) {
    json s = failing;
    s["name"] = "scenario-" + std::to_string(i);
    many["scenarios"].push_back(s);
  }
  const std::string md = render_markdown(model(many));
  EXPECT_LE(md.size(), 60'000u);
  std::size_t fences = 0, longest = 0, start = 0;
  for (std::size_t end = md.find('\n'); end != std::string::npos; end = md.find('\n', start)) {
    const std::string line = md.substr(start, end - start);
    longest = std::max(longest, line.size());
    if (line.find_first_not_of(' ') != std::string::npos &&
        line.substr(line.find_first_not_of(' ')).starts_with("```")) {
      ++fences;
    }
    start = end + 1;
  }
  EXPECT_LE(longest, 300u);
  EXPECT_EQ(fences % 2, 0u) << "a code block left open";
  EXPECT_NE(md.find("more line(s): the whole report is in index.html and report.json"),
            std::string::npos);
}

TEST(Junit, AFailureTextFitsInEightKilobytes) {
  const std::string xml = render_junit(model(huge_failure()));
  const auto from = xml.find('>', xml.find("<failure")) + 1;
  const auto to = xml.find("</failure>");
  ASSERT_NE(to, std::string::npos);
  EXPECT_LE(to - from, 8u * 1024);
  EXPECT_NE(xml.substr(from, to - from).find("more line(s) in report.json"), std::string::npos);
}

TEST(Markup, ShortenMiddleKeepsBothEndsAndWholeCharacters) {
  EXPECT_EQ(shorten_middle("short", 300), "short");
  const std::string line = std::string(200, 'a') + "\u00e9\u00e9\u00e9" + std::string(200, 'b');
  const std::string cut = shorten_middle(line, 100);
  EXPECT_LE(cut.size(), 100u);
  EXPECT_TRUE(cut.starts_with("aaaa"));
  EXPECT_TRUE(cut.ends_with("bbbb"));
  EXPECT_NE(cut.find(" ... "), std::string::npos);
  EXPECT_LE(shorten_middle(std::string(50, 'x') + "\u00e9" + std::string(300, 'y'), 53).size(),
            53u);
  EXPECT_EQ(bounded_lines(std::vector<std::string>{"one", "two", "three"}, 60, "elsewhere"),
            "one\ntwo\nthree\n");
  const std::string bounded =
      bounded_lines(std::vector<std::string>(300, std::string(40, 'x')), 1000, "elsewhere");
  EXPECT_LE(bounded.size(), 1000u);
  EXPECT_TRUE(bounded.ends_with("more line(s) elsewhere\n")) << bounded;
}

TEST(DescribeFinding, ARegressionSaysWhetherItWasOverTheLimitAtTheWarmup) {
  Finding f;
  f.type = "System.String";
  f.rule = FindingRule::kBaseline;
  f.warmup = 2869;
  f.actual = 2869;
  f.baseline = 2812;
  f.limit = 2868;
  EXPECT_NE(describe_finding(f).find("over it from the warm-up checkpoint on (2869)"),
            std::string::npos)
      << describe_finding(f);
  f.warmup = 2800;
  EXPECT_NE(describe_finding(f).find("crossed it during the run (warm-up 2800)"), std::string::npos)
      << describe_finding(f);
  f.rule = FindingRule::kGrowth;  // a growth finding has no limit to be over
  EXPECT_EQ(describe_finding(f).find("warm-up"), std::string::npos) << describe_finding(f);
}

TEST(Html, SelfContainedEscapedAndChartsPerFinding) {
  const json report = test::forms_pair_report();
  const std::string html = render_html(model(report));
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("List<FormsApp"), std::string::npos);
  EXPECT_NE(html.find("List&lt;FormsApp.Control&gt;"), std::string::npos);
  const RunReport r = model(report);
  const ScenarioResult& leak = r.run.scenarios.at(0);
  ASSERT_EQ(leak.name, "forms-leak");
  ASSERT_EQ(leak.leak_analysis.leaks.size(), 1u);
  const std::size_t outside = findings_outside_leaks(leak).size();
  // A card per leak with its head's chart, a chart per finding outside a leak (at most 8), and a
  // memory chart per scenario.
  EXPECT_EQ(count(html, "<article class=\"leak\">"), 1u);
  EXPECT_EQ(count(html, "<svg "), 1 + std::min<std::size_t>(outside, 8) + r.run.scenarios.size());
  EXPECT_NE(html.find("FormsApp.CustomerForm (instances)"), std::string::npos);
  // The chain from the root down, one item per hop, the suspect reference marked once.
  const auto card = html.substr(html.find("<article class=\"leak\">"));
  EXPECT_EQ(count(card.substr(0, card.find("</article>")), "<li class=\"suspect\">"), 1u);
  EXPECT_NE(card.find("<li class=\"root\"><span class=\"kind\">static</span> "
                      "<code>FormsApp.ThemeService.ThemeChanged</code>"),
            std::string::npos)
      << card.substr(0, 2000);
  EXPECT_NE(card.find("growing type(s) in this leak</summary>"), std::string::npos);
}

TEST(Merge, UnionOfShardsInNameOrderAndOverlapIsAnError) {
  const json whole = test::forms_pair_report();
  json a = whole, b = whole;
  a["scenarios"] = json::array({whole["scenarios"][1]});
  b["scenarios"] = json::array({whole["scenarios"][0]});
  a["staleKnownLeaks"] = json::array({{{"scenario", "*"}, {"type", "X"}, {"reason", "r"}},
                                      {{"scenario", "forms"}, {"type", "Y"}, {"reason", "r"}}});
  b["staleKnownLeaks"] = json::array();
  a["seconds"] = 5.0;
  b["seconds"] = 7.0;
  const RunReport merged = merge_reports({{"/shard1", model(a)}, {"/shard2", model(b)}});
  ASSERT_EQ(merged.run.scenarios.size(), 2u);
  EXPECT_EQ(merged.run.scenarios[0].name, "forms");
  EXPECT_EQ(merged.run.scenarios[1].name, "forms-leak");
  EXPECT_EQ(merged.met(), 2);
  EXPECT_EQ(merged.run.seconds, 7.0);
  EXPECT_EQ(report_to_json(merged)["mergedFrom"], 2);
  // "*" was used by the second shard (it lists it as stale only in the first): not stale.
  ASSERT_EQ(merged.run.stale_known_leaks.size(), 1u);
  EXPECT_EQ(merged.run.stale_known_leaks[0].type, "Y");
  EXPECT_THROW(merge_reports({{"/shard1", model(a)}, {"/shard3", model(a)}}), InputError);
  // A shard that ran nothing (--shard 3/3 of two scenarios) used no entry: "*" stays stale.
  json empty = b;
  empty["scenarios"] = json::array();
  json a_only_star = a;
  a_only_star["staleKnownLeaks"] = json::array({a["staleKnownLeaks"][0]});
  json b_star = b;
  b_star["staleKnownLeaks"] = a_only_star["staleKnownLeaks"];
  const RunReport with_empty =
      merge_reports({{"/s1", model(a_only_star)}, {"/s2", model(b_star)}, {"/s3", model(empty)}});
  ASSERT_EQ(with_empty.run.stale_known_leaks.size(), 1u);
  EXPECT_EQ(with_empty.run.stale_known_leaks[0].scenario, "*");
}

}  // namespace
}  // namespace leakgate

namespace leakgate {
namespace {

TEST(Views, GarbageWaitingForAGcIsSaidInEveryView) {
  json report = test::forms_pair_report();
  json* leak = scenario(report, "forms-leak");
  leak->at("expected") = "pass";
  leak->at("met") = false;
  (*leak)["unreachable"] = json::array({{{"type", "App.Item"}, {"instances", 7}}});
  const RunReport r = model(report);
  for (const std::string& view : {render_markdown(r), render_junit(r), render_html(r)}) {
    EXPECT_NE(view.find("garbage waiting for a GC"), std::string::npos) << view.substr(0, 3000);
    EXPECT_NE(view.find("App.Item 7"), std::string::npos);
  }
}

}  // namespace
}  // namespace leakgate
