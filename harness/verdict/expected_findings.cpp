#include "verdict/expected_findings.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/edit_distance.h"

namespace leakgate {

namespace {

bool ends_with_name(const std::string& key, const std::string& entry) {
  if (key.size() <= entry.size() ||
      key.compare(key.size() - entry.size(), entry.size(), entry) != 0)
    return false;
  const char before = key[key.size() - entry.size() - 1];
  return before == '.' || before == '+';
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The part of a key after its last `.` or `+` (outside generic arguments), for comparison.
std::string last_name(const std::string& key) {
  const auto generic = key.find('<');
  const std::string head = key.substr(0, generic);
  const auto dot = head.find_last_of(".+");
  return dot == std::string::npos ? head : head.substr(dot + 1);
}

std::string listed(const std::vector<std::string>& keys, std::size_t most) {
  std::string out;
  for (std::size_t i = 0; i < keys.size() && i < most; ++i) out += (i ? ", " : "") + keys[i];
  if (keys.size() > most) out += " and " + std::to_string(keys.size() - most) + " more";
  return out;
}

// The keys an entry nothing matched was probably meant to be: those containing it (case
// ignored), else those whose last name is a few edits from it; growth findings first.
std::vector<std::string> close_keys(const std::string& entry,
                                    const std::vector<std::string>& keys) {
  std::vector<std::string> containing, near;
  const std::string wanted = lower(entry);
  const std::size_t limit = std::max<std::size_t>(2, entry.size() / 4);
  for (const auto& key : keys) {
    if (lower(key).find(wanted) != std::string::npos) {
      containing.push_back(key);
    } else if (edit_distance(last_name(key), last_name(entry)) <= limit ||
               edit_distance(key, entry) <= limit) {
      near.push_back(key);
    }
  }
  return containing.empty() ? near : containing;
}

}  // namespace

std::vector<std::string> uncaught_expected_findings(const std::vector<std::string>& expected,
                                                    const std::vector<Finding>& findings) {
  std::vector<std::string> growth, all;
  std::set<std::string> seen_growth, seen;
  for (const auto& f : findings) {
    if (f.rule == FindingRule::kGrowth && seen_growth.insert(f.type).second)
      growth.push_back(f.type);
  }
  for (const auto& key : growth) seen.insert(key);
  all = growth;
  for (const auto& f : findings) {
    if (seen.insert(f.type).second) all.push_back(f.type);
  }
  std::vector<std::string> notes;
  for (const auto& entry : expected) {
    if (seen_growth.contains(entry)) continue;
    std::vector<std::string> ending;
    for (const auto& key : growth)
      if (ends_with_name(key, entry)) ending.push_back(key);
    if (ending.size() == 1) continue;
    if (ending.size() > 1) {
      notes.push_back("expectFindings \"" + entry + "\" is the end of " +
                      std::to_string(ending.size()) + " growth findings' keys (" +
                      listed(ending, 5) + "): write the whole key of the planted leak");
      continue;
    }
    std::string note = "the canary did not catch its planted leak: no growth finding on \"" +
                       entry + "\" (expectFindings)";
    const auto close = close_keys(entry, all);
    if (!close.empty()) {
      note += "; did you mean " + listed(close, 5) + "?";
    } else if (!growth.empty()) {
      note += "; the growth findings of this run: " + listed(growth, 5);
    }
    notes.push_back(note);
  }
  return notes;
}

}  // namespace leakgate
