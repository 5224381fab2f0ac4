#include "common/json_reader.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/errors.h"

namespace leakgate {
namespace {

using nlohmann::json;

TEST(JsonObjectReader, EscapesPointerSegments) {
  const json doc = {{"a/b~c", {{"x", 1}}}};
  JsonObjectReader r(doc, "f.json", "");
  auto inner = r.optional_object("a/b~c");
  ASSERT_TRUE(inner);
  try {
    inner->string("x");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("f.json: /a~1b~0c/x: expected a string, got an integer"),
              std::string::npos)
        << e.what();
  }
}

TEST(JsonObjectReader, FinishListsTheKnownFields) {
  const json doc = {{"known", 1}, {"extra", 2}};
  JsonObjectReader r(doc, "f.json", "");
  r.integer("known", 0, 10);
  try {
    r.finish();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/extra: unknown field (known fields here: known)"),
              std::string::npos)
        << e.what();
  }
}

TEST(JsonObjectReader, RejectsANonObject) {
  EXPECT_THROW(JsonObjectReader(json::array(), "f.json", ""), InputError);
}

// A document from elsewhere (an engine reply, a report of another machine): a field of the wrong
// type reads as the fallback and never throws.
TEST(LenientFields, WrongTypesReadAsTheFallback) {
  const json doc = json::parse(
      R"({"s":"text","n":7,"big":18446744073709551615,"frac":2.5,"neg":-3,"b":true,"num":5})");
  EXPECT_EQ(string_or(doc, "s"), "text");
  EXPECT_EQ(string_or(doc, "num", "none"), "none");
  EXPECT_EQ(string_or(doc, "absent", "none"), "none");
  EXPECT_EQ(string_or(json::array(), "s", "none"), "none");
  EXPECT_EQ(integer_or(doc, "n"), 7);
  EXPECT_EQ(integer_or(doc, "neg"), -3);
  EXPECT_EQ(integer_or(doc, "big"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(integer_or(doc, "frac", -1), -1);
  EXPECT_EQ(integer_or(doc, "s", -1), -1);
  EXPECT_TRUE(bool_or(doc, "b", false));
  EXPECT_FALSE(bool_or(doc, "n", false));
  EXPECT_TRUE(bool_or(json("x"), "b", true));
}

}  // namespace
}  // namespace leakgate
