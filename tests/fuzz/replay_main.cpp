// Runs the fuzz target without libFuzzer: every seed file given on the command line, then
// deterministic mutations of each (truncations, byte flips, line swaps), so CI exercises the
// target under ASan + UBSan with any compiler.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::mt19937_64 random(20041215);  // fixed: the same inputs every run
  constexpr int kMutationsPerSeed = 500;
  int inputs = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read seed %s\n", argv[i]);
      return 2;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string seed = buffer.str();
    run(seed);
    ++inputs;
    for (int m = 0; m < kMutationsPerSeed && !seed.empty(); ++m) {
      std::string input = seed;
      const std::size_t at = random() % input.size();
      switch (m % 4) {
        case 0:
          input.resize(at);
          break;  // truncate
        case 1:
          input[at] = static_cast<char>(random() & 0xff);
          break;  // flip a byte
        case 2:
          input.insert(at, input.substr(random() % input.size(), 64));
          break;  // repeat
        case 3:
          input.erase(at, random() % 128);
          break;  // cut
      }
      run(input);
      ++inputs;
    }
  }
  std::printf("%d inputs, no crash\n", inputs);
  return 0;
}
