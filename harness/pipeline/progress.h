#pragma once

#include <string>

namespace leakgate {

// Progress lines on stderr ("leakgate: forms: iteration 10/20"); silent when quiet.
class Progress {
 public:
  explicit Progress(bool quiet) : quiet_(quiet) {}
  void say(const std::string& scenario, const std::string& what) const;

 private:
  bool quiet_;
};

}  // namespace leakgate
