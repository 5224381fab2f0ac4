#pragma once

#include <filesystem>
#include <ostream>

#include "verdict/scenario_result.h"

namespace leakgate {

// The short human summary: one line per scenario, then the findings of each.
// `colour`: ANSI colours on the status words (the caller decides: a terminal, NO_COLOR unset).
void write_text_summary(std::ostream& out, const RunResult& run,
                        const std::filesystem::path& report_dir, bool colour = false);

}  // namespace leakgate
