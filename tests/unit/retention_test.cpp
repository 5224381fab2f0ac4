#include <gtest/gtest.h>

#include "collect/gcroot_parser.h"
#include "collect/retention_grouping.h"
#include "unit/test_support.h"

namespace leakgate {
namespace {

std::map<std::uint64_t, StaticField> statics_from_fixture() {
  std::map<std::uint64_t, StaticField> statics;
  for (auto& s : parse_dumpclass_statics(test::fixture("sos/dumpclass-themeservice.txt"))) {
    statics.emplace(s.value, s);
  }
  return statics;
}

TEST(GcRootParser, ReadsHandleAndStackRootsOfARealSession) {
  const auto results = parse_gcroot_session(test::fixture("sos/gcroot-forms-leak.txt"));
  ASSERT_EQ(results.size(), 3u);  // three gcroot commands
  ASSERT_EQ(results[0].size(), 1u);
  const RootPath& form = results[0][0];
  EXPECT_EQ(form.root_kind, "strong handle");
  ASSERT_EQ(form.chain.size(), 5u);
  EXPECT_EQ(form.chain[0].type, "System.Object[]");
  EXPECT_EQ(form.chain[1].type, "System.EventHandler<FormsApp.ThemeChangedEventArgs>");
  EXPECT_EQ(form.chain.back().type, "FormsApp.CustomerForm");
  ASSERT_EQ(results[2].size(), 1u);
  const RootPath& host = results[2][0];
  EXPECT_EQ(host.root_kind, "thread stack");
  EXPECT_NE(host.root.find("LeakGate.Scenario.ScenarioHost.Run()"), std::string::npos) << host.root;
  ASSERT_EQ(host.chain.size(), 1u);
  EXPECT_EQ(host.chain[0].type, "LeakGate.Scenario.ScenarioHost");
}

TEST(GcRootParser, ReadsFinalizerQueueRootsOfARealSession) {
  // Objects waiting behind a blocked finalizer thread (pattern-blocked-finalizer-leak).
  const auto results = parse_gcroot_session(test::fixture("sos/gcroot-finalizer-queue.txt"));
  ASSERT_EQ(results.size(), 2u);  // two gcroot commands
  for (const auto& paths : results) {
    ASSERT_EQ(paths.size(), 1u);
    EXPECT_EQ(paths[0].root_kind, "finalizer queue");
    ASSERT_EQ(paths[0].chain.size(), 1u);
    EXPECT_EQ(paths[0].chain[0].type, "PatternsApp.ThumbnailHandle");
  }
  // Two instances on two queue entries: one group, whose fingerprint holds no address.
  const auto groups = group_paths({results[0], results[1]}, {}, 32);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].instances, 2);
  EXPECT_EQ(groups[0].fingerprint.find("0000"), std::string::npos) << groups[0].fingerprint;
}

TEST(GcRootParser, ReadsOtherRootKindsAndAnnotations) {
  const std::string text =
      "Finalizer Queue:\n    000055aa00001000 (finalizer root)\n"
      "          -> 7f0000001000     App.Resource \n"
      "HandleTable:\n    00007f0000002000 (ref counted handle RefCount: 3)\n"
      "          -> 7f0000002000     App.ComWrapper \n"
      "    00007f0000003000 (pinned handle)\n"
      "          -> 7f0000003000     System.Object[] \n"
      "          -> 7f0000004000     App.Cache (static variable: App.Registry.Cache)\n"
      "          -> 7f0000005000     App.Entry (dependent handle)\n"
      "Found 3 unique roots.\nFound 0 unique roots.\n";
  const auto results = parse_gcroot_session(text);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[1].empty());
  ASSERT_EQ(results[0].size(), 3u);
  EXPECT_EQ(results[0][0].root_kind, "finalizer queue");
  EXPECT_EQ(results[0][1].root_kind, "ref counted handle");
  EXPECT_EQ(results[0][2].root_kind, "pinned handle");
  EXPECT_EQ(results[0][2].chain[1].note, "(static variable: App.Registry.Cache)");
  EXPECT_EQ(results[0][2].chain[2].note, "(dependent handle)");
  // SOS's own static annotation is used when the field is not in the map.
  const RootPath p = resolve_static(results[0][2], {});
  EXPECT_EQ(p.root_kind, "static");
  EXPECT_EQ(p.holder, "App.Registry");
  EXPECT_EQ(p.field, "Cache");
}

TEST(GcRootParser, StaticFieldsModulesAndObjects) {
  const auto statics = parse_dumpclass_statics(test::fixture("sos/dumpclass-themeservice.txt"));
  ASSERT_EQ(statics.size(), 1u);
  EXPECT_EQ(statics[0].type, "FormsApp.ThemeService");
  EXPECT_EQ(statics[0].field, "ThemeChanged");
  const auto modules = parse_dumpdomain_modules(test::fixture("sos/dumpdomain.txt"));
  EXPECT_TRUE(std::any_of(modules.begin(), modules.end(),
                          [](const ModuleInfo& m) { return m.path.ends_with("/FormsApp.dll"); }));
  const auto types = parse_dumpmodule_types(test::fixture("sos/dumpmodule-forms.txt"));
  EXPECT_TRUE(std::any_of(types.begin(), types.end(),
                          [](const TypeInfo& t) { return t.name == "FormsApp.ThemeService"; }));
  EXPECT_EQ(parse_dumpheap_objects("         Address               MT           Size\n"
                                   "    7f44cbc0ed70     7f50a5230c38             88 \n"
                                   "Statistics:\n          MT Count TotalSize Class Name\n"
                                   "7f50a5230c38     1        88 FormsApp.CustomerForm\n")
                .size(),
            1u);
}

TEST(RetentionGrouping, TheStaticEventHoldsEveryLeakedForm) {
  const auto results = parse_gcroot_session(test::fixture("sos/gcroot-forms-leak.txt"));
  const auto groups = group_paths({results[0], results[1]}, statics_from_fixture(), 32);
  ASSERT_EQ(groups.size(), 1u);  // two instances, one story: the fingerprint has no addresses
  const RetentionGroup& g = groups[0];
  EXPECT_EQ(g.instances, 2);
  EXPECT_EQ(g.shortest.root_kind, "static");
  EXPECT_EQ(g.shortest.root, "FormsApp.ThemeService.ThemeChanged");
  EXPECT_EQ(g.shortest.holder, "FormsApp.ThemeService");
  EXPECT_EQ(g.shortest.chain.back().type, "FormsApp.CustomerForm");
  EXPECT_EQ(g.shortest.chain.front().type, "System.EventHandler<FormsApp.ThemeChangedEventArgs>");
  EXPECT_EQ(g.fingerprint.find("7f"), std::string::npos) << g.fingerprint;
  EXPECT_EQ(render_path(g.shortest),
            "static FormsApp.ThemeService.ThemeChanged -> "
            "System.EventHandler<FormsApp.ThemeChangedEventArgs> -> System.Object[] -> "
            "System.EventHandler<FormsApp.ThemeChangedEventArgs> -> FormsApp.CustomerForm");
}

TEST(RetentionGrouping, LongChainsAreCut) {
  RootPath p;
  p.root_kind = "strong handle";
  for (int i = 0; i < 10; ++i) p.chain.push_back({static_cast<std::uint64_t>(i), "App.Node", ""});
  const auto groups = group_paths({{p}}, {}, 4);
  ASSERT_EQ(groups.size(), 1u);
  ASSERT_EQ(groups[0].shortest.chain.size(), 5u);
  EXPECT_EQ(groups[0].shortest.chain.front().type, "... 6 hops ...");
}

}  // namespace
}  // namespace leakgate
