#include <csignal>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "collect/memory_classifier.h"
#include "collect/memory_collector.h"
#include "common/errors.h"
#include "common/json_reader.h"
#include "report/memory_report.h"

namespace leakgate {

int summary_command(const SummaryOptions& o) {
  if (o.pid <= 0 || ::kill(o.pid, 0) != 0) {
    throw UsageError("--pid " + std::to_string(o.pid) + ": no such process");
  }
  const MemorySummary summary = classify_memory(read_process_memory(o.pid));
  if (o.json) {
    std::cout << dump_json(memory_to_json(summary, o.modules), 2) << "\n";
  } else {
    write_memory_table(std::cout, summary, o.modules);
  }
  return kExitOk;
}

}  // namespace leakgate
