#include "model/retention.h"

namespace leakgate {

std::string render_path(const RootPath& p) {
  std::string out = p.root_kind == "static"         ? "static " + p.root
                    : p.root_kind == "thread stack" ? p.root
                                                    : p.root_kind;
  for (const auto& hop : p.chain) out += " -> " + hop.type;
  return out;
}

}  // namespace leakgate
