#include "scenario/protocol.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace leakgate::protocol {
namespace {

TEST(Protocol, ParsesHelloWithFacts) {
  const auto m = parse_app_line(
      "@leakgate hello 1 app=forms pid=42 runtime=10.0.12 gc=workstation concurrent=true");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, Message::Kind::kHello);
  EXPECT_EQ(m->version, 1);
  EXPECT_EQ(m->facts.at("app"), "forms");
  EXPECT_EQ(m->facts.at("runtime"), "10.0.12");
  EXPECT_EQ(m->facts.at("concurrent"), "true");
}

TEST(Protocol, ParsesOkWithPayloadAndError) {
  const auto ok = parse_app_line("@leakgate ok 7 opened=6 clicks=25");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->kind, Message::Kind::kOk);
  EXPECT_EQ(ok->seq, 7u);
  EXPECT_EQ(ok->text, "opened=6 clicks=25");
  const auto bare = parse_app_line("@leakgate ok 8");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->text, "");
  const auto err = parse_app_line("@leakgate error 9 unknown command 'bogus'");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->kind, Message::Kind::kError);
  EXPECT_EQ(err->text, "unknown command 'bogus'");
}

TEST(Protocol, OrdinaryOutputIsNotAMessage) {
  EXPECT_FALSE(parse_app_line("Hello from the app"));
  EXPECT_FALSE(parse_app_line("@leakgatehello 1"));
  EXPECT_FALSE(parse_app_line(""));
}

TEST(Protocol, RejectsMalformedMessages) {
  EXPECT_THROW(parse_app_line("@leakgate hello"), ParseError);
  EXPECT_THROW(parse_app_line("@leakgate hello one"), ParseError);
  EXPECT_THROW(parse_app_line("@leakgate ok"), ParseError);
  EXPECT_THROW(parse_app_line("@leakgate ok x"), ParseError);
  EXPECT_THROW(parse_app_line("@leakgate bye 1"), ParseError);
  EXPECT_THROW(parse_app_line("@leakgate "), ParseError);
}

TEST(Protocol, FormatsRequestsAsOneLineOfWords) {
  EXPECT_EQ(format_request(3, "open-close", {"5"}), "3 open-close 5");
  EXPECT_EQ(format_request(1, "settle", {}), "1 settle");
  EXPECT_THROW(format_request(1, "two words", {}), ScenarioError);
  EXPECT_THROW(format_request(1, "cmd", {"a b"}), ScenarioError);
  EXPECT_THROW(format_request(1, "cmd", {""}), ScenarioError);
  EXPECT_THROW(format_request(1, "", {}), ScenarioError);
}

}  // namespace
}  // namespace leakgate::protocol
