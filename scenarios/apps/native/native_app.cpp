// A native (C++) scenario app: each unit of work builds a document in a malloc'd buffer, uses it,
// and releases it. With --variant leak it keeps every buffer (in a list nobody reads): a native
// leak that SOS cannot see and only the memory summary (Heap) catches. Two shapes that only more
// iterations tell apart: --keep-from N keeps every buffer from the Nth unit of work on (a leak
// that begins late); --one-off-at N builds, at the Nth unit, a 16 MiB table it keeps for good and
// then nothing more (one late step, not a leak).
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

// A table of this many documents, built once (--one-off-at).
constexpr int kOneOffDocuments = 170;

class DocumentService {
 public:
  DocumentService(long keep_from, long one_off_at)
      : keep_from_(keep_from), one_off_at_(one_off_at) {}
  ~DocumentService() {
    for (void* p : kept_) std::free(p);
  }

  std::string work(int units) {
    unsigned long checksum = 0;
    for (int i = 0; i < units; ++i) {
      ++done_;
      if (done_ == one_off_at_) {
        for (int d = 0; d < kOneOffDocuments; ++d) kept_.push_back(build(d, checksum));
      }
      unsigned char* doc = build(i, checksum);
      if (keep_from_ > 0 && done_ >= keep_from_) {
        kept_.push_back(doc);  // the leak: a cache that is never trimmed
      } else {
        std::free(doc);
      }
    }
    return "checksum=" + std::to_string(checksum) + " held=" + std::to_string(kept_.size());
  }

  std::size_t held() const { return kept_.size(); }

 private:
  static unsigned char* build(int i, unsigned long& checksum) {
    auto* doc = static_cast<unsigned char*>(std::malloc(kDocumentBytes));
    if (doc == nullptr) throw std::runtime_error("out of memory");
    std::memset(doc, 'a' + (i % 26), kDocumentBytes);
    for (std::size_t at = 0; at < kDocumentBytes; at += 4096) checksum += doc[at];
    return doc;
  }

  long keep_from_;   // 1: every unit's document is kept; 0: none
  long one_off_at_;  // 0: no table
  long done_ = 0;
  std::vector<void*> kept_;
};

int positive(const std::vector<std::string>& args) {
  const int n = args.empty() ? 1 : std::atoi(args[0].c_str());
  if (n <= 0) throw std::invalid_argument("work: count must be a positive integer");
  return n;
}

// A unit of work's number given with an option: a whole number from 1.
long unit_number(const char* option, const char* text) {
  char* end = nullptr;
  const long n = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || n < 1) {
    std::cerr << "native-scenario: " << option << " takes a unit of work's number (1 or more)\n";
    std::exit(2);
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  std::string variant = "correct";
  long keep_from = 0;
  long one_off_at = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--variant" && i + 1 < argc) {
      variant = argv[++i];
    } else if (arg == "--keep-from" && i + 1 < argc) {
      keep_from = unit_number("--keep-from", argv[++i]);
    } else if (arg == "--one-off-at" && i + 1 < argc) {
      one_off_at = unit_number("--one-off-at", argv[++i]);
    } else {
      std::cerr << "native-scenario: unknown option '" << arg << "'\n";
      return 2;
    }
  }
  if (variant != "correct" && variant != "leak") {
    std::cerr << "native-scenario: --variant must be correct or leak\n";
    return 2;
  }
  if (variant == "leak") keep_from = 1;
  DocumentService service(keep_from, one_off_at);
  return leakgate_scenario::ScenarioHost("native")
      .command("work", [&](const std::vector<std::string>& a) { return service.work(positive(a)); })
      .command(
          "status",
          [&](const std::vector<std::string>&) { return "held=" + std::to_string(service.held()); })
      .run();
}
