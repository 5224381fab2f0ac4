// A native (C++) scenario app: each unit of work builds a document in a malloc'd buffer, uses it,
// and releases it. With --variant leak it keeps every buffer (in a list nobody reads): a native
// leak that SOS cannot see and only the memory summary (Heap) catches.
//   work N      N units of work
//   status      how many buffers are held
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "leakgate_scenario.h"

namespace {

// Below glibc's mmap threshold (128 KiB), so blocks come from the malloc heap.
constexpr std::size_t kDocumentBytes = 96 * 1024;

class DocumentService {
 public:
  explicit DocumentService(bool keep) : keep_(keep) {}
  ~DocumentService() {
    for (void* p : kept_) std::free(p);
  }

  std::string work(int units) {
    unsigned long checksum = 0;
    for (int i = 0; i < units; ++i) {
      auto* doc = static_cast<unsigned char*>(std::malloc(kDocumentBytes));
      if (doc == nullptr) throw std::runtime_error("out of memory");
      std::memset(doc, 'a' + (i % 26), kDocumentBytes);
      for (std::size_t at = 0; at < kDocumentBytes; at += 4096) checksum += doc[at];
      if (keep_) {
        kept_.push_back(doc);  // the leak: a cache that is never trimmed
      } else {
        std::free(doc);
      }
    }
    return "checksum=" + std::to_string(checksum) + " held=" + std::to_string(kept_.size());
  }

  std::size_t held() const { return kept_.size(); }

 private:
  bool keep_;
  std::vector<void*> kept_;
};

int positive(const std::vector<std::string>& args) {
  const int n = args.empty() ? 1 : std::atoi(args[0].c_str());
  if (n <= 0) throw std::invalid_argument("work: count must be a positive integer");
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  std::string variant = "correct";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--variant" && i + 1 < argc) {
      variant = argv[++i];
    } else {
      std::cerr << "native-scenario: unknown option '" << arg << "'\n";
      return 2;
    }
  }
  if (variant != "correct" && variant != "leak") {
    std::cerr << "native-scenario: --variant must be correct or leak\n";
    return 2;
  }
  DocumentService service(variant == "leak");
  return leakgate_scenario::ScenarioHost("native")
      .command("work", [&](const std::vector<std::string>& a) { return service.work(positive(a)); })
      .command(
          "status",
          [&](const std::vector<std::string>&) { return "held=" + std::to_string(service.held()); })
      .run();
}
