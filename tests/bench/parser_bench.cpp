// Throughput of the SOS parsers on real output and on a large synthetic heap (100k types), the
// size a big service's `dumpheap -stat` reaches. Run: build/bin/parser_bench
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "collect/sos_parsers.h"

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(LEAKGATE_FIXTURES_DIR) + "/sos/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string synthetic_dumpheap(int types) {
  std::string text = "Statistics:\n          MT    Count    TotalSize Class Name\n";
  std::uint64_t objects = 0, bytes = 0;
  for (int i = 0; i < types; ++i) {
    const std::uint64_t count = 1 + static_cast<std::uint64_t>(i % 997);
    const std::uint64_t size = count * 24;
    objects += count;
    bytes += size;
    text += "7f0775610" + std::to_string(100000 + i) + " " + std::to_string(count) + " " +
            std::to_string(size) + " System.Collections.Generic.Dictionary<System.String, App.T" +
            std::to_string(i) + ">\n";
  }
  text += "Total " + std::to_string(objects) + " objects, " + std::to_string(bytes) + " bytes\n";
  return text;
}

void BM_DumpheapStat_Fixture(benchmark::State& state) {
  const std::string text = fixture("forms-unsettled.txt");
  for (auto _ : state) benchmark::DoNotOptimize(leakgate::parse_dumpheap_stat(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_DumpheapStat_Fixture);

void BM_DumpheapStat_100kTypes(benchmark::State& state) {
  const std::string text = synthetic_dumpheap(100000);
  for (auto _ : state) benchmark::DoNotOptimize(leakgate::parse_dumpheap_stat(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_DumpheapStat_100kTypes)->Unit(benchmark::kMillisecond);

void BM_EeheapGc_ServerFixture(benchmark::State& state) {
  const std::string text = fixture("forms-server-gc.txt");
  for (auto _ : state) benchmark::DoNotOptimize(leakgate::parse_eeheap_gc(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_EeheapGc_ServerFixture);

}  // namespace

BENCHMARK_MAIN();
