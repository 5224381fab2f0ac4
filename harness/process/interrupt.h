#pragma once

#include <sys/types.h>

namespace leakgate::interrupt {

// SIGINT, SIGTERM and SIGHUP kill every registered child process group at once (so no wait blocks
// on them) and raise a flag that the waiting loops turn into an InterruptedError; the stack then
// unwinds through the RAII owners, which reap the children and delete temporary files.
void install_handlers();

bool requested();

// Throws InterruptedError when an interrupt was requested.
void check();

// The signal number that interrupted the run, or 0.
int signal_number();

void register_group(pid_t pgid);
void unregister_group(pid_t pgid);

}  // namespace leakgate::interrupt
