#pragma once

// The app side of the leakgate control protocol (scenarios/PROTOCOL.md) for C++ programs: register
// commands, call run(). The built-in commands ping, settle (malloc_trim: hand freed memory back)
// and quit are answered here.

#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace leakgate_scenario {

class ScenarioHost {
 public:
  // Returns the payload of the ok reply; throwing std::exception makes an error reply.
  using Handler = std::function<std::string(const std::vector<std::string>& args)>;

  explicit ScenarioHost(std::string app_name);

  ScenarioHost& command(const std::string& name, Handler handler);

  // Sends hello, then serves requests from `in` until quit or end of input. Returns the exit code.
  int run(std::istream& in, std::ostream& out);
  int run();  // on stdin / stdout

 private:
  std::string app_;
  std::map<std::string, Handler> commands_;
};

}  // namespace leakgate_scenario
