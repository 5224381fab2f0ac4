#include "scenario/step_vars.h"

#include <random>

namespace leakgate {

std::set<std::string> run_variables() { return {"iteration", "run"}; }

bool is_run_variable(const std::string& name) { return name == "iteration" || name == "run"; }

std::string StepVars::bind(const std::string& text) const {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find("${", i);
    const auto close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) break;
    const auto known = values_.find(text.substr(open + 2, close - open - 2));
    out.append(text, i, open - i);
    out += known != values_.end() ? known->second : text.substr(open, close - open + 1);
    i = close + 1;
  }
  return out + text.substr(i);
}

Step StepVars::bind(const Step& step) const {
  if (!step.bound_at_run) return step;
  Step out = step;
  out.url = bind(step.url);
  out.target = {};  // parsed again from the bound url when the step runs
  out.body = bind(step.body);
  for (auto& [name, value] : out.headers) value = bind(value);
  for (auto& word : out.argv) word = bind(word);
  for (auto& word : out.args) word = bind(word);
  if (!out.expect_body.empty() && !out.body_regex) {
    // Checked at load with its variables as 0; a bound value that breaks it fails the step.
    std::string error;
    out.expect_body = bind(step.expect_body);
    out.body_regex = OutputPattern::compile(out.expect_body, error);
  }
  return out;
}

std::string new_run_id() {
  std::random_device random;
  std::uniform_int_distribution<unsigned long long> digits(0, (1ULL << 48) - 1);
  char id[16];
  std::snprintf(id, sizeof id, "%012llx", digits(random));
  return id;
}

}  // namespace leakgate
