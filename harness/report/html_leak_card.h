#pragma once

#include <string>

#include "model/leak.h"
#include "verdict/finding.h"

namespace leakgate {

// A type name as HTML, cut in the middle past `max` bytes with the whole name in its title.
std::string html_type_name(const std::string& type, std::size_t max = 120);

// One leak as an HTML card: its head and cost, the path drawn as a vertical chain from the root
// with the suspect reference (into the first object new per iteration) highlighted, what one
// iteration adds, the growth chart of its head (`head_finding`, when there is one) and, folded,
// the growing types it carries.
std::string html_leak_card(const Leak& leak, const Finding* head_finding);

// The growth chart of a finding: its value per checkpoint.
std::string finding_chart(const Finding& f);

}  // namespace leakgate
