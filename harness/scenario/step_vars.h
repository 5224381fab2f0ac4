#pragma once

#include <map>
#include <set>
#include <string>

#include "scenario/step.h"

namespace leakgate {

// The variables of a manifest's steps that are known only while the steps run: ${iteration}
// (1-based round trip; 0 in the ready steps and the warm-up), ${run} (an id unique to one launch
// of the app) and each repeat's own (${i} unless the repeat names another).
std::set<std::string> run_variables();
bool is_run_variable(const std::string& name);

class StepVars {
 public:
  void set(const std::string& name, std::string value) { values_[name] = std::move(value); }
  void erase(const std::string& name) { values_.erase(name); }

  // `text` with every ${name} of a bound variable replaced (the manifest's loader checked that
  // no other is left).
  std::string bind(const std::string& text) const;
  // The step with its texts bound (url, headers, body, argv, a command's args); a step without
  // such variables as it is.
  Step bind(const Step& step) const;

 private:
  std::map<std::string, std::string> values_;
};

// An id for one launch of an app: 12 hex digits, different for every launch.
std::string new_run_id();

}  // namespace leakgate
