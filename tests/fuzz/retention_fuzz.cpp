// Fuzz target for the parsers of the retention analysis (gcroot, dumpheap -mt, dumpdomain,
// dumpmodule, dumpclass): each gets the same input, as each reads one analyze session's output
// in which other commands' output may come before and after. Any input either parses or raises
// a leakgate::Error, and what a parser returns is usable (no empty names, every path renders).
#include "collect/gcroot_parser.h"
#include "common/errors.h"
#include "fuzz_support.h"
#include "model/retention.h"

namespace {

// One parser's rejection must not keep the others from seeing the input.
template <typename F>
void guarded(F parse) {
  try {
    parse();
  } catch (const leakgate::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  const std::string_view text = fuzz::text_of(data, size);
  guarded([&] {
    for (const auto& roots : parse_gcroot_session(text)) {
      for (const auto& path : roots) {
        for (const auto& hop : path.chain) {
          fuzz::check(!hop.type.empty(), "gcroot: a hop without a type");
        }
        (void)render_path(path);
      }
    }
  });
  guarded([&] { (void)parse_dumpheap_objects(text); });
  guarded([&] {
    for (const auto& m : parse_dumpdomain_modules(text)) {
      fuzz::check(!m.path.empty(), "dumpdomain: a module without a file");
    }
  });
  guarded([&] {
    for (const auto& t : parse_dumpmodule_types(text)) {
      fuzz::check(!t.name.empty(), "dumpmodule: a type without a name");
    }
  });
  guarded([&] {
    for (const auto& s : parse_dumpclass_statics(text)) {
      fuzz::check(!s.field.empty() && s.value != 0, "dumpclass: a static without field or value");
    }
  });
  return 0;
}
