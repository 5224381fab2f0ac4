#include "model/type_key.h"

#include <gtest/gtest.h>

namespace leakgate {
namespace {

TEST(TypeKey, RemovesCompilerOrdinals) {
  EXPECT_EQ(type_key("FormsApp.Program+<>c__DisplayClass0_0"),
            "FormsApp.Program+<>c__DisplayClass#");
  EXPECT_EQ(type_key("FormsApp.Program+<>c__DisplayClass12_3"),
            "FormsApp.Program+<>c__DisplayClass#");
  EXPECT_EQ(type_key("App.Service+<LoadAsync>d__5"), "App.Service+<LoadAsync>d__#");
  EXPECT_EQ(type_key("App.Service+<Items>d__17"), "App.Service+<Items>d__#");
  EXPECT_EQ(type_key("<>f__AnonymousType3`2<System.String, System.Int32>"),
            "<>f__AnonymousType#`2<System.String, System.Int32>");
  EXPECT_EQ(type_key("App.Program+<>c__12`1<System.Int32>"), "App.Program+<>c__#`1<System.Int32>");
}

TEST(TypeKey, NormalisesInsideGenericArguments) {
  EXPECT_EQ(type_key("System.Func<FormsApp.Program+<>c__DisplayClass0_0, System.String>"),
            "System.Func<FormsApp.Program+<>c__DisplayClass#, System.String>");
  EXPECT_EQ(
      type_key("System.Runtime.CompilerServices.AsyncTaskMethodBuilder`1+AsyncStateMachineBox`1"
               "<System.Int32, App.Service+<LoadAsync>d__5>"),
      "System.Runtime.CompilerServices.AsyncTaskMethodBuilder`1+AsyncStateMachineBox`1"
      "<System.Int32, App.Service+<LoadAsync>d__#>");
}

TEST(TypeKey, LeavesOrdinaryNamesAlone) {
  for (const char* name : {"System.String", "FormsApp.CustomerForm", "FormsApp.Program+<>c",
                           "System.Collections.Generic.Dictionary<System.String, System.Object>",
                           "Free", "System.Int32[]", "<PrivateImplementationDetails>",
                           "App.<>c__DisplayClass", "App.Program+<Main>d__"}) {
    EXPECT_EQ(type_key(name), name);
  }
}

}  // namespace
}  // namespace leakgate
