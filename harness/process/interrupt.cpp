#include "process/interrupt.h"

#include <array>
#include <atomic>
#include <csignal>

#include "common/errors.h"

namespace leakgate::interrupt {
namespace {

// Fixed slots so the signal handler touches only lock-free atomics.
constexpr std::size_t kSlots = 256;
std::array<std::atomic<pid_t>, kSlots> g_groups{};
std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig) {
  g_signal.store(sig);
  for (auto& slot : g_groups) {
    const pid_t pgid = slot.load();
    if (pgid > 0) ::kill(-pgid, SIGKILL);
  }
}

}  // namespace

void install_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
  // A child that closes its stdin early must not kill the harness on its next write.
  std::signal(SIGPIPE, SIG_IGN);
}

bool requested() { return g_signal.load() != 0; }

int signal_number() { return g_signal.load(); }

void check() {
  if (requested()) throw InterruptedError();
}

void register_group(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pgid)) return;
  }
}

void unregister_group(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t expected = pgid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

}  // namespace leakgate::interrupt
