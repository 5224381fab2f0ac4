// The heap engine's replies: parsed from real engine output (tests/fixtures/engine/, captured by
// tests/fixtures/capture-engine.sh), and checked against SOS's output on the very same dump.
#include "collect/engine_protocol.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

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
  EXPECT_TRUE(stats.config.server);
  EXPECT_EQ(stats.config.heaps, 2);
  const auto workstation =
      engine::parse_heapstat(engine::parse_reply(engine_line("forms-leak", 2)).body);
  EXPECT_FALSE(workstation.config.server);
  EXPECT_EQ(workstation.config.heaps, 1);
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

}  // namespace
}  // namespace leakgate
