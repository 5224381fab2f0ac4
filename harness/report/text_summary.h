#pragma once

#include <filesystem>
#include <ostream>

#include "verdict/scenario_result.h"

namespace leakgate {

// The short human summary: one line per scenario, then the findings of each.
void write_text_summary(std::ostream& out, const RunResult& run,
                        const std::filesystem::path& report_dir);

}  // namespace leakgate
