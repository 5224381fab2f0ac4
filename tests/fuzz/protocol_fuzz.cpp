// Fuzz target for the control protocol as leakgate reads it: every line of the input is an app's
// stdout line. A line is ordinary output, a message, or a leakgate::Error (a protocol error);
// parse_facts reads any text. Facts are key=value words with a non-empty key.
#include <map>
#include <string>

#include "common/errors.h"
#include "fuzz_support.h"
#include "scenario/protocol.h"

namespace {

void check_facts(const std::map<std::string, std::string>& facts) {
  for (const auto& [key, value] : facts) {
    leakgate::fuzz::check(!key.empty() && key.find('=') == std::string::npos,
                          "protocol: a fact with an empty key or '=' in its key");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  fuzz::for_each_line(fuzz::text_of(data, size), [](std::string_view line) {
    try {
      const auto message = protocol::parse_app_line(line);
      if (message) {
        fuzz::check(line.starts_with(protocol::kPrefix), "protocol: a message without the prefix");
        check_facts(message->facts);
      }
    } catch (const Error&) {
    }
    try {
      check_facts(protocol::parse_facts(line));
    } catch (const Error&) {
    }
  });
  return 0;
}
