#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace leakgate {

// A waitForOutput pattern, compiled once when the manifest is loaded. Matching uses RE2 (linear in
// the text, bounded stack and memory, whatever the pattern): an app's output is untrusted and can
// be large, and a backtracking engine (std::regex) overflows its stack or runs for ever on
// patterns such as `[\s\S]*x` or `(.|\n)*x` over a few tens of KB.
class OutputPattern {
 public:
  // nullptr with `error` set when RE2 rejects the pattern (its syntax: RE2's, close to
  // ECMAScript without backreferences and lookaround).
  static std::shared_ptr<const OutputPattern> compile(const std::string& pattern,
                                                      std::string& error);
  ~OutputPattern();
  OutputPattern(const OutputPattern&) = delete;
  OutputPattern& operator=(const OutputPattern&) = delete;

  // Whether the pattern matches anywhere in `text`.
  bool search(std::string_view text) const;

 private:
  struct Impl;
  explicit OutputPattern(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leakgate
