#include "scenario/loopback_url.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace leakgate {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The loopback address `host` names, or "" when it names anything else.
std::string loopback_address(const std::string& host) {
  if (iequals(host, "localhost")) return "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    in6_addr v6{};
    const std::string inner = host.substr(1, host.size() - 2);
    if (::inet_pton(AF_INET6, inner.c_str(), &v6) == 1 &&
        std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0) {
      return "::1";
    }
    return "";
  }
  in_addr v4{};  // inet_pton takes only the four-part dotted decimal form
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127) return host;
  return "";
}

}  // namespace

std::optional<LoopbackUrl> parse_loopback_url(const std::string& url, std::string& error) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() ||
      !iequals(std::string_view(url).substr(0, kScheme.size()), kScheme)) {
    error = "must start with http:// (plain HTTP on the loopback interface)";
    return std::nullopt;
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      error = "must not contain spaces or control characters";
      return std::nullopt;
    }
  }
  const std::string rest = url.substr(kScheme.size());
  const auto end = std::min(rest.find_first_of("/?#"), rest.size());
  const std::string authority = rest.substr(0, end);
  LoopbackUrl out;
  out.target = rest.substr(end);
  if (out.target.find('#') != std::string::npos) {
    error = "must not have a fragment (#...)";
    return std::nullopt;
  }
  if (out.target.empty() || out.target.front() == '?') out.target = "/" + out.target;
  if (authority.find('@') != std::string::npos) {
    error = "must not hold user information (user@host)";
    return std::nullopt;
  }
  std::string host = authority;
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    host = authority.substr(0, colon);
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      error = "has an invalid port '" + port + "'";
      return std::nullopt;
    }
    out.port = std::stoi(port);
  }
  out.address = loopback_address(host);
  if (out.address.empty()) {
    error = "host '" + host +
            "' is not a loopback address: use 127.0.0.1 (or another 127.x.y.z), localhost or [::1]";
    return std::nullopt;
  }
  out.host_header = authority;
  return out;
}

}  // namespace leakgate
