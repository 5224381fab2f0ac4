#include <csignal>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/errors.h"
#include "runtime/diagnostics_ipc.h"

namespace leakgate {

int gc_command(const GcOptions& o) {
  if (o.pid <= 0 || ::kill(o.pid, 0) != 0) {
    throw UsageError("--pid " + std::to_string(o.pid) + ": no such process");
  }
  diagnostics::induce_full_gc(o.pid, Deadline::after_seconds(o.timeout_seconds));
  std::cout << "process " << o.pid << ": full blocking GC done\n";
  return kExitOk;
}

}  // namespace leakgate
