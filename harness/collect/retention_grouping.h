#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "collect/gcroot_parser.h"
#include "model/retention.h"

namespace leakgate {

// Names a path's root as a static field when it is one: statics live in an Object[] held by a
// handle, so a handle -> Object[] -> X path whose X is the value of a static field is rooted by
// that field. The Object[] hop is dropped from the chain.
RootPath resolve_static(RootPath path, const std::map<std::uint64_t, StaticField>& statics);

// Root kind, root (the static field, the frame; never a handle's address) and the chain of type
// keys; a cut of the chain is one mark whatever its length.
std::string path_fingerprint(const RootPath& path);

// Groups the paths of the sampled instances (one list per instance) by fingerprint: root kind,
// root (the static field, the handle kind, the frame) and the chain of type keys, never addresses.
// Chains longer than max_hops are cut (the cut is said in the chain). Most instances first.
std::vector<RetentionGroup> group_paths(const std::vector<std::vector<RootPath>>& per_instance,
                                        const std::map<std::uint64_t, StaticField>& statics,
                                        std::size_t max_hops);

}  // namespace leakgate
