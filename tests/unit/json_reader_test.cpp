#include "common/json_reader.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace leakgate
