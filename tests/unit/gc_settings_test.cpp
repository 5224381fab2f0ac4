#include <gtest/gtest.h>

#include <string>

#include "collect/gc_settings_probe.h"

namespace leakgate {
namespace {

using namespace std::string_literals;

TEST(GcSettings, DefaultsWhenNothingIsSet) {
  const auto s = read_gc_settings("PATH=/usr/bin\0HOME=/root"s, "");
  EXPECT_EQ(s.at("concurrent"), "true");
  EXPECT_EQ(s.at("gcHardLimit"), "none");
}

TEST(GcSettings, TheEnvironmentIsReadInHexAndWinsOverRuntimeconfig) {
  const std::string config = R"({"runtimeOptions": {"configProperties": {
      "System.GC.Concurrent": true, "System.GC.HeapHardLimit": 1000}}})";
  const auto s =
      read_gc_settings("DOTNET_gcConcurrent=0\0DOTNET_GCHeapHardLimit=0xC800000\0"s, config);
  EXPECT_EQ(s.at("concurrent"), "false");
  EXPECT_EQ(s.at("gcHardLimit"), "209715200");
}

TEST(GcSettings, DotnetPrefixWinsOverComplus) {
  const auto s = read_gc_settings("DOTNET_gcConcurrent=1\0COMPlus_gcConcurrent=0\0"s, "");
  EXPECT_EQ(s.at("concurrent"), "true");
}

TEST(GcSettings, RuntimeconfigPropertiesCount) {
  const std::string config = R"({"runtimeOptions": {"configProperties": {
      "System.GC.Concurrent": false, "System.GC.HeapHardLimitPercent": "30"}}})";
  const auto s = read_gc_settings("", config);
  EXPECT_EQ(s.at("concurrent"), "false");
  EXPECT_EQ(s.at("gcHardLimit"), "30%");
}

TEST(GcSettings, UnreadableValuesCountAsNotSet) {
  const auto s = read_gc_settings("DOTNET_GCHeapHardLimit=lots\0DOTNET_gcConcurrent=\0"s,
                                  R"({"runtimeOptions": [1, 2]})");
  EXPECT_EQ(s.at("concurrent"), "true");
  EXPECT_EQ(s.at("gcHardLimit"), "none");
  EXPECT_EQ(read_gc_settings("", "not json {").at("gcHardLimit"), "none");
}

TEST(GcSettings, EngineFactsSayDynamicHeapsUnderDatas) {
  GcHeapSummary gc;
  EXPECT_TRUE(gc_facts(gc).empty());  // eeheap -gc: the configuration was not read
  gc.server = true;
  gc.heap_count = 2;
  gc.dynamic_adaptation = 1;
  auto f = gc_facts(gc);
  EXPECT_EQ(f.at("gc"), "server");
  EXPECT_EQ(f.at("datas"), "enabled");
  EXPECT_EQ(f.at("gcHeaps"), "dynamic");
  gc.dynamic_adaptation = 0;
  f = gc_facts(gc);
  EXPECT_EQ(f.at("datas"), "disabled");
  EXPECT_EQ(f.at("gcHeaps"), "2");
  gc.server = false;
  gc.dynamic_adaptation = -1;
  f = gc_facts(gc);
  EXPECT_EQ(f.at("gc"), "workstation");
  EXPECT_FALSE(f.contains("datas"));
}

}  // namespace
}  // namespace leakgate
