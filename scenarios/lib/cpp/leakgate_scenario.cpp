#include "leakgate_scenario.h"

#include <malloc.h>
#include <unistd.h>

#include <iostream>
#include <sstream>
#include <stdexcept>

namespace leakgate_scenario {

namespace {

constexpr int kProtocolVersion = 1;

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

void send(std::ostream& out, const std::string& message) {
  out << "@leakgate " << message << '\n' << std::flush;
}

std::string arch() {
#if defined(__x86_64__)
  return "x64";
#elif defined(__aarch64__)
  return "arm64";
#else
  return "unknown";
#endif
}

}  // namespace

ScenarioHost::ScenarioHost(std::string app_name) : app_(std::move(app_name)) {}

ScenarioHost& ScenarioHost::command(const std::string& name, Handler handler) {
  commands_[name] = std::move(handler);
  return *this;
}

int ScenarioHost::run() { return run(std::cin, std::cout); }

int ScenarioHost::run(std::istream& in, std::ostream& out) {
  // No runtime= key: this is not a .NET process, so leakgate skips SOS for it.
  send(out, "hello " + std::to_string(kProtocolVersion) + " app=" + app_ +
                " pid=" + std::to_string(::getpid()) + " kind=native arch=" + arch());
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string seq, name;
    if (!(words >> seq)) continue;
    if (!(words >> name) || seq.find_first_not_of("0123456789") != std::string::npos) {
      send(out, "error 0 malformed request: expected '<seq> <command> [args]', got '" +
                    one_line(line) + "'");
      continue;
    }
    std::vector<std::string> args;
    for (std::string arg; words >> arg;) args.push_back(arg);
    if (name == "quit") {
      send(out, "ok " + seq + " bye");
      return 0;
    }
    try {
      std::string payload;
      if (name == "ping") {
        payload = "pong";
      } else if (name == "settle") {
        malloc_trim(0);  // the native analogue of a full GC: return freed memory to the system
      } else if (const auto it = commands_.find(name); it != commands_.end()) {
        payload = it->second(args);
      } else {
        throw std::runtime_error("unknown command '" + name + "'");
      }
      send(out, "ok " + seq + (payload.empty() ? "" : " " + one_line(payload)));
    } catch (const std::exception& e) {
      send(out, "error " + seq + " " + one_line(e.what()));
    }
  }
  return 0;
}

}  // namespace leakgate_scenario
