#include "report/markdown_report.h"

#include <algorithm>
#include <sstream>
#include <string_view>

#include "common/text_lines.h"
#include "report/markup.h"
#include "report/report_views.h"

namespace leakgate {

namespace {

// Everything shown here may hold text an app or a tool printed: it must stay the text it is, never
// become Markdown (a link, an image, a heading) in a pull-request comment.

std::size_t longest_backtick_run(std::string_view text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

// One line of literal text: a code span whose backtick string is longer than any run inside it
// (CommonMark), so nothing inside can close it. Pipes and line breaks would end a table cell.
std::string code_span(std::string text) {
  for (char& c : text) {
    if (c == '|') c = '/';
    if (c == '\n' || c == '\r') c = ' ';
  }
  const std::string ticks(longest_backtick_run(text) + 1, '`');
  const bool pad = !text.empty() && (text.front() == '`' || text.back() == '`');
  return ticks + (pad ? " " : "") + text + (pad ? " " : "") + ticks;
}

// Several lines of literal text: a fenced block whose fence is longer than any backtick run
// inside it, each line prefixed with `indent`.
std::string code_block(std::string_view text, const std::string& indent = "") {
  const std::string fence(std::max<std::size_t>(3, longest_backtick_run(text) + 1), '`');
  std::string out = indent + fence + "\n";
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    out += indent + std::string(text.substr(start, end - start)) + "\n";
    start = end + 1;
  }
  return out + indent + fence + "\n";
}

// Prose with untrusted parts, inside a line (never at its start): every character that inline
// Markdown acts on (emphasis, code, links, images, autolinks, HTML, entities, tables) is escaped;
// line breaks become spaces.
std::string plain(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (std::string_view("\\`*_[]<>!|~&:").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

const char* icon(const ScenarioResult& s) {
  if (errored(s)) return "⚠️";
  return failed(s) ? "❌" : "✅";
}

// A leak: its head and cost, the path top-down with the first new object marked, the suspect
// reference and what an iteration adds; the types growing with it are in report.json.
std::string leak_markdown(const Leak& leak) {
  std::ostringstream o;
  o << "**Leak: " << code_span(leak.head) << "** "
    << (leak.head_growth_per_iteration >= 0 ? "+" : "")
    << format_number(leak.head_growth_per_iteration, 2) << "/iteration (" << leak.head_instances
    << " instances), retains " << plain(render_bytes(leak.retained_bytes_per_iteration()))
    << " per iteration\n\n";
  std::string chain;
  for (const auto& line : render_leak_chain(leak)) chain += (chain.empty() ? "" : "\n") + line;
  o << code_block(chain) << "\n- suspect reference (into the first object new per iteration): "
    << code_span(render_suspect(leak)) << "\n";
  const std::string added = render_per_iteration(leak, 6);
  if (!added.empty()) o << "- per iteration: " << code_span(added) << "\n";
  if (leak.members.size() > 1) {
    o << "- growing with it: " << leak.members.size() - 1 << " type(s) (report.json)\n";
  }
  return o.str() + "\n";
}

// Where summary.md is read: a pull-request comment holds at most 65,536 characters, and long
// lines wrap badly. Every line is cut in the middle past kMaxLine; past kMaxSummary the rest is
// left to index.html and report.json (an open code block closed first).
constexpr std::size_t kMaxLine = 300;
constexpr std::size_t kMaxSummary = 60'000;

std::string fit_for_comments(const std::string& markdown) {
  const auto lines = text::split_lines(markdown);
  std::string out;
  std::string open_fence;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string line = shorten_middle(lines[i], kMaxLine);
    if (out.size() + line.size() + 1 + open_fence.size() + 200 > kMaxSummary) {
      if (!open_fence.empty()) out += open_fence + "\n";
      out += "\n... " + std::to_string(lines.size() - i) +
             " more line(s): the whole report is in index.html and report.json\n";
      return out;
    }
    const std::string_view trimmed = text::trim(line);
    if (trimmed.starts_with("```")) {
      const std::string fence(trimmed.substr(0, trimmed.find_first_not_of('`')));
      if (open_fence.empty()) {
        open_fence = fence;
      } else if (fence.size() >= open_fence.size() && trimmed.size() == fence.size()) {
        open_fence.clear();
      }
    }
    out += line + "\n";
  }
  return out;
}

// Findings listed per failing scenario; the rest are counted ("N more in index.html").
constexpr std::size_t kFindingsListed = 20;

void write_failure(std::ostringstream& o, const ScenarioResult& s) {
  o << "\n### " << icon(s) << " " << code_span(s.name) << ": " << plain(outcome_of(s)) << "\n\n";
  if (errored(s) && s.error) o << code_block(*s.error);
  for (const auto& leak : s.leak_analysis.leaks) o << leak_markdown(leak);
  if (const auto garbage = render_unreachable(s.leak_analysis); !garbage.empty()) {
    o << "- " << plain(garbage) << "\n";
  }
  const auto others = findings_outside_leaks(s);
  for (std::size_t i = 0; i < others.size() && i < kFindingsListed; ++i) {
    const Finding& f = *others[i];
    o << "- " << code_span(describe_finding(f)) << "\n";
    const auto lines = retention_lines(f);
    if (!lines.empty()) {
      std::string held;
      for (const auto& line : lines) held += (held.empty() ? "" : "\n") + line;
      o << "  <details><summary>held by</summary>\n\n"
        << code_block(held, "  ") << "  </details>\n";
    }
  }
  if (others.size() > kFindingsListed) {
    o << "- ... " << others.size() - kFindingsListed << " more finding(s) in index.html\n";
  }
  for (const auto& note : s.notes) o << "- note: " << plain(note) << "\n";
  for (const auto& d : s.kept_dumps) {
    o << "- dump kept (" << plain(d.checkpoint) << "): " << code_span(open_dump_command(d.path))
      << "\n";
  }
}

// The canaries that caught their planted leak, each with its leak (or headline finding).
std::string caught_canaries(const RunReport& report) {
  std::string list;
  for (const auto& s : report.run.scenarios) {
    if (s.expected != Expectation::kLeak || failed(s)) continue;
    list += "- " + code_span(s.name) + ": ";
    const auto& leaks = s.leak_analysis.leaks;
    if (!leaks.empty()) {
      list += "leak " + code_span(leaks.front().head) + " at " +
              code_span(render_root(leaks.front().root)) + "\n";
      continue;
    }
    const auto ordered = reading_order(s);
    list += ordered.empty() ? std::string("caught") : code_span(describe_finding(*ordered.front()));
    list += "\n";
  }
  return list;
}

}  // namespace

std::string render_markdown(const RunReport& report) {
  const int scenarios = report.scenarios();
  std::ostringstream o;
  o << "## leakgate: ";
  if (report.aborted) {
    o << "⚠️ the run was aborted";
  } else if (report.errors() > 0) {
    o << "⚠️ " << report.errors() << " of " << scenarios << " scenario(s) could not be judged";
  } else if (report.unmet() > 0) {
    o << "❌ " << report.unmet() << " of " << scenarios << " scenario(s) failed";
  } else {
    o << "✅ all " << scenarios << " scenario(s) as expected";
  }
  o << " (exit code " << report.exit_code << ", " << format_number(report.run.seconds, 1)
    << " s)\n\n";
  if (report.aborted) {
    o << "**The run was aborted** (" << plain(report.aborted->kind) << "); no scenario "
      << "result below is complete:\n\n"
      << code_block(report.aborted->message) << "\n";
  }
  o << "| | scenario | expected | verdict | findings | time |\n|---|---|---|---|---|---|\n";
  for (const auto& s : report.run.scenarios) {
    o << "| " << icon(s) << " | " << code_span(s.name) << " | " << plain(to_string(s.expected))
      << " | " << plain(outcome_of(s)) << " | " << s.findings.size() << " | "
      << format_number(s.seconds, 1) << " s |\n";
  }
  for (const auto& s : report.run.scenarios) {
    if (failed(s)) write_failure(o, s);
  }
  const std::string canaries = caught_canaries(report);
  if (!canaries.empty()) {
    o << "\n<details><summary>Canaries caught (planted leaks the gate must find)</summary>\n\n"
      << canaries << "\n</details>\n";
  }
  return fit_for_comments(o.str());
}

}  // namespace leakgate
