#include "runtime/diagnostics_ipc.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "test_support.h"

namespace leakgate {
namespace {

using diagnostics::parse_reply;

TEST(DiagnosticsIpc, ReadsTheSessionIdOfARealCollectTracingReply) {
  const auto reply = parse_reply(test::fixture("ipc/collect-tracing2-ok.bin"));
  EXPECT_TRUE(reply.ok());
  EXPECT_EQ(reply.payload.size(), 8u);
  EXPECT_NE(reply.session_id(), 0u);
  // StopTracing echoes the session it stopped.
  const auto stopped = parse_reply(test::fixture("ipc/stop-tracing-ok.bin"));
  EXPECT_TRUE(stopped.ok());
  EXPECT_EQ(stopped.session_id(), reply.session_id());
}

TEST(DiagnosticsIpc, ReadsTheHresultOfARealErrorReply) {
  const auto reply = parse_reply(test::fixture("ipc/collect-tracing2-error.bin"));
  EXPECT_FALSE(reply.ok());
  EXPECT_EQ(reply.error_code(), 0x80131384u);  // DS_IPC_E_BAD_ENCODING: no providers
}

TEST(DiagnosticsIpc, RejectsTruncatedOrForeignReplies) {
  const std::string ok = test::fixture("ipc/collect-tracing2-ok.bin");
  EXPECT_THROW(parse_reply(ok.substr(0, 19)), ParseError);
  EXPECT_THROW(parse_reply(ok.substr(0, ok.size() - 1)), ParseError);  // shorter than announced
  std::string foreign = ok;
  foreign[0] = 'X';
  EXPECT_THROW(parse_reply(foreign), ParseError);
  const auto no_payload = parse_reply(test::fixture("ipc/collect-tracing2-error.bin")
                                          .substr(0, 20)
                                          .replace(14, 2, std::string("\x14\x00", 2)));
  EXPECT_THROW((void)no_payload.session_id(), ParseError);
}

TEST(DiagnosticsIpc, EncodesCollectTracing2AsTheRuntimeReadsIt) {
  const std::string m = diagnostics::encode_collect_tracing2(
      1, {{"Microsoft-Windows-DotNETRuntime", diagnostics::kGcHeapCollectKeyword, 4}});
  // Header: magic, total size, command set 2 (EventPipe), command 3 (CollectTracing2).
  ASSERT_GE(m.size(), 20u);
  EXPECT_EQ(m.substr(0, 14), std::string("DOTNET_IPC_V1\0", 14));
  EXPECT_EQ(diagnostics::announced_size(m), m.size());
  EXPECT_EQ(m[16], 0x02);
  EXPECT_EQ(m[17], 0x03);
  // Payload: buffer MB, format 1 (nettrace), no rundown, one provider: keywords, level, name in
  // UTF-16 with its length in characters (NUL included), empty filter.
  const std::string name = "Microsoft-Windows-DotNETRuntime";
  const std::size_t expected = 20 + 4 + 4 + 1 + 4 + 8 + 4 + 4 + (name.size() + 1) * 2 + 4;
  EXPECT_EQ(m.size(), expected);
  EXPECT_EQ(m.substr(20, 9), std::string("\x01\0\0\0\x01\0\0\0\0", 9));
  EXPECT_EQ(m.substr(33, 8), std::string("\0\0\x80\0\0\0\0\0", 8));  // 0x800000
  EXPECT_EQ(static_cast<unsigned char>(m[45]), name.size() + 1);
  EXPECT_EQ(m.substr(49, 4), std::string("M\0i\0", 4));
}

TEST(DiagnosticsIpc, EncodesStopTracingWithTheSessionId) {
  const std::string started = test::fixture("ipc/collect-tracing2-ok.bin");
  const std::string m = diagnostics::encode_stop_tracing(parse_reply(started).session_id());
  EXPECT_EQ(m.size(), 28u);
  EXPECT_EQ(m[16], 0x02);
  EXPECT_EQ(m[17], 0x01);
  // The session id goes back byte for byte as the runtime sent it.
  EXPECT_EQ(m.substr(20), started.substr(20));
}

}  // namespace
}  // namespace leakgate
