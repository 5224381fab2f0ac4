#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "report/html_report.h"
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
json forms_pair() { return json::parse(test::fixture("report/forms-pair.json")); }

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

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
  json report = forms_pair();
  std::string xml = render_junit(report);
  EXPECT_EQ(count(xml, "<testcase "), report["scenarios"].size());
  EXPECT_EQ(count(xml, "<failure"), 0u);  // the canary caught its leak: that is a pass
  EXPECT_EQ(xml.find("List<"), std::string::npos);

  scenario(report, "forms-leak")->at("expected") = "pass";
  scenario(report, "forms-leak")->at("met") = false;
  xml = render_junit(report);
  EXPECT_EQ(count(xml, "<failure"), 1u);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos);
  const auto failure = xml.substr(xml.find("<failure"));
  EXPECT_NE(failure.find("FormsApp.CustomerForm  instances"), std::string::npos);
  EXPECT_NE(failure.find("held by: static FormsApp.ThemeService.ThemeChanged"), std::string::npos);

  json* forms = scenario(report, "forms");
  (*forms)["verdict"] = "error";
  (*forms)["met"] = false;
  (*forms)["error"] = "scenario 'forms': the app exited with code 134 <core dumped>";
  xml = render_junit(report);
  EXPECT_NE(xml.find("errors=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<error type=\"error\" message=\"scenario &#39;forms&#39;"),
            std::string::npos);
}

TEST(Markdown, TableRowPerScenarioAndDetailsForFailures) {
  json report = forms_pair();
  std::string md = render_markdown(report);
  EXPECT_NE(md.find("✅ all 2 scenario(s) as expected"), std::string::npos) << md;
  EXPECT_EQ(count(md, "\n| ✅ |"), 2u) << md;
  // The canary list names the planted type, not a framework type that grew with it.
  EXPECT_NE(md.find("`forms-leak`: `FormsApp."), std::string::npos) << md;

  scenario(report, "forms")->at("met") = false;
  scenario(report, "forms")->at("verdict") = "leak";
  report["summary"]["unmet"] = 1;
  md = render_markdown(report);
  EXPECT_NE(md.find("❌ 1 of 2 scenario(s) failed"), std::string::npos) << md;
  EXPECT_NE(md.find("### ❌ `forms`: leak"), std::string::npos) << md;
}

// A failing scenario with thousands of findings of long generic type names, each with a path.
json huge_failure() {
  json report = forms_pair();
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
  const std::string md = render_markdown(huge_failure());
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
  const std::string xml = render_junit(huge_failure());
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
  json f = {{"type", "System.String"}, {"metric", "instances"},    {"rule", "baseline"},
            {"warmup", 2869},          {"actual", 2869},           {"baseline", 2812},
            {"limit", 2868},           {"overLimitAtWarmup", true}};
  EXPECT_NE(describe_finding(f).find("over it from the warm-up checkpoint on (2869)"),
            std::string::npos)
      << describe_finding(f);
  f["overLimitAtWarmup"] = false;
  f["warmup"] = 2800;
  EXPECT_NE(describe_finding(f).find("crossed it during the run (warm-up 2800)"), std::string::npos)
      << describe_finding(f);
  f.erase("overLimitAtWarmup");  // a report written before the key existed
  EXPECT_EQ(describe_finding(f).find("warm-up"), std::string::npos) << describe_finding(f);
}

TEST(Html, SelfContainedEscapedAndChartsPerFinding) {
  const json report = forms_pair();
  const std::string html = render_html(report);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("List<FormsApp"), std::string::npos);
  EXPECT_NE(html.find("List&lt;FormsApp.Control&gt;"), std::string::npos);
  const json& leak = *std::find_if(report["scenarios"].begin(), report["scenarios"].end(),
                                   [](const json& s) { return s["name"] == "forms-leak"; });
  const std::size_t charted = std::min<std::size_t>(leak["findings"].size(), 8);
  // A chart per charted finding, and a memory chart per scenario.
  EXPECT_EQ(count(html, "<svg "), charted + report["scenarios"].size());
  EXPECT_NE(html.find("FormsApp.CustomerForm (instances)"), std::string::npos);
}

TEST(Merge, UnionOfShardsInNameOrderAndOverlapIsAnError) {
  const json whole = forms_pair();
  json a = whole, b = whole;
  a["scenarios"] = json::array({whole["scenarios"][1]});
  b["scenarios"] = json::array({whole["scenarios"][0]});
  a["staleKnownLeaks"] = json::array({{{"scenario", "*"}, {"type", "X"}, {"reason", "r"}},
                                      {{"scenario", "forms"}, {"type", "Y"}, {"reason", "r"}}});
  b["staleKnownLeaks"] = json::array();
  a["seconds"] = 5.0;
  b["seconds"] = 7.0;
  const json merged = merge_reports({{"/shard1", a}, {"/shard2", b}});
  ASSERT_EQ(merged["scenarios"].size(), 2u);
  EXPECT_EQ(merged["scenarios"][0]["name"], "forms");
  EXPECT_EQ(merged["scenarios"][1]["name"], "forms-leak");
  EXPECT_EQ(merged["summary"]["met"], 2);
  EXPECT_EQ(merged["seconds"], 7.0);
  // "*" was used by the second shard (it lists it as stale only in the first): not stale.
  ASSERT_EQ(merged["staleKnownLeaks"].size(), 1u);
  EXPECT_EQ(merged["staleKnownLeaks"][0]["type"], "Y");
  EXPECT_THROW(merge_reports({{"/shard1", a}, {"/shard3", a}}), InputError);
  // A shard that ran nothing (--shard 3/3 of two scenarios) used no entry: "*" stays stale.
  json empty = b;
  empty["scenarios"] = json::array();
  json a_only_star = a;
  a_only_star["staleKnownLeaks"] = json::array({a["staleKnownLeaks"][0]});
  json b_star = b;
  b_star["staleKnownLeaks"] = a_only_star["staleKnownLeaks"];
  const json with_empty = merge_reports({{"/s1", a_only_star}, {"/s2", b_star}, {"/s3", empty}});
  ASSERT_EQ(with_empty["staleKnownLeaks"].size(), 1u);
  EXPECT_EQ(with_empty["staleKnownLeaks"][0]["scenario"], "*");
}

}  // namespace
}  // namespace leakgate
