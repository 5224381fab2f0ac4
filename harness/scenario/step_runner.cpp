#include "scenario/step_runner.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "common/errors.h"
#include "common/text_lines.h"
#include "process/child_process.h"
#include "process/interrupt.h"

namespace leakgate {

namespace {

constexpr auto kPoll = std::chrono::milliseconds(20);

bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

std::string wait_for_port(ScenarioSession& session, const Step& step, Deadline deadline,
                          const std::string& doing, double seconds) {
  while (!port_open(step.port)) {
    session.check_alive(doing);
    interrupt::check();
    if (deadline.expired()) {
      session.fail(doing, "nothing accepted connections on 127.0.0.1:" + std::to_string(step.port) +
                              " within " + text::seconds(seconds));
    }
    std::this_thread::sleep_for(kPoll);
  }
  return "port " + std::to_string(step.port) + " open";
}

std::string wait_for_output(ScenarioSession& session, const Step& step, Deadline deadline,
                            const std::string& doing, double seconds) {
  std::string error;
  const auto pattern = step.regex ? step.regex : OutputPattern::compile(step.pattern, error);
  if (!pattern) session.fail(doing, "invalid regular expression: " + error);
  while (!pattern->search(session.output(step.stream))) {
    session.check_alive(doing);
    interrupt::check();
    if (deadline.expired()) {
      session.fail(doing, "the app's " + step.stream + " did not match /" + step.pattern +
                              "/ within " + text::seconds(seconds));
    }
    std::this_thread::sleep_for(kPoll);
  }
  return "matched";
}

std::string http(ScenarioSession& session, const Step& step, double seconds,
                 const std::string& doing) {
  // The address was checked when the manifest was loaded: a loopback literal, nothing resolved.
  std::string error;
  const auto target = step.target.address.empty() ? parse_loopback_url(step.url, error)
                                                  : std::optional<LoopbackUrl>(step.target);
  if (!target) session.fail(doing, "url " + error);
  const std::string& path = target->target;
  httplib::Client client(target->address, target->port);
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  httplib::Headers headers(step.headers.begin(), step.headers.end());
  if (!step.headers.contains("Host")) headers.emplace("Host", target->host_header);
  const std::string type =
      step.headers.contains("Content-Type") ? step.headers.at("Content-Type") : "application/json";
  auto send = [&]() -> httplib::Result {
    if (step.method == "GET") return client.Get(path, headers);
    if (step.method == "POST") return client.Post(path, headers, step.body, type);
    if (step.method == "PUT") return client.Put(path, headers, step.body, type);
    if (step.method == "DELETE") return client.Delete(path, headers, step.body, type);
    if (step.method == "PATCH") return client.Patch(path, headers, step.body, type);
    session.fail(doing, "unsupported method " + step.method + " (GET, POST, PUT, PATCH, DELETE)");
  };
  const httplib::Result result = send();
  if (!result) {
    session.check_alive(doing);
    session.fail(doing, "request failed: " + httplib::to_string(result.error()));
  }
  const int status = result->status;
  const bool accepted =
      std::any_of(step.expect_status.begin(), step.expect_status.end(),
                  [&](const StatusRange& r) { return status >= r.first && status <= r.second; });
  if (!accepted) {
    std::string body = result->body.substr(0, 500);
    session.fail(doing, "status " + std::to_string(status) + ", expected " +
                            describe_statuses(step.expect_status) +
                            (body.empty() ? "" : ": " + body));
  }
  if (!step.expect_body.empty() && !step.body_regex) {
    session.fail(doing, "expectBody /" + step.expect_body +
                            "/ is not a valid regular expression once its variables are bound");
  }
  if (step.body_regex && !step.body_regex->search(result->body)) {
    std::string body = result->body.substr(0, 500);
    session.fail(doing, "status " + std::to_string(status) + ", but the body did not match /" +
                            step.expect_body + "/ (expectBody)" +
                            (body.empty() ? ": the body was empty" : ": " + body));
  }
  return "status " + std::to_string(status);
}

// A pause of the scenario's own (an app that works in the background after a request), ended
// early by the app exiting or an interrupt.
std::string sleep(ScenarioSession& session, const Step& step, const std::string& doing) {
  const Deadline until = Deadline::after_seconds(step.sleep_seconds);
  while (!until.expired()) {
    session.check_alive(doing);
    interrupt::check();
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(kPoll * 5, until.remaining()));
  }
  return "slept";
}

std::string exec(ScenarioSession& session, const Step& step, const Manifest& m, Deadline deadline,
                 const std::string& doing) {
  SpawnSpec spec;
  spec.argv = step.argv;
  spec.cwd = m.directory;
  spec.keep_bytes = 1 << 20;  // what a message can show of it; a flood must not fill memory
  ToolRun run;
  try {
    run = run_to_completion(spec, deadline);
  } catch (const SpawnError& e) {
    session.fail(doing, e.what());
  }
  if (run.timed_out) session.fail(doing, "did not finish in time");
  if (run.status.signaled || run.status.value != step.expect_exit) {
    session.fail(doing, run.status.describe() + ", expected exit code " +
                            std::to_string(step.expect_exit) + ": " + run.err.substr(0, 500));
  }
  return run.status.describe();
}

}  // namespace

std::string run_step(ScenarioSession& session, const Step& step, const Manifest& m) {
  if (step.kind == Step::Kind::kCommand) return session.run(step);
  const double seconds = step.timeout_seconds.value_or(m.timeouts.command_seconds);
  const Deadline deadline = Deadline::after_seconds(seconds);
  const std::string doing = "step " + step.describe();
  switch (step.kind) {
    case Step::Kind::kWaitForPort:
      return wait_for_port(session, step, deadline, doing, seconds);
    case Step::Kind::kWaitForOutput:
      return wait_for_output(session, step, deadline, doing, seconds);
    case Step::Kind::kHttp:
      return http(session, step, seconds, doing);
    case Step::Kind::kExec:
      return exec(session, step, m, deadline, doing);
    case Step::Kind::kSleep:
      return sleep(session, step, doing);
    case Step::Kind::kCommand:
    case Step::Kind::kRepeat:
      break;
  }
  return "";
}

void run_steps(ScenarioSession& session, const std::vector<Step>& steps, const Manifest& m,
               StepVars& vars) {
  for (const Step& step : steps) {
    if (step.kind == Step::Kind::kRepeat) {
      for (int i = 0; i < step.times; ++i) {
        vars.set(step.variable, std::to_string(i));
        run_steps(session, step.steps, m, vars);
      }
      vars.erase(step.variable);
      continue;
    }
    const Step bound = vars.bind(step);
    const auto started = Clock::now();
    const std::string outcome = run_step(session, bound, m);
    if (bound.kind == Step::Kind::kCommand) continue;  // the protocol's lines are logged already
    const double took = std::chrono::duration<double>(Clock::now() - started).count();
    session.log_step(bound.describe() + ": " + outcome + " (" + text::seconds(took) + ")");
  }
}

}  // namespace leakgate
