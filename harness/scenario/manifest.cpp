#include "scenario/manifest.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <set>

#include "common/errors.h"
#include "common/json_reader.h"
#include "common/self_path.h"
#include "scenario/step_vars.h"

namespace leakgate {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kMaxSeconds = 24 * 3600;

// A free TCP port on 127.0.0.1 that the kernel picks (bind to port 0).
int free_loopback_port() {
  int port = 0;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

// The port of a scenario, chosen once per scenario and never the same for two scenarios of one
// process (they may run at once with --jobs).
int scenario_port(Manifest& m) {
  if (m.port != 0) return m.port;
  static std::mutex mutex;
  static std::set<int> handed_out;
  const std::lock_guard<std::mutex> lock(mutex);
  for (int attempt = 0; attempt < 100 && m.port == 0; ++attempt) {
    const int port = free_loopback_port();
    if (port != 0 && handed_out.insert(port).second) m.port = port;
  }
  return m.port;
}

// The variables a text may use: those known when the manifest is loaded, and `at_run` (bound
// while the steps run: StepVars).
using Scope = std::set<std::string>;

// Replaces ${scenarioDir}, ${leakgateBinDir} and ${port}; a variable of `at_run` is left for the
// step runner (and `bound` is set); any other ${...} is an error naming the field.
std::string expand(const std::string& text, Manifest& m, const JsonObjectReader& r,
                   const std::string& key, const Scope& at_run = {}, bool* bound = nullptr) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find("${", i);
    if (open == std::string::npos) break;
    const auto close = text.find('}', open);
    if (close == std::string::npos) r.fail(key, "unterminated ${ in \"" + text + "\"");
    const std::string name = text.substr(open + 2, close - open - 2);
    out += text.substr(i, open - i);
    if (name == "scenarioDir") {
      out += m.directory.string();
    } else if (name == "leakgateBinDir") {
      out += leakgate_bin_dir().string();
    } else if (name == "port") {
      out += std::to_string(scenario_port(m));
    } else if (at_run.contains(name)) {
      out += "${" + name + "}";
      if (bound != nullptr) *bound = true;
    } else if (is_run_variable(name)) {
      r.fail(key, "${" + name +
                      "} is known only while the steps run (in a step's url, headers, "
                      "body, argv or args), not here");
    } else {
      std::string message = "unknown variable ${" + name;
      message += "} (known here: ${scenarioDir}, ${leakgateBinDir}, ${port}";
      for (const auto& v : at_run) message += ", ${" + v + "}";
      r.fail(key, message + ")");
    }
    i = close + 1;
  }
  return out + text.substr(i);
}

// `text` with every ${...} left for the step runner replaced by 0: what a check at load time
// (a url's address) sees.
std::string sample(const std::string& text) {
  std::string out = text;
  for (auto open = out.find("${"); open != std::string::npos; open = out.find("${", open + 1)) {
    const auto close = out.find('}', open);
    if (close == std::string::npos) break;
    out.replace(open, close - open + 1, "0");
  }
  return out;
}

std::vector<std::string> words(JsonObjectReader& r, const std::string& key, bool allow_empty) {
  auto list = r.string_array(key, allow_empty);
  for (std::size_t a = 0; a < list.size(); ++a) {
    if (list[a].empty() || list[a].find_first_of(" \t\r\n") != std::string::npos) {
      r.fail(key, "argument " + std::to_string(a) + " must be one non-empty word");
    }
  }
  return list;
}

// One accepted status: 200, "200", "2xx" or "200-299".
StatusRange read_status(const json& v, const JsonObjectReader& h) {
  const std::string what = "expectStatus";
  const std::string help = " (a status 100-599, \"2xx\", \"200-299\", or a list of them)";
  if (v.is_number_integer()) {
    const auto n = v.get<std::int64_t>();
    if (n < 100 || n > 599) h.fail(what, std::to_string(n) + " is not an HTTP status" + help);
    return {static_cast<int>(n), static_cast<int>(n)};
  }
  if (!v.is_string()) h.fail(what, "not a status" + help);
  const std::string text = v.get<std::string>();
  auto number = [&](const std::string& digits) {
    if (digits.size() != 3 || digits.find_first_not_of("0123456789") != std::string::npos ||
        digits[0] < '1' || digits[0] > '5') {
      h.fail(what, "\"" + text + "\" is not a status" + help);
    }
    return std::stoi(digits);
  };
  if (text.size() == 3 && text.substr(1) == "xx") {
    const int low = number(text.substr(0, 1) + "00");
    return {low, low + 99};
  }
  const auto dash = text.find('-');
  if (dash == std::string::npos) {
    const int n = number(text);
    return {n, n};
  }
  const int low = number(text.substr(0, dash));
  const int high = number(text.substr(dash + 1));
  if (high < low) h.fail(what, "\"" + text + "\" ends before it starts");
  return {low, high};
}

std::vector<StatusRange> read_statuses(JsonObjectReader& h) {
  if (!h.has("expectStatus")) return {{200, 200}};
  const json& v = h.value().at("expectStatus");
  h.accept("expectStatus");
  if (!v.is_array()) return {read_status(v, h)};
  if (v.empty()) h.fail("expectStatus", "an empty list accepts no status");
  std::vector<StatusRange> out;
  for (const auto& one : v) out.push_back(read_status(one, h));
  return out;
}

void read_http(JsonObjectReader h, Step& step, Manifest& m, const Scope& scope) {
  step.kind = Step::Kind::kHttp;
  step.method =
      h.has("method") ? h.choice("method", {"GET", "POST", "PUT", "PATCH", "DELETE"}) : "GET";
  step.url = expand(h.string("url"), m, h, "url", scope, &step.bound_at_run);
  // Traffic stays on this machine: a literal loopback address only, never a name to resolve.
  std::string error;
  const auto target = parse_loopback_url(sample(step.url), error);
  if (!target) h.fail("url", "\"" + step.url + "\" " + error);
  if (!step.bound_at_run) step.target = *target;
  if (auto headers = h.optional_object("headers")) {
    for (const auto& [k, v] : headers->value().items()) {
      if (!v.is_string()) headers->fail(k, "header values must be strings");
      step.headers[k] = expand(v.get<std::string>(), m, *headers, k, scope, &step.bound_at_run);
      headers->accept(k);
    }
  }
  step.body =
      expand(h.optional_string("body").value_or(""), m, h, "body", scope, &step.bound_at_run);
  step.expect_status = read_statuses(h);
  if (auto body = h.optional_string("expectBody")) {
    // With a variable bound while the steps run, compiled again once bound (StepVars).
    bool bound = false;
    step.expect_body = expand(*body, m, h, "expectBody", scope, &bound);
    std::string why;
    step.body_regex = OutputPattern::compile(sample(step.expect_body), why);
    if (!step.body_regex) {
      h.fail("expectBody", "not a valid regular expression (RE2 syntax): " + why);
    }
    if (bound) {
      step.body_regex = nullptr;
      step.bound_at_run = true;
    }
  }
  h.finish();
}

std::vector<Step> read_step_list(const json& steps, const JsonObjectReader& parent,
                                 const std::string& key, Manifest& m, const Scope& scope);

void read_repeat(JsonObjectReader r, Step& step, Manifest& m, const Scope& scope) {
  step.kind = Step::Kind::kRepeat;
  step.times = static_cast<int>(r.integer("times", 0, 1000000));
  if (auto name = r.optional_string("variable")) step.variable = *name;
  const auto& v = step.variable;
  if (v.empty() ||
      v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
                          "0123456789") != std::string::npos ||
      std::isdigit(static_cast<unsigned char>(v[0]))) {
    r.fail("variable", "\"" + v + "\" is not a name (letters, digits, _)");
  }
  if (scope.contains(v) || v == "port" || v == "scenarioDir" || v == "leakgateBinDir") {
    r.fail("variable", "${" + v + "} is taken" +
                           (scope.contains(v) && !is_run_variable(v)
                                ? " by a repeat around this one: name this one's own variable"
                                : ": name the repeat's variable otherwise"));
  }
  const json* steps = r.optional_array("steps");
  if (steps == nullptr) r.fail("steps", "required field is missing");
  if (steps->empty()) r.fail("steps", "needs at least one step");
  Scope inner = scope;
  inner.insert(v);
  step.steps = read_step_list(*steps, r, "steps", m, inner);
  r.finish();
}

Step read_step(JsonObjectReader r, Manifest& m, const Scope& scope) {
  Step step;
  static const std::vector<std::string> kinds = {"command",     "exec",   "http", "waitForOutput",
                                                 "waitForPort", "repeat", "sleep"};
  int found = 0;
  for (const auto& k : kinds) found += r.has(k);
  if (found != 1) {
    r.fail("",
           "a step has exactly one of command, exec, http, waitForOutput, waitForPort, "
           "repeat, sleep");
  }
  if (r.has("command")) {
    step.command = r.string("command");
    if (step.command.empty() || step.command.find_first_of(" \t\r\n") != std::string::npos) {
      r.fail("command", "must be one word");
    }
    if (r.has("args")) step.args = words(r, "args", true);
    for (auto& w : step.args) w = expand(w, m, r, "args", scope, &step.bound_at_run);
  } else if (auto e = r.optional_object("exec")) {
    step.kind = Step::Kind::kExec;
    step.argv = e->string_array("argv", false);
    for (auto& w : step.argv) w = expand(w, m, *e, "argv", scope, &step.bound_at_run);
    step.expect_exit = static_cast<int>(e->optional_integer("expectExit", 0, 255).value_or(0));
    e->finish();
  } else if (auto h = r.optional_object("http")) {
    read_http(*h, step, m, scope);
  } else if (auto w = r.optional_object("waitForOutput")) {
    step.kind = Step::Kind::kWaitForOutput;
    step.pattern = w->string("pattern");
    std::string error;
    step.regex = OutputPattern::compile(step.pattern, error);
    if (!step.regex) w->fail("pattern", "not a valid regular expression (RE2 syntax): " + error);
    step.stream = w->has("stream") ? w->choice("stream", {"stdout", "stderr", "any"}) : "any";
    w->finish();
  } else if (auto p = r.optional_object("waitForPort")) {
    step.kind = Step::Kind::kWaitForPort;
    const std::string port = p->has("port") && p->value().at("port").is_string()
                                 ? expand(p->string("port"), m, *p, "port")
                                 : std::to_string(p->integer("port", 1, 65535));
    try {
      step.port = std::stoi(port);
    } catch (const std::exception&) {
      p->fail("port", "not a port number: " + port);
    }
    p->finish();
  } else if (auto rep = r.optional_object("repeat")) {
    read_repeat(*rep, step, m, scope);
  } else if (auto sl = r.optional_object("sleep")) {
    step.kind = Step::Kind::kSleep;
    if (!sl->has("seconds")) sl->fail("seconds", "required field is missing");
    step.sleep_seconds = *sl->optional_number("seconds", 0, kMaxSeconds);
    sl->finish();
  }
  step.timeout_seconds = r.optional_number("timeoutSeconds", 0.001, kMaxSeconds);
  if (step.timeout_seconds &&
      (step.kind == Step::Kind::kRepeat || step.kind == Step::Kind::kSleep)) {
    r.fail("timeoutSeconds",
           "a " + std::string(step.kind == Step::Kind::kRepeat ? "repeat" : "sleep") +
               " has no timeout of its own (its steps have theirs)");
  }
  r.finish();
  return step;
}

std::vector<Step> read_step_list(const json& steps, const JsonObjectReader& parent,
                                 const std::string& key, Manifest& m, const Scope& scope) {
  std::vector<Step> out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string at = parent.pointer(key) + "/" + std::to_string(i);
    out.push_back(read_step(JsonObjectReader(steps[i], parent.file(), at), m, scope));
    if (!m.protocol && out.back().kind == Step::Kind::kCommand) {
      throw InputError(parent.file(), at, "is a protocol command, but launch.protocol is false");
    }
  }
  return out;
}

std::vector<Step> read_steps(JsonObjectReader& manifest, const std::string& key, bool required,
                             Manifest& m) {
  const json* steps = manifest.optional_array(key);
  if (steps == nullptr) {
    if (required) manifest.fail(key, "required field is missing");
    return {};
  }
  if (required && steps->empty()) manifest.fail(key, "needs at least one step");
  return read_step_list(*steps, manifest, key, m, run_variables());
}

void read_launch(JsonObjectReader launch, Manifest& m) {
  m.argv = launch.string_array("argv", false);
  if (m.argv[0].empty()) launch.fail("argv", "the program (argv[0]) must not be empty");
  for (auto& word : m.argv) word = expand(word, m, launch, "argv");
  m.protocol = launch.optional_bool("protocol").value_or(true);
  if (auto measure = launch.optional_string("measure")) {
    if (*measure != "launched" && *measure != "hello") {
      launch.fail("measure", "must be \"launched\" or \"hello\", not \"" + *measure + "\"");
    }
    m.measure_hello = *measure == "hello";
    if (m.measure_hello && !m.protocol) {
      launch.fail("measure",
                  "\"hello\" reads the process the hello names, but launch.protocol is false");
    }
  }
  if (auto limit = launch.optional_integer("logLimitBytes", 4096, std::int64_t{1} << 40)) {
    m.log_limit_bytes = static_cast<std::uint64_t>(*limit);
  }
  const auto cwd = expand(launch.optional_string("cwd").value_or("."), m, launch, "cwd");
  m.cwd = fs::weakly_canonical(m.directory / cwd);
  std::error_code ec;
  if (!fs::is_directory(m.cwd, ec)) {
    launch.fail("cwd", "\"" + cwd + "\" (" + m.cwd.string() + ") is not an existing folder");
  }
  if (auto env = launch.optional_object("env")) {
    for (const auto& [key, value] : env->value().items()) {
      if (!value.is_string()) env->fail(key, "environment values must be strings");
      if (key.empty() || key.find('=') != std::string::npos)
        env->fail(key, "invalid variable name");
      m.env[key] = expand(value.get<std::string>(), m, *env, key);
      env->accept(key);
    }
  }
  launch.finish();
  // Tiered compilation re-JITs hot methods in the background on a timer: code pages and native
  // heap move between checkpoints for reasons unrelated to leaks. Off unless asked for.
  if (!m.env.contains("DOTNET_TieredCompilation") &&
      std::getenv("DOTNET_TieredCompilation") == nullptr) {
    m.env["DOTNET_TieredCompilation"] = "0";
    m.defaulted_env.emplace_back("DOTNET_TieredCompilation=0");
  }
}

void read_timeouts(JsonObjectReader t, Timeouts& out) {
  auto read = [&](const char* key, double& into) {
    if (auto v = t.optional_number(key, 0.001, kMaxSeconds)) into = *v;
  };
  read("startSeconds", out.start_seconds);
  read("commandSeconds", out.command_seconds);
  read("settleSeconds", out.settle_seconds);
  read("collectSeconds", out.collect_seconds);
  read("shutdownSeconds", out.shutdown_seconds);
  t.finish();
}

void read_settle(JsonObjectReader r, SettleSettings& out, bool protocol) {
  if (r.has("method")) {
    const std::string method = r.choice("method", {"app", "induced-gc", "live-only"});
    if (method == "app" && !protocol) {
      r.fail("method",
             "\"app\" settles with the protocol's settle command, but launch.protocol "
             "is false: use \"induced-gc\" or \"live-only\"");
    }
    out.method = method == "app"          ? SettleMethod::kApp
                 : method == "induced-gc" ? SettleMethod::kInducedGc
                                          : SettleMethod::kLiveOnly;
  }
  if (auto v = r.optional_integer("maxRounds", 2, 100)) out.max_rounds = static_cast<int>(*v);
  if (auto v = r.optional_integer("heapToleranceBytes", 0, std::int64_t{1} << 50)) {
    out.heap_tolerance_bytes = static_cast<std::uint64_t>(*v);
  }
  if (auto v = r.optional_integer("rssToleranceKb", 0, std::int64_t{1} << 40)) {
    out.rss_tolerance_kb = static_cast<std::uint64_t>(*v);
  }
  r.finish();
}

void read_retention(JsonObjectReader r, RetentionSettings& out) {
  if (auto v = r.optional_integer("maxTypes", 0, 1000)) out.max_types = static_cast<int>(*v);
  if (auto v = r.optional_integer("samples", 1, 1000)) out.samples = static_cast<int>(*v);
  if (auto v = r.optional_integer("maxHops", 1, 10000)) out.max_hops = static_cast<int>(*v);
  if (auto v = r.optional_number("seconds", 1, kMaxSeconds)) out.seconds = *v;
  if (auto from = r.optional_string("from")) {
    if (*from != "dump" && *from != "process") {
      r.fail("from", "must be \"dump\" or \"process\", not \"" + *from + "\"");
    }
    out.from_process = *from == "process";
  }
  if (auto census = r.optional_string("census")) {
    if (*census != "warmup" && *census != "onGrowth") {
      r.fail("census", "must be \"warmup\" or \"onGrowth\", not \"" + *census + "\"");
    }
    out.census_on_growth = *census == "onGrowth";
  }
  r.finish();
}

void read_memory_tolerances(JsonObjectReader m, VerdictSettings& out) {
  for (const auto& [name, value] : m.value().items()) {
    MemoryCategory c;
    if (!category_from_name(name, c)) {
      m.fail(name,
             "not a memory category (one of Page Table Pages, Other System, "
             "Code/StaticData, Heap, Stack, Mapped Data, Other Data, Native Data, "
             "Runtime Code)");
    }
    m.accept(name);
    JsonObjectReader t(value, m.file(), m.pointer(name));
    MemoryTolerance tolerance = default_memory_tolerance(c);
    if (auto n = t.optional_number("minGrowthKbPerIteration", 0.001, 1e12)) {
      tolerance.min_growth_kb_per_iteration = *n;
    }
    if (auto n = t.optional_number("relativeTolerance", 0, 1000)) tolerance.relative = *n;
    if (auto n = t.optional_number("absoluteKb", 0, 1e15)) tolerance.absolute_kb = *n;
    t.finish();
    out.memory[c] = tolerance;
  }
}

void read_verdict(JsonObjectReader v, VerdictSettings& out) {
  auto read = [&](const char* key, double max, double& into) {
    if (auto n = v.optional_number(key, 0, max)) into = *n;
  };
  read("minGrowthPerIteration", 1e12, out.min_growth_per_iteration);
  read("relativeTolerance", 1000, out.relative_tolerance);
  read("absoluteCount", 1e15, out.absolute_count);
  read("absoluteBytes", 1e18, out.absolute_bytes);
  read("gcHeapRelativeTolerance", 1000, out.gc_heap_relative_tolerance);
  read("gcHeapAbsoluteBytes", 1e18, out.gc_heap_absolute_bytes);
  read("noiseFloorCount", 1e12, out.noise_floor_count);
  read("noiseFloorKb", 1e12, out.noise_floor_kb);
  if (auto m = v.optional_object("memory")) read_memory_tolerances(*m, out);
  if (auto judge = v.optional_bool("judgeMemory")) out.judge_memory = *judge;
  if (out.min_growth_per_iteration <= 0) {
    v.fail("minGrowthPerIteration", "must be greater than 0");
  }
  v.finish();
}

}  // namespace

Manifest load_manifest(const fs::path& scenario_dir) {
  fs::path directory = fs::absolute(scenario_dir).lexically_normal();
  if (directory.has_filename() == false) directory = directory.parent_path();
  return parse_manifest(read_json_file((directory / "scenario.json").string()), directory);
}

Manifest parse_manifest(const json& doc, const fs::path& scenario_dir) {
  Manifest m;
  m.directory = fs::absolute(scenario_dir).lexically_normal();
  if (m.directory.has_filename() == false) m.directory = m.directory.parent_path();
  m.name = m.directory.filename().string();
  m.file = m.directory / "scenario.json";
  JsonObjectReader r(doc, m.file.string(), "");
  if (auto v = r.optional_integer("schemaVersion", 1, 1)) (void)v;
  (void)r.optional_string("$schema");  // the JSON Schema, for editors (schemas/)
  m.description = r.optional_string("description").value_or("");
  m.expect =
      r.choice("expect", {"pass", "leak"}) == "leak" ? Expectation::kLeak : Expectation::kPass;
  if (r.has("expectFindings")) {
    m.expect_findings = r.string_array("expectFindings", false);
    if (m.expect != Expectation::kLeak)
      r.fail("expectFindings", "only a canary (\"expect\": \"leak\") names its findings");
  }
  auto launch = r.optional_object("launch");
  if (!launch) r.fail("launch", "required field is missing");
  read_launch(*launch, m);
  if (auto t = r.optional_object("timeouts")) read_timeouts(*t, m.timeouts);
  if (!m.protocol) m.settle.method = SettleMethod::kInducedGc;
  if (auto t = r.optional_object("settle")) read_settle(*t, m.settle, m.protocol);
  if (auto t = r.optional_object("retention")) read_retention(*t, m.retention);
  m.ready = read_steps(r, "ready", false, m);
  m.warmup = read_steps(r, "warmup", false, m);
  m.iteration = read_steps(r, "iteration", true, m);
  m.iterations = static_cast<int>(r.integer("iterations", 1, 1000000));
  if (auto k = r.optional_integer("intermediateCheckpoints", 0, 100)) {
    m.intermediate_checkpoints = static_cast<int>(*k);
  }
  m.intermediate_checkpoints = std::min(m.intermediate_checkpoints, m.iterations - 1);
  if (auto v = r.optional_object("verdict")) read_verdict(*v, m.verdict);
  r.finish();
  return m;
}

std::vector<fs::path> find_scenarios(const fs::path& scenarios_dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(scenarios_dir, ec)) {
    throw InputError(scenarios_dir.string(), "", "is not a directory");
  }
  for (const auto& entry : fs::directory_iterator(scenarios_dir)) {
    if (entry.is_directory() && fs::exists(entry.path() / "scenario.json")) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace leakgate
