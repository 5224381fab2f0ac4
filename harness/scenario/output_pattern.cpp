#include "scenario/output_pattern.h"

#include <re2/re2.h>

namespace leakgate {

struct OutputPattern::Impl {
  explicit Impl(const std::string& pattern, const RE2::Options& options) : re(pattern, options) {}
  RE2 re;
};

OutputPattern::OutputPattern(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

OutputPattern::~OutputPattern() = default;

std::shared_ptr<const OutputPattern> OutputPattern::compile(const std::string& pattern,
                                                            std::string& error) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(16 << 20);  // a pattern that needs more is refused, not run slowly
  auto impl = std::make_unique<Impl>(pattern, options);
  if (!impl->re.ok()) {
    error = impl->re.error();
    return nullptr;
  }
  return std::shared_ptr<const OutputPattern>(new OutputPattern(std::move(impl)));
}

bool OutputPattern::search(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), impl_->re);
}

}  // namespace leakgate
