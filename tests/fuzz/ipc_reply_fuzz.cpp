// Fuzz target for the diagnostics-IPC reply parser (bytes from a socket the app's runtime owns):
// any input either parses or raises a leakgate::Error. A parsed reply is exactly as long as its
// header says. The encoders' output (same header format) parses back to what was encoded, with
// the session id and provider name taken from the input.
#include <algorithm>
#include <cstring>
#include <string>

#include "common/errors.h"
#include "fuzz_support.h"
#include "runtime/diagnostics_ipc.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace leakgate;
  namespace ipc = leakgate::diagnostics;
  const std::string_view bytes = fuzz::text_of(data, size);

  const std::size_t announced = ipc::announced_size(bytes);
  fuzz::check(bytes.size() >= 20 || announced == 0, "ipc: a size announced before the header");
  try {
    const ipc::Reply reply = ipc::parse_reply(bytes);
    fuzz::check(announced == bytes.size() && reply.payload.size() + 20 == bytes.size(),
                "ipc: a reply of another size than announced");
    (void)reply.error_code();
    (void)reply.session_id();
  } catch (const Error&) {
  }

  std::uint64_t session = 0;
  std::memcpy(&session, bytes.data(), std::min(bytes.size(), sizeof session));
  try {
    const ipc::Reply stop = ipc::parse_reply(ipc::encode_stop_tracing(session));
    fuzz::check(stop.session_id() == session, "ipc: StopTracing does not carry its session id");
  } catch (const Error&) {
    fuzz::check(false, "ipc: an encoded StopTracing does not parse");
  }
  // A provider name of the input's bytes (the encoder writes UTF-16 of ASCII); size-limited, as
  // the header's size field is 16 bits.
  const std::string name(bytes.substr(0, 1024));
  try {
    const std::string request = ipc::encode_collect_tracing2(1, {{name, session, 4}});
    fuzz::check(ipc::announced_size(request) == request.size() &&
                    ipc::parse_reply(request).payload.size() + 20 == request.size(),
                "ipc: CollectTracing2 announces another size than it has");
  } catch (const Error&) {
  }
  return 0;
}
