// End-to-end tests of the report views: JUnit read by an independent reader, the HTML page in a
// real headless Chromium, shards merged.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "common/text_lines.h"
#include "e2e/e2e_support.h"

namespace leakgate::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

std::string bundled(const char* what) { return (source_dir() / what).string(); }

// The value of attribute `name` on the <body> of a DOM dump; empty when absent.
std::string body_attribute(const std::string& dom, const std::string& name) {
  const auto body = dom.find("<body");
  if (body == std::string::npos) return "";
  const auto end = dom.find('>', body);
  const std::string tag = dom.substr(body, end - body);
  const auto at = tag.find(name + "=\"");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 2;
  return tag.substr(start, tag.find('"', start) - start);
}

SpawnSpec chromium(const Workspace& ws, std::vector<std::string> extra, const fs::path& page) {
  SpawnSpec spec;
  spec.argv = {"chromium",
               "--headless",
               "--no-sandbox",
               "--disable-gpu",
               "--disable-background-networking",
               "--disable-dev-shm-usage",
               "--no-first-run",
               "--hide-scrollbars",
               "--enable-logging=stderr",
               "--v=0",
               "--user-data-dir=" + (ws.tmp() / "chromium-profile").string()};
  spec.argv.insert(spec.argv.end(), extra.begin(), extra.end());
  spec.argv.push_back("file://" + page.string());
  return spec;
}

TEST(Reports, EveryViewIsWrittenAndJunitPassesAnIndependentReader) {
  Workspace ws;
  SpawnSpec spec =
      ws.leakgate_spec({"run", "--verbose", "--scenarios-dir", bundled("scenarios"),
                        "--baselines-dir", bundled("baselines"), "--report-dir",
                        ws.reports().string(), "--scenario", "forms", "--scenario", "forms-leak"});
  const fs::path step_summary = ws.root() / "step-summary.md";
  ws.write("step-summary.md", "earlier step\n");
  spec.env["GITHUB_STEP_SUMMARY"] = step_summary.string();
  const ToolRun run = run_to_completion(spec, Deadline(10min));
  ASSERT_EQ(run.status.value, 0) << run.out << run.err;
  for (const char* file : {"report.json", "junit.xml", "summary.md", "index.html"}) {
    EXPECT_TRUE(fs::exists(ws.reports() / file)) << file;
  }
  // The summary is appended to the CI step summary, after what was there.
  EXPECT_EQ(read(step_summary), "earlier step\n" + read(ws.reports() / "summary.md") + "\n");
  // --verbose shows every tool command; not a terminal: no colour, no redrawing.
  EXPECT_NE(run.err.find("leakgate: $ "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("dotnet-dump"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("\033["), std::string::npos);
  EXPECT_EQ(run.err.find("\033["), std::string::npos);
  // junitparser (Debian's python3-junitparser), not our own reading of what we wrote.
  SpawnSpec check;
  check.argv = {"/usr/bin/python3", "-c",
                "import sys, junitparser\n"
                "xml = junitparser.JUnitXml.fromfile(sys.argv[1])\n"
                "for suite in xml:\n"
                "    print('suite', suite.name, suite.tests, suite.failures, suite.errors)\n"
                "    for case in suite:\n"
                "        print('case', case.name, len(case.result), case.time > 0)\n",
                (ws.reports() / "junit.xml").string()};
  const ToolRun reader = run_to_completion(check, Deadline(60s));
  ASSERT_EQ(reader.status.value, 0) << reader.err;
  EXPECT_NE(reader.out.find("suite leakgate 2 0 0"), std::string::npos) << reader.out;
  EXPECT_NE(reader.out.find("case forms 0 True"), std::string::npos) << reader.out;
  EXPECT_NE(reader.out.find("case forms-leak 0 True"), std::string::npos) << reader.out;

  // A scenario that misses its expectation is a failure the reader sees, with its findings.
  ws.add_forms_scenario("forms-leak-as-pass", "leak", "pass", 10);
  const ToolRun failing = ws.leakgate(dirs_of(ws, {"run"}, ws.root() / "failing"));
  ASSERT_EQ(failing.status.value, 1) << failing.out << failing.err;
  check.argv.back() = (ws.root() / "failing" / "junit.xml").string();
  check.argv[2] =
      "import sys, junitparser\n"
      "for suite in junitparser.JUnitXml.fromfile(sys.argv[1]):\n"
      "    for case in suite:\n"
      "        for r in case.result:\n"
      "            print(type(r).__name__, r.message)\n"
      "            print(r.text)\n";
  const ToolRun failure = run_to_completion(check, Deadline(60s));
  ASSERT_EQ(failure.status.value, 0) << failure.err;
  EXPECT_NE(failure.out.find("Failure forms-leak-as-pass: leak"), std::string::npos) << failure.out;
  // The leak, with its path and suspect reference, instead of one line per growing type.
  EXPECT_NE(failure.out.find("leak: FormsApp.CustomerForm  +1.00/iteration"), std::string::npos)
      << failure.out;
  EXPECT_NE(failure.out.find("suspect reference: "), std::string::npos) << failure.out;
  const std::string md = read(ws.root() / "failing" / "summary.md");
  EXPECT_NE(md.find("### ❌ `forms-leak-as-pass`: leak"), std::string::npos) << md;
  EXPECT_NE(md.find("**Leak: `FormsApp.CustomerForm`**"), std::string::npos) << md;
}

TEST(Reports, HtmlOpensInHeadlessChromiumWithItsChartsDrawn) {
  Workspace ws;
  const ToolRun run = ws.leakgate({"run", "--scenarios-dir", bundled("scenarios"),
                                   "--baselines-dir", bundled("baselines"), "--report-dir",
                                   ws.reports().string(), "--scenario", "forms-leak"});
  ASSERT_EQ(run.status.value, 0) << run.out << run.err;
  const fs::path page = ws.reports() / "index.html";

  const ToolRun dom = run_to_completion(chromium(ws, {"--dump-dom"}, page), Deadline(120s));
  ASSERT_EQ(dom.status.value, 0) << "is Debian's chromium installed (scripts/test.sh does)?\n"
                                 << dom.err;
  const std::string charts = body_attribute(dom.out, "data-charts");
  ASSERT_FALSE(charts.empty()) << "the page's check did not run";
  EXPECT_GE(std::stoi(charts), 2);
  EXPECT_EQ(body_attribute(dom.out, "data-charts-drawn"), charts);
  EXPECT_EQ(body_attribute(dom.out, "data-first-chart"), "FormsApp.CustomerForm (instances)");
  // The leak as a card: its chain drawn with exactly one suspect reference.
  EXPECT_EQ(body_attribute(dom.out, "data-leak-cards"), "1");
  EXPECT_EQ(body_attribute(dom.out, "data-leak-cards-drawn"), "1");
  EXPECT_EQ(body_attribute(dom.out, "data-first-leak"), "FormsApp.CustomerForm");
  // No console message at all: no error, no blocked request (the page loads nothing).
  EXPECT_EQ(dom.err.find(":CONSOLE"), std::string::npos) << dom.err;

  // The screenshot, kept in the test output, holds the leak card of forms-leak with its chart.
  const int height = 2400;
  const int chart_bottom = std::stoi(body_attribute(dom.out, "data-first-chart-bottom"));
  EXPECT_LT(chart_bottom, height);
  EXPECT_LT(std::stoi(body_attribute(dom.out, "data-first-leak-bottom")), height);
  const fs::path shots = fs::path(LEAKGATE_TEST_OUTPUT_DIR);
  fs::create_directories(shots);
  const fs::path shot = shots / "forms-leak-report.png";
  fs::remove(shot);
  const ToolRun screenshot = run_to_completion(
      chromium(ws,
               {"--window-size=1280," + std::to_string(height), "--screenshot=" + shot.string()},
               page),
      Deadline(120s));
  ASSERT_EQ(screenshot.status.value, 0) << screenshot.err;
  ASSERT_TRUE(fs::exists(shot));
  const std::string png = read(shot);
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  // IHDR: width and height, big-endian, at bytes 16 and 20.
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) |
           (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  EXPECT_EQ(be32(16), 1280);
  EXPECT_EQ(be32(20), height);
  EXPECT_TRUE(ws.leftovers().empty());
}

// A service with three leaks that fails its gate: every view within its bounds, the Markdown
// rendered by a CommonMark renderer (Debian's cmark), the three leak cards drawn in Chromium.
TEST(Reports, AThreeLeakServiceFitsEveryViewAndRenders) {
  Workspace ws;
  json manifest = json::parse(read(source_dir() / "scenarios/web-three-leaks/scenario.json"));
  manifest["expect"] = "pass";
  manifest.erase("expectFindings");
  manifest["launch"]["argv"][1] = app_dll("WebApp").string();
  ws.write("scenarios/three-leaks-as-pass/scenario.json", manifest.dump(2));
  const ToolRun run = ws.leakgate(dirs_of(ws, {"run"}));
  ASSERT_EQ(run.status.value, 1) << output_of(run);
  const json report = ws.report();
  const json& s = report.at("scenarios").at(0);
  ASSERT_EQ(s.at("leaks").size(), 3u) << s.at("leaks").dump(1);
  std::map<std::string, std::string> roots;
  for (const auto& leak : s.at("leaks")) roots[leak.at("head")] = leak.at("root").at("name");
  EXPECT_EQ(roots["QuoteView"], "PriceFeed.PriceChanged");
  EXPECT_EQ(roots["RequestContext"], "RequestAudit.Kept");
  EXPECT_EQ(roots["OrderSnapshot"], "OrdersController.SnapshotCache");

  // summary.md: within a pull-request comment, no line over 300 characters, the three leaks.
  const std::string md = read(ws.reports() / "summary.md");
  EXPECT_LE(md.size(), 60'000u);
  for (const auto& line : text::split_lines(md)) EXPECT_LE(line.size(), 300u) << line;
  SpawnSpec cmark;
  cmark.argv = {"cmark", "--unsafe", (ws.reports() / "summary.md").string()};
  const ToolRun html = run_to_completion(cmark, Deadline(60s));
  ASSERT_EQ(html.status.value, 0) << "is Debian's cmark installed (scripts/test.sh does)?\n"
                                  << html.err;
  std::size_t leaks = 0, pre = 0, pre_end = 0;
  for (auto at = html.out.find("<strong>Leak: <code>"); at != std::string::npos;
       at = html.out.find("<strong>Leak: <code>", at + 1)) {
    ++leaks;
  }
  for (auto at = html.out.find("<pre>"); at != std::string::npos;
       at = html.out.find("<pre>", at + 1))
    ++pre;
  for (auto at = html.out.find("</pre>"); at != std::string::npos;
       at = html.out.find("</pre>", at + 1)) {
    ++pre_end;
  }
  EXPECT_EQ(leaks, 3u) << html.out;
  EXPECT_GE(pre, 3u) << html.out;  // each leak's chain is a code block, closed
  EXPECT_EQ(pre, pre_end) << html.out;
  EXPECT_EQ(html.out.find("```"), std::string::npos) << "a fence rendered as text:\n" << html.out;

  // JUnit: the failure's text within 8 KB, the three leaks in it.
  const std::string xml = read(ws.reports() / "junit.xml");
  const auto from = xml.find('>', xml.find("<failure")) + 1;
  const auto to = xml.find("</failure>");
  ASSERT_NE(to, std::string::npos) << xml;
  EXPECT_LE(to - from, 8u * 1024);
  const std::string failure = xml.substr(from, to - from);
  for (const char* head : {"leak: QuoteView", "leak: RequestContext", "leak: OrderSnapshot"}) {
    EXPECT_NE(failure.find(head), std::string::npos) << head << "\n" << failure;
  }

  // index.html: three cards, each chain drawn with its one suspect reference; a screenshot.
  const fs::path page = ws.reports() / "index.html";
  const ToolRun dom = run_to_completion(chromium(ws, {"--dump-dom"}, page), Deadline(120s));
  ASSERT_EQ(dom.status.value, 0) << dom.err;
  EXPECT_EQ(body_attribute(dom.out, "data-leak-cards"), "3");
  EXPECT_EQ(body_attribute(dom.out, "data-leak-cards-drawn"), "3");
  const fs::path shot = fs::path(LEAKGATE_TEST_OUTPUT_DIR) / "web-three-leaks-report.png";
  fs::create_directories(shot.parent_path());
  fs::remove(shot);
  const ToolRun screenshot = run_to_completion(
      chromium(ws, {"--window-size=1280,3200", "--screenshot=" + shot.string()}, page),
      Deadline(120s));
  ASSERT_EQ(screenshot.status.value, 0) << screenshot.err;
  EXPECT_TRUE(fs::exists(shot));
  EXPECT_TRUE(ws.leftovers().empty());
}

std::map<std::string, std::string> verdicts(const json& report) {
  std::map<std::string, std::string> out;
  for (const auto& s : report.at("scenarios")) {
    out[s.at("name").get<std::string>()] =
        s.at("verdict").get<std::string>() + (s.at("met").get<bool>() ? " met" : " unmet");
  }
  return out;
}

json read_report(const fs::path& dir) { return json::parse(read(dir / "report.json")); }

TEST(Reports, ShardsMergedAndParallelJobsGiveTheVerdictsOfOneRun) {
  Workspace ws;
  ws.add_forms_scenario("forms", "correct", "pass", 10);
  ws.add_forms_scenario("forms-leak", "leak", "leak", 10);
  ws.add_forms_scenario("forms-leak-as-pass", "leak", "pass", 10);  // fails the run
  ws.add_native_scenario("native", "correct", "pass", 10);
  ws.add_native_scenario("native-leak", "leak", "leak", 10);
  const auto run = [&](const std::string& dir, std::vector<std::string> extra) {
    extra.insert(extra.begin(), "run");
    return ws.leakgate(dirs_of(ws, extra, ws.root() / dir));
  };
  const ToolRun whole = run("whole", {});
  ASSERT_EQ(whole.status.value, 1) << whole.out << whole.err;
  const auto expected = verdicts(read_report(ws.root() / "whole"));
  ASSERT_EQ(expected.size(), 5u);

  const ToolRun first = run("shard1", {"--shard", "1/2"});
  const ToolRun second = run("shard2", {"--shard", "2/2"});
  const auto one = verdicts(read_report(ws.root() / "shard1"));
  const auto two = verdicts(read_report(ws.root() / "shard2"));
  EXPECT_EQ(one.size(), 3u);  // round-robin over the names: 3 + 2
  EXPECT_EQ(two.size(), 2u);
  for (const auto& [name, v] : one) EXPECT_EQ(two.count(name), 0u) << name << " in both shards";

  const ToolRun merge =
      ws.leakgate({"report", "merge", "--out", (ws.root() / "merged").string(),
                   (ws.root() / "shard1").string(), (ws.root() / "shard2").string()});
  EXPECT_EQ(merge.status.value, 1) << "the merge exits as the whole run did\n"
                                   << merge.out << merge.err;
  const json merged = read_report(ws.root() / "merged");
  EXPECT_EQ(verdicts(merged), expected);
  EXPECT_EQ(merged.at("summary").at("exitCode"), 1);
  for (const char* file : {"junit.xml", "summary.md", "index.html"}) {
    EXPECT_TRUE(fs::exists(ws.root() / "merged" / file)) << file;
  }
  // The raw output came along.
  EXPECT_TRUE(fs::exists(ws.root() / "merged" / "forms-leak" / "final.engine-heapstat.json"));
  EXPECT_EQ(ws.leakgate({"report", "merge", "--out", (ws.root() / "twice").string(),
                         (ws.root() / "shard1").string(), (ws.root() / "shard1").string()})
                .status.value,
            2);

  const ToolRun parallel = run("parallel", {"--jobs", "2"});
  EXPECT_EQ(parallel.status.value, 1) << parallel.out << parallel.err;
  EXPECT_EQ(verdicts(read_report(ws.root() / "parallel")), expected);
  EXPECT_TRUE(ws.leftovers().empty());
}

TEST(Reports, KeepDumpsOnFailureKeepsOnlyTheFailingScenariosDumpsWithinTheCap) {
  Workspace ws;
  ws.add_forms_scenario("forms", "correct", "pass", 5);
  ws.add_forms_scenario("forms-leak-as-pass", "leak", "pass", 5);
  const auto run = [&](const std::string& dir, std::vector<std::string> extra) {
    extra.insert(extra.begin(), "run");
    return ws.leakgate(dirs_of(ws, extra, ws.root() / dir));
  };
  ASSERT_EQ(run("kept", {"--keep-dumps=on-failure"}).status.value, 1);
  const json report = read_report(ws.root() / "kept");
  const json* failing = find_scenario(report, "forms-leak-as-pass");
  const json* passing = find_scenario(report, "forms");
  ASSERT_NE(failing, nullptr);
  ASSERT_NE(passing, nullptr);
  EXPECT_TRUE(passing->at("keptDumps").empty());
  ASSERT_EQ(failing->at("keptDumps").size(), failing->at("checkpoints").size());
  for (const auto& d : failing->at("keptDumps")) {
    const fs::path path = d.at("path").get<std::string>();
    EXPECT_TRUE(fs::exists(path)) << path;
    EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(d.at("open"), "dotnet-dump analyze " + text::shell_quote(path.string()));
  }
  EXPECT_TRUE(fs::directory_iterator(ws.root() / "kept" / "forms") != fs::directory_iterator());
  for (const auto& e : fs::directory_iterator(ws.root() / "kept" / "forms")) {
    EXPECT_NE(e.path().extension(), ".dmp") << e.path();
  }
  // A cap below one dump keeps none, and says so.
  ASSERT_EQ(run("capped", {"--keep-dumps", "--keep-dumps-max-mb", "1"}).status.value, 1);
  const json capped = read_report(ws.root() / "capped");
  EXPECT_TRUE(find_scenario(capped, "forms-leak-as-pass")->at("keptDumps").empty());
  EXPECT_NE(find_scenario(capped, "forms")->at("notes").dump().find("--keep-dumps-max-mb"),
            std::string::npos);
  EXPECT_TRUE(ws.leftovers().empty());
}

}  // namespace
}  // namespace leakgate::e2e
