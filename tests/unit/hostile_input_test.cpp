// Regression tests for inputs that once destroyed data, crashed leakgate or hid a result (see
// docs/reliability.md); the end-to-end fault matrix checks the same through the real binary.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "common/text_lines.h"
#include "process/child_process.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/markdown_report.h"
#include "report/merge.h"
#include "report/report_views.h"
#include "scenario/loopback_url.h"
#include "scenario/manifest.h"
#include "scenario/output_pattern.h"
#include "unit/test_support.h"

namespace leakgate {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

SpawnSpec shell(const std::string& script) {
  SpawnSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  return spec;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// ---- text --------------------------------------------------------------------------------------

TEST(Hostile, ShellQuotingSurvivesQuotesInPaths) {
  EXPECT_EQ(text::shell_quote("/tmp/a.dmp"), "/tmp/a.dmp");
  EXPECT_EQ(text::shell_quote("/tmp/it's here.dmp"), "'/tmp/it'\\''s here.dmp'");
  EXPECT_EQ(text::shell_quote(""), "''");
  // The shell gives back exactly the path, and runs nothing.
  const std::string path = "/tmp/x'; touch /tmp/leakgate-pwned; echo '";
  ToolRun run = run_to_completion(shell("printf %s " + text::shell_quote(path)), Deadline(10s));
  EXPECT_EQ(run.out, path);
  EXPECT_FALSE(fs::exists("/tmp/leakgate-pwned"));
  EXPECT_EQ(open_dump_command(path), "dotnet-dump analyze " + text::shell_quote(path));
}

TEST(Hostile, InvalidUtf8IsReplacedNotFatal) {
  EXPECT_EQ(text::valid_utf8("plain"), "plain");
  EXPECT_EQ(text::valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(text::valid_utf8("a\xFF"
                             "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(text::valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong
  EXPECT_EQ(text::valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(text::valid_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // truncated
  const json doc = {{"error", "app said \xFF\xFE"}, {"k\x80", {"\xC3"}}};
  EXPECT_THROW((void)doc.dump(), json::type_error);  // what used to abort the whole report
  const json clean = with_valid_utf8(doc);
  EXPECT_NO_THROW((void)clean.dump());
  EXPECT_EQ(clean["error"], "app said \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_NO_THROW((void)dump_json(doc));
}

// ---- JSON inputs -------------------------------------------------------------------------------

TEST(Hostile, HugeIntegersAreOutOfRangeNotWrapped) {
  const json doc = json::parse(R"({"n": 18446744073709551615})");
  JsonObjectReader r(doc, "m.json", "");
  const std::string message = message_of([&] { (void)r.integer("n", 1, 1000000); });
  EXPECT_NE(message.find("18446744073709551615 is out of range"), std::string::npos) << message;
  EXPECT_EQ(message.find("-1"), std::string::npos) << message;
}

TEST(Hostile, DirectoryWhereAFileShouldBeIsNamedAsSuch) {
  test::ScratchDir dir;
  fs::create_directories(dir.path() / "forms.json");
  const std::string message =
      message_of([&] { (void)read_json_file((dir.path() / "forms.json").string()); });
  EXPECT_NE(message.find("is a directory"), std::string::npos) << message;
  EXPECT_EQ(message.find("invalid JSON"), std::string::npos) << message;
}

TEST(Hostile, DeepNestingIsRefused) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string message = message_of([&] { (void)parse_json_text(deep, "deep.json"); });
  EXPECT_NE(message.find("nested more than"), std::string::npos) << message;
}

// ---- manifests ---------------------------------------------------------------------------------

json manifest_with(const json& iteration_step) {
  return {{"expect", "pass"},
          {"launch", {{"argv", {"/bin/true"}}, {"protocol", false}, {"cwd", "/"}}},
          {"iteration", {iteration_step}},
          {"iterations", 1}};
}

std::string manifest_error(const json& doc) {
  return message_of([&] { (void)parse_manifest(doc, "/tmp/hostile-scenario"); });
}

TEST(Hostile, InvalidPatternIsAManifestError) {
  const std::string message =
      manifest_error(manifest_with({{"waitForOutput", {{"pattern", "(unclosed"}}}}));
  EXPECT_NE(message.find("/iteration/0/waitForOutput/pattern"), std::string::npos) << message;
}

TEST(Hostile, CatastrophicPatternsMatchInBoundedStackAndTime) {
  std::string error;
  std::string output(std::size_t{60} * 1024, 'x');
  for (std::size_t i = 0; i < output.size(); i += 80) output[i] = '\n';
  for (const char* pattern :
       {R"([\s\S]*Now listening)", R"((.|\n)*Now listening)", R"((x+x+)+y)"}) {
    const auto p = OutputPattern::compile(pattern, error);
    ASSERT_NE(p, nullptr) << pattern << ": " << error;
    EXPECT_FALSE(p->search(output)) << pattern;
    EXPECT_TRUE(p->search(output + "\nNow listening on: http://127.0.0.1:5000\nxxy")) << pattern;
  }
}

TEST(Hostile, HttpStepsReachOnlyLiteralLoopbackAddresses) {
  std::string error;
  for (const char* bad :
       {"http://127.0.0.1.example.com/", "http://evil.com/", "http://127.0.0.1@evil.com/",
        "http://user@127.0.0.1/", "https://127.0.0.1/", "http://0x7f000001/", "http://127.1/",
        "http://[::2]:80/", "http://127.0.0.1:99999/", "http://127.0.0.1 /", "ftp://127.0.0.1/",
        "http://localhost.evil.com/"}) {
    EXPECT_FALSE(parse_loopback_url(bad, error).has_value()) << bad;
    EXPECT_NE(
        manifest_error(manifest_with({{"http", {{"url", bad}}}})).find("/iteration/0/http/url"),
        std::string::npos)
        << bad;
  }
  const auto local = parse_loopback_url("http://LocalHost:5000/orders?id=1", error);
  ASSERT_TRUE(local.has_value()) << error;
  EXPECT_EQ(local->address, "127.0.0.1");  // never resolved by name
  EXPECT_EQ(local->port, 5000);
  EXPECT_EQ(local->target, "/orders?id=1");
  EXPECT_EQ(parse_loopback_url("http://127.3.2.1", error)->target, "/");
  EXPECT_EQ(parse_loopback_url("http://[::1]:8080/x", error)->address, "::1");
}

TEST(Hostile, MissingWorkingFolderIsBlamedOnLaunchCwd) {
  json doc = manifest_with({{"exec", {{"argv", {"/bin/true"}}}}});
  doc["launch"]["cwd"] = "/nonexistent/folder";
  const std::string message = manifest_error(doc);
  EXPECT_NE(message.find("/launch/cwd"), std::string::npos) << message;
}

// ---- merge inputs ------------------------------------------------------------------------------

TEST(Hostile, MergeInputPathsMustStayInsideTheirFolder) {
  test::ScratchDir dir;
  const fs::path shard = dir.path() / "shard";
  fs::create_directories(shard);
  fs::create_directories(dir.path() / "precious");
  fs::create_symlink(dir.path() / "precious", shard / "link");
  for (const std::string& raw : std::vector<std::string>{
           "../precious", (dir.path() / "precious").string(), "a/../../precious", "link", "."}) {
    const json doc = {{"schemaVersion", 1}, {"scenarios", {{{"name", "a"}, {"rawOutput", raw}}}}};
    const std::string message = message_of([&] { (void)parse_shard_report(doc, shard); });
    EXPECT_NE(message.find("/scenarios/0/rawOutput"), std::string::npos) << raw << ": " << message;
  }
  const json dump = {{"schemaVersion", 1},
                     {"scenarios", {{{"name", "a"}, {"keptDumps", {{{"path", "/x/.."}}}}}}}};
  EXPECT_NE(message_of([&] { (void)parse_shard_report(dump, shard); }).find("/keptDumps/0/path"),
            std::string::npos);
  // Wrong types are input errors, not an internal error halfway through the merge.
  for (const json& bad :
       {json{{"schemaVersion", 1}, {"scenarios", {{{"name", 5}}}}},
        json{{"schemaVersion", 1}, {"scenarios", {{{"name", "a"}, {"findings", 3}}}}},
        json{{"schemaVersion", 1}, {"tools", {{"x", 5}}}, {"scenarios", json::array()}},
        json{{"schemaVersion", "1"}, {"scenarios", json::array()}}}) {
    EXPECT_THROW((void)parse_shard_report(bad, shard), InputError) << bad.dump();
  }
  EXPECT_TRUE(fs::exists(dir.path() / "precious"));
}

// ---- report views ------------------------------------------------------------------------------

json report_with_error(const std::string& name, const std::string& error) {
  return {{"schemaVersion", 1},
          {"summary", {{"scenarios", 1}, {"met", 0}, {"unmet", 1}, {"errors", 1}, {"exitCode", 3}}},
          {"scenarios",
           {{{"name", name},
             {"expected", "pass"},
             {"verdict", "error"},
             {"met", false},
             {"error", error},
             {"rawOutput", name},
             {"notes", {"see ![x](http://evil/x.png)"}},
             {"checkpoints", {{{"raw", {{{"path", "sos.txt"}}}}}}}}}}};
}

TEST(Hostile, UntrustedTextCannotEndItsMarkdownBlock) {
  const std::string hostile = "boom\n```\n![x](http://evil/x.png)\n# Heading\n``````\n";
  const std::string md =
      render_markdown(report_from_json(report_with_error("a`b", hostile), "report.json"));
  // The fence that opens the error is longer than any backtick run inside it.
  const auto open = md.find("```````\nboom");
  ASSERT_NE(open, std::string::npos) << md;
  EXPECT_NE(md.find("\n```````\n", open + 8), std::string::npos) << md;
  EXPECT_EQ(md.find("see ![x]"), std::string::npos) << md;  // the note's image is escaped
  EXPECT_NE(md.find("see \\!\\[x\\]"), std::string::npos) << md;
  EXPECT_NE(md.find("``a`b``"), std::string::npos) << md;  // a name with a backtick stays code
}

TEST(Hostile, HtmlLinksStayInsideTheReportAndNoInlineScriptRuns) {
  for (const char* name : {"javascript:alert(1)", "../../etc", "/etc", "a\\b"}) {
    const std::string html =
        render_html(report_from_json(report_with_error(name, "x"), "report.json"));
    EXPECT_EQ(html.find("href=\"javascript:"), std::string::npos) << html;
    EXPECT_EQ(html.find("href=\"/"), std::string::npos) << name;
    EXPECT_EQ(html.find("href=\"../"), std::string::npos) << name;
    EXPECT_EQ(html.find("'unsafe-inline'; img"), std::string::npos);
    const auto csp = html.find("script-src");
    ASSERT_NE(csp, std::string::npos);
    EXPECT_EQ(html.substr(csp, 30).find("unsafe-inline"), std::string::npos)
        << html.substr(csp, 60);
  }
  const std::string ok =
      render_html(report_from_json(report_with_error("forms leak", "x"), "report.json"));
  EXPECT_NE(ok.find("href=\"./forms%20leak/sos.txt\""), std::string::npos) << ok;
}

// ---- baselines: all or nothing -----------------------------------------------------------------

TEST(Hostile, ABatchOfFilesIsWrittenWhollyOrNotAtAll) {
  test::ScratchDir dir;
  test::write_file(dir.path() / "a.json", "old a");
  test::write_file(dir.path() / "b.json", "old b");
  fs::create_directories(dir.path() / "c.json");  // renaming over a folder fails
  test::write_file(dir.path() / "c.json" / "keep", "x");
  const std::vector<FileContent> files = {{dir.path() / "a.json", "new a"},
                                          {dir.path() / "b.json", "new b"},
                                          {dir.path() / "new.json", "new"},
                                          {dir.path() / "c.json", "new c"}};
  EXPECT_THROW(write_files_atomically(files), ToolError);
  EXPECT_EQ(test::read_file(dir.path() / "a.json"), "old a");
  EXPECT_EQ(test::read_file(dir.path() / "b.json"), "old b");
  EXPECT_FALSE(fs::exists(dir.path() / "new.json"));
  // An interrupt after the renames rolls them back too.
  EXPECT_THROW(write_files_atomically({files[0], files[2]}, {}, [] { throw InterruptedError(); }),
               InterruptedError);
  EXPECT_EQ(test::read_file(dir.path() / "a.json"), "old a");
  EXPECT_FALSE(fs::exists(dir.path() / "new.json"));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 3u);  // no temporary file left
  write_files_atomically({files[0], files[2]});
  EXPECT_EQ(test::read_file(dir.path() / "a.json"), "new a");
  EXPECT_EQ(test::read_file(dir.path() / "new.json"), "new");
}

// ---- child processes ---------------------------------------------------------------------------

bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

TEST(Hostile, DescendantsThatLeaveTheGroupAreKilledToo) {
  test::ScratchDir dir;
  const fs::path pids = dir.path() / "pids";
  {
    // One escapes with setsid, one by a double fork (reparented), both print their pid.
    ChildProcess child(shell("setsid sh -c 'echo $$ >> " + pids.string() +
                             "; exec sleep 600' & (sh -c 'echo $$ >> " + pids.string() +
                             "; exec sleep 600' &) ; exec sleep 600"));
    const Deadline deadline(20s);
    const auto lines = [&] {
      const std::string text = test::read_file_or_empty(pids);
      return std::count(text.begin(), text.end(), '\n');
    };
    while (lines() < 2 && !deadline.expired()) {
      std::this_thread::sleep_for(10ms);
    }
  }
  std::istringstream in(test::read_file_or_empty(pids));
  int found = 0;
  for (pid_t pid = 0; in >> pid; ++found) EXPECT_FALSE(alive(pid)) << pid;
  EXPECT_EQ(found, 2);
}

TEST(Hostile, AFloodOfOutputKeepsTheLogWithinItsLimit) {
  test::ScratchDir dir;
  SpawnSpec spec = shell("echo first; head -c 5000000 /dev/zero | tr '\\0' y; echo; echo last");
  spec.stdout_log = dir.path() / "out.log";
  spec.log_limit_bytes = 100000;
  spec.stdout_lines = true;
  spec.line_prefix = "@leakgate ";
  spec.keep_bytes = 4096;
  ChildProcess child(spec);
  ASSERT_TRUE(child.wait(Deadline(60s)).has_value());
  child.drain(Deadline(30s));
  const LogStats stats = child.stdout_log_stats();
  const std::string log = test::read_file(dir.path() / "out.log");
  EXPECT_LE(log.size(), 100000u);
  EXPECT_TRUE(log.starts_with("first\n"));
  EXPECT_TRUE(log.ends_with("\nlast\n"));
  EXPECT_NE(log.find("bytes dropped here"), std::string::npos);
  EXPECT_EQ(stats.total_bytes, 5000000u + 12u);
  EXPECT_GE(stats.dropped_bytes, stats.total_bytes - 100000u);
  EXPECT_LE(stats.dropped_bytes, stats.total_bytes - 100000u + 128u);
  std::string line;
  EXPECT_EQ(child.next_line(line, Deadline(1s)), ChildProcess::LineStatus::kEnd);  // none queued
}

}  // namespace
}  // namespace leakgate
