#pragma once

#include <chrono>

namespace leakgate {

using Clock = std::chrono::steady_clock;

// A point in time by which an operation must finish.
class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds budget) : at_(Clock::now() + budget) {}
  static Deadline after_seconds(double seconds) {
    return Deadline(std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0)));
  }
  Clock::time_point at() const { return at_; }
  bool expired() const { return Clock::now() >= at_; }
  std::chrono::milliseconds remaining() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - Clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
  }

 private:
  Clock::time_point at_;
};

}  // namespace leakgate
