#include "model/leak.h"

#include <cmath>
#include <cstdio>
#include <iterator>
#include <stdexcept>

namespace leakgate {

double Leak::per_iteration(std::uint64_t count) const {
  if (head_instances == 0) return 0;
  return static_cast<double>(count) / static_cast<double>(head_instances) *
         head_growth_per_iteration;
}

double Leak::retained_bytes_per_iteration() const { return per_iteration(retained_bytes); }

bool in_a_leak(const LeakAnalysis& analysis, const std::string& type_key) {
  for (const auto& leak : analysis.leaks) {
    for (const auto& m : leak.members) {
      if (m.type == type_key) return true;
    }
  }
  return false;
}

std::string to_string(LeakRelation r) {
  switch (r) {
    case LeakRelation::kHead:
      return "head";
    case LeakRelation::kPath:
      return "path";
    case LeakRelation::kUnder:
      return "under";
    case LeakRelation::kBeside:
      break;
  }
  return "beside";
}

LeakRelation leak_relation_from(const std::string& text) {
  for (const auto r :
       {LeakRelation::kHead, LeakRelation::kPath, LeakRelation::kUnder, LeakRelation::kBeside}) {
    if (to_string(r) == text) return r;
  }
  throw std::invalid_argument("unknown leak relation '" + text + "'");
}

std::string render_hop_field(const LeakHop& hop) {
  std::string out;
  if (!hop.field.empty()) {
    out += hop.field.starts_with('[') ? "" : hop.field.starts_with('(') ? " " : ".";
    out += hop.field;
  }
  if (hop.repeat > 1) out += " x" + std::to_string(hop.repeat);
  if (!hop.note.empty()) out += " " + hop.note;
  return out;
}

std::string render_root(const LeakRoot& root) {
  if (root.kind == "static" || root.kind == "thread static") return root.kind + " " + root.name;
  if (root.kind == "thread stack") return root.name;
  return root.kind;
}

namespace {

std::string hop_text(const LeakHop& hop) { return hop.type + render_hop_field(hop); }

std::string trimmed_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, v >= 10 || v == std::floor(v) ? "%.0f" : "%.1f", v);
  return buffer;
}

}  // namespace

std::string render_leak_path(const Leak& leak) {
  std::string out = render_root(leak.root);
  for (std::size_t i = 0; i < leak.path.size(); ++i) {
    const LeakHop& hop = leak.path[i];
    if (leak.cut > 0 && static_cast<int>(i) == leak.cut_at) {
      out += " -> ... " + std::to_string(leak.cut) + " hops ...";
    }
    out += (hop.first_new ? " => " : " -> ") + hop_text(hop);
  }
  return out;
}

std::vector<std::string> render_leak_chain(const Leak& leak) {
  std::vector<std::string> lines{"   " + render_root(leak.root)};
  for (std::size_t i = 0; i < leak.path.size(); ++i) {
    if (leak.cut > 0 && static_cast<int>(i) == leak.cut_at) {
      lines.push_back("   ... " + std::to_string(leak.cut) + " hops ...");
    }
    lines.push_back((leak.path[i].first_new ? "=> " : "   ") + hop_text(leak.path[i]));
  }
  return lines;
}

std::string render_suspect(const Leak& leak) {
  for (std::size_t i = 0; i < leak.path.size(); ++i) {
    if (!leak.path[i].first_new) continue;
    std::string from = i == 0 ? render_root(leak.root) : hop_text(leak.path[i - 1]);
    return from + " -> " + leak.path[i].type;
  }
  return render_root(leak.root);
}

std::string render_per_iteration(const Leak& leak, std::size_t types) {
  std::string out;
  for (std::size_t i = 0; i < leak.retained.size() && i < types; ++i) {
    const double n = leak.per_iteration(leak.retained[i].count);
    if (n < 0.05) continue;
    out += (out.empty() ? "" : ", ") + trimmed_number(n) + " " + leak.retained[i].type;
  }
  if (leak.retained.size() > types) out += ", ...";
  return out;
}

std::string render_unreachable(const LeakAnalysis& analysis) {
  if (analysis.unreachable.empty()) return "";
  std::string out =
      "garbage waiting for a GC (no root reaches these instances: allocated after the checkpoint's "
      "last collection, or left by a settle that did not collect them; in no leak):";
  for (std::size_t i = 0; i < analysis.unreachable.size(); ++i) {
    out += (i == 0 ? " " : ", ") + analysis.unreachable[i].first + " " +
           std::to_string(analysis.unreachable[i].second);
  }
  return out;
}

std::string render_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  std::size_t u = 0;
  while (bytes >= 1024 && u + 1 < std::size(units)) {
    bytes /= 1024;
    ++u;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buffer;
}

namespace {

// The first line of leak_text and its suspect and cost lines for a leak read from one heap by
// hand: totals instead of what an iteration adds.
std::vector<std::string> one_heap_text(const Leak& leak) {
  std::vector<std::string> lines{"leak trace: " + leak.head + "  " +
                                 std::to_string(leak.head_instances) + " instance(s), retaining " +
                                 render_bytes(static_cast<double>(leak.retained_bytes)) + " in " +
                                 std::to_string(leak.retained_objects) + " object(s)"};
  for (const auto& hop : render_leak_chain(leak)) lines.push_back("  " + hop);
  lines.push_back("    suspect reference: " + render_suspect(leak) +
                  " (into the first instance of the types asked for on the path)");
  std::string held;
  for (std::size_t i = 0; i < leak.retained.size() && i < 6; ++i) {
    held += (held.empty() ? "" : ", ") + std::to_string(leak.retained[i].count) + " " +
            leak.retained[i].type;
  }
  if (!held.empty())
    lines.push_back("    retains: " + held + (leak.retained.size() > 6 ? ", ..." : ""));
  return lines;
}

}  // namespace

std::vector<std::string> leak_text(const Leak& leak) {
  if (leak.one_heap) return one_heap_text(leak);
  char growth[64];
  std::snprintf(growth, sizeof growth, "%+.2f", leak.head_growth_per_iteration);
  std::vector<std::string> lines{"leak: " + leak.head + "  " + growth + "/iteration (" +
                                 std::to_string(leak.head_instances) + " instances), retains " +
                                 render_bytes(leak.retained_bytes_per_iteration()) +
                                 " per iteration"};
  for (const auto& hop : render_leak_chain(leak)) lines.push_back("  " + hop);
  lines.push_back("    suspect reference: " + render_suspect(leak) +
                  " (the first object new per iteration)");
  const std::string added = render_per_iteration(leak, 6);
  if (!added.empty()) lines.push_back("    per iteration: " + added);
  std::string with;
  std::size_t n = 0;
  for (const auto& m : leak.members) {
    if (m.relation == LeakRelation::kHead) continue;
    if (n++ < 4) with += (with.empty() ? "" : ", ") + m.type + " (" + to_string(m.relation) + ")";
  }
  if (n > 0) {
    lines.push_back("    growing with it: " + std::to_string(n) + " type(s): " + with +
                    (n > 4 ? ", ..." : ""));
  }
  return lines;
}

}  // namespace leakgate
