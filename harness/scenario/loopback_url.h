#pragma once

#include <optional>
#include <string>

namespace leakgate {

// An http step's target: always this machine. `address` is a literal loopback address (never a
// name to resolve: "localhost" is taken as 127.0.0.1, so no DNS query ever leaves the machine).
struct LoopbackUrl {
  std::string address;  // "127.0.0.1", "127.1.2.3" or "::1"
  int port = 80;
  std::string host_header;  // the URL's host[:port], sent as Host
  std::string target;       // path and query, e.g. "/orders?id=1"
};

// Parses "http://HOST[:PORT][/PATH][?QUERY]" where HOST is an IPv4 literal in 127.0.0.0/8,
// "localhost" or "[::1]"; no user information, no fragment, no whitespace or control characters.
// nullopt with `error` saying why otherwise.
std::optional<LoopbackUrl> parse_loopback_url(const std::string& url, std::string& error);

}  // namespace leakgate
