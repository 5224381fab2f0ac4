// The heap engine's replies: parsed from real engine output (tests/fixtures/engine/, captured by
// tests/fixtures/capture-engine.sh), and checked against SOS's output on the very same dump.
#include "collect/engine_protocol.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "collect/retention_grouping.h"
#include "collect/sos_parsers.h"
#include "common/errors.h"
#include "common/text_lines.h"
#include "test_support.h"

namespace leakgate {
namespace {

// Line `n` (0: the hello) of a captured engine session.
std::string engine_line(const std::string& name, std::size_t n) {
  const std::string text = test::fixture("engine/" + name + ".engine.jsonl");
  const auto lines = text::split_lines(text);
  if (n >= lines.size()) return "";
  return std::string(lines[n]);
}

class EngineAgreesWithSos : public ::testing::TestWithParam<const char*> {};

TEST_P(EngineAgreesWithSos, EveryRowAndTheGcTotalsOfOneDump) {
  const std::string name = GetParam();
  const engine::Reply open = engine::parse_reply(engine_line(name, 1));
  ASSERT_TRUE(open.ok) << open.error_message;
  EXPECT_EQ(open.body.at("mode"), "dump");
  const engine::Reply reply = engine::parse_reply(engine_line(name, 2));
  ASSERT_TRUE(reply.ok) << reply.error_message;
  const engine::HeapStatReply stats = engine::parse_heapstat(reply.body);

  const std::string sos = test::fixture("engine/" + name + ".sos.txt");
  const HeapStats sos_heap = parse_dumpheap_stat(sos);
  const GcHeapSummary sos_gc = parse_eeheap_gc(sos);

  ASSERT_GT(sos_heap.types.size(), 50u);
  std::map<std::uint64_t, TypeStat> by_mt;
  for (const auto& row : stats.heap.types) by_mt[row.method_table] = row;
  EXPECT_EQ(by_mt.size(), sos_heap.types.size());
  for (const auto& row : sos_heap.types) {
    const auto it = by_mt.find(row.method_table);
    ASSERT_NE(it, by_mt.end()) << row.type << " is missing from the engine's heapstat";
    EXPECT_EQ(it->second.type, row.type);
    EXPECT_EQ(it->second.count, row.count) << row.type;
    EXPECT_EQ(it->second.bytes, row.bytes) << row.type;
  }
  EXPECT_EQ(stats.heap.total_objects, sos_heap.total_objects);
  EXPECT_EQ(stats.heap.total_bytes, sos_heap.total_bytes);
  EXPECT_EQ(stats.gc.heap_count, sos_gc.heap_count);
  EXPECT_EQ(stats.gc.allocated_bytes, sos_gc.allocated_bytes);
  EXPECT_EQ(stats.gc.committed_bytes, sos_gc.committed_bytes);
  auto ours = stats.gc.segments;
  auto theirs = sos_gc.segments;
  std::sort(ours.begin(), ours.end());
  std::sort(theirs.begin(), theirs.end());
  EXPECT_EQ(ours, theirs);  // the same segments (SOS lists them per kind)
}

INSTANTIATE_TEST_SUITE_P(Captures, EngineAgreesWithSos,
                         ::testing::Values("forms-leak", "forms-server-gc"));

TEST(EngineProtocol, ServerGcIsReadAsSuch) {
  const auto stats =
      engine::parse_heapstat(engine::parse_reply(engine_line("forms-server-gc", 2)).body);
  EXPECT_EQ(stats.gc.server, true);
  EXPECT_EQ(stats.gc.heap_count, 2);
  const auto workstation =
      engine::parse_heapstat(engine::parse_reply(engine_line("forms-leak", 2)).body);
  EXPECT_EQ(workstation.gc.server, false);
  EXPECT_EQ(workstation.gc.heap_count, 1);
}

// The gc op (what settling reads each round) gives the very GC summary of a heapstat, unwalked.
TEST_P(EngineAgreesWithSos, TheGcOpGivesHeapstatsGcSummary) {
  const std::string name = GetParam();
  const engine::Reply gc = engine::parse_reply(engine_line(name, 4));
  ASSERT_TRUE(gc.ok) << gc.error_message;
  EXPECT_FALSE(gc.body.contains("types"));
  const GcHeapSummary summary = engine::parse_gc(gc.body, "gc");
  const GcHeapSummary walked =
      engine::parse_heapstat(engine::parse_reply(engine_line(name, 2)).body).gc;
  EXPECT_EQ(summary.allocated_bytes, walked.allocated_bytes);
  EXPECT_EQ(summary.committed_bytes, walked.committed_bytes);
  EXPECT_EQ(summary.segments, walked.segments);
  EXPECT_EQ(summary.server, walked.server);
  EXPECT_EQ(summary.owners_known, walked.owners_known);
  EXPECT_EQ(summary.gc_owned, walked.gc_owned);
  EXPECT_GT(summary.allocated_bytes, 0u);
  // An error names the op it came from.
  nlohmann::json broken = gc.body;
  broken["gc"].erase("committed");
  try {
    engine::parse_gc(broken, "gc");
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("gc: \"committed\""), std::string::npos) << e.what();
  }
}

TEST(EngineProtocol, HelloNamesTheEngineAndClrMd) {
  const std::string version = engine::parse_hello(engine_line("forms-leak", 0));
  EXPECT_NE(version.find("ClrMD 4.2"), std::string::npos) << version;
  EXPECT_THROW(engine::parse_hello(R"({"v":1,"hello":"something-else"})"), ParseError);
}

TEST(EngineProtocol, ErrorRepliesCarryTheirKind) {
  const auto r = engine::parse_reply(
      R"({"v":1,"id":4,"ok":false,"error":{"kind":"attach-refused","message":"Yama"}})");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.id, 4);
  EXPECT_EQ(r.error_kind, "attach-refused");
  EXPECT_EQ(r.error_message, "Yama");
}

TEST(EngineProtocol, MalformedLinesAreParseErrors) {
  for (const char* line :
       {"", "garbage", "[]", R"({"id":1,"ok":true})", R"({"v":2,"id":1,"ok":true})",
        R"({"v":1,"ok":true})", R"({"v":1,"id":1})", R"({"v":1,"id":1,"ok":false})",
        R"({"v":1,"id":1,"ok":false,"error":{"kind":1,"message":"x"}})"}) {
    EXPECT_THROW(engine::parse_reply(line), ParseError) << line;
  }
}

TEST(EngineProtocol, RowsMustAddUpToTheTotals) {
  auto body = engine::parse_reply(engine_line("forms-leak", 2)).body;
  body["objects"] = body["objects"].get<std::uint64_t>() + 1;
  EXPECT_THROW(engine::parse_heapstat(body), ParseError);

  body = engine::parse_reply(engine_line("forms-leak", 2)).body;
  body["types"][0]["count"] = -1;
  EXPECT_THROW(engine::parse_heapstat(body), ParseError);

  body = engine::parse_reply(engine_line("forms-leak", 2)).body;
  body["types"][0]["name"] = "";
  EXPECT_THROW(engine::parse_heapstat(body), ParseError);

  body = engine::parse_reply(engine_line("forms-leak", 2)).body;
  body["gc"]["heaps"] = 0;
  EXPECT_THROW(engine::parse_heapstat(body), ParseError);

  body = engine::parse_reply(engine_line("forms-leak", 2)).body;
  body["types"][0]["bytes"] = 18446744073709551615ull;
  EXPECT_THROW(engine::parse_heapstat(body), ParseError);
}

// The roots reply of the same dump: every CustomerForm and every TextBox (held through the form)
// is held by the static event, named as the field; a path longer than maxHops (8 here) starts with
// the mark of the hops left out.
TEST(EngineProtocol, RootsNameTheStaticAndCutLongPaths) {
  const auto reply = engine::parse_reply(engine_line("forms-leak", 3));
  ASSERT_TRUE(reply.ok);
  const auto types = engine::parse_roots(reply.body);
  ASSERT_EQ(types.size(), 2u);
  std::map<std::string, Retention> by_name;
  for (const auto& r : types) by_name[r.type] = r;
  ASSERT_TRUE(by_name.contains("FormsApp.CustomerForm"));
  ASSERT_TRUE(by_name.contains("FormsApp.TextBox"));
  const Retention& forms = by_name["FormsApp.CustomerForm"];
  EXPECT_EQ(forms.instances, 25u);
  EXPECT_EQ(forms.sampled, 25);
  EXPECT_EQ(forms.unreachable, 0u);
  ASSERT_EQ(forms.groups.size(), 1u);
  const RootPath& path = forms.groups[0].shortest;
  EXPECT_EQ(forms.groups[0].instances, 25);
  EXPECT_EQ(path.root_kind, "static");
  EXPECT_EQ(path.root, "FormsApp.ThemeService.ThemeChanged");
  EXPECT_EQ(path.holder, "FormsApp.ThemeService");
  EXPECT_EQ(path.field, "ThemeChanged");
  ASSERT_FALSE(path.chain.empty());
  EXPECT_EQ(path.chain.back().type, "FormsApp.CustomerForm");
  EXPECT_NE(path.chain.back().address, 0u);

  const Retention& boxes = by_name["FormsApp.TextBox"];
  ASSERT_FALSE(boxes.groups.empty());
  const RootPath& longer = boxes.groups[0].shortest;
  EXPECT_TRUE(longer.chain.front().type.starts_with("... ")) << longer.chain.front().type;
  EXPECT_EQ(longer.chain.size(), 9u) << "the mark and the last 8 hops";
  EXPECT_EQ(path_fingerprint(longer).find("|...|"), path_fingerprint(longer).find('|', 7))
      << "a cut is one mark in the fingerprint: " << path_fingerprint(longer);
}

TEST(EngineProtocol, RootsThatDoNotAddUpAreParseErrors) {
  const auto good = engine::parse_reply(engine_line("forms-leak", 3)).body;
  auto form_index = [&] {
    for (std::size_t i = 0; i < good["types"].size(); ++i) {
      if (good["types"][i]["name"] == "FormsApp.CustomerForm") return i;
    }
    return std::size_t{0};
  };
  const std::size_t i = form_index();
  auto body = good;
  body["types"][i]["paths"][0]["instances"] = 26;  // more than the type has
  EXPECT_THROW(engine::parse_roots(body), ParseError);
  body = good;
  body["types"][i]["unreachable"] = 26;
  EXPECT_THROW(engine::parse_roots(body), ParseError);
  body = good;
  body["types"][i]["paths"][0]["chain"] = nlohmann::json::array();
  EXPECT_THROW(engine::parse_roots(body), ParseError);
  body = good;
  body["types"][i]["paths"][0].erase("root");
  EXPECT_THROW(engine::parse_roots(body), ParseError);
  body = good;
  body["types"][i]["groups"] = 0;  // fewer groups than paths
  EXPECT_THROW(engine::parse_roots(body), ParseError);
  body = good;
  body["types"][i]["paths"][0]["chain"][0]["type"] = 7;
  EXPECT_THROW(engine::parse_roots(body), ParseError);
  body = good;
  body["types"][i]["instances"] = 3000000000ull;  // more than the counts of a group hold
  body["types"][i]["paths"][0]["instances"] = 3000000000ull;
  EXPECT_THROW(engine::parse_roots(body), ParseError);
}

}  // namespace
}  // namespace leakgate
