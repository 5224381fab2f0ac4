#pragma once

#include <string>
#include <string_view>

namespace leakgate {

// The stable key of a managed type name: the ordinals the C# compiler puts into generated names
// are replaced by '#', so adding a lambda or an async method elsewhere in a class (which shifts
// them) does not rename types in baselines.
//   Program+<>c__DisplayClass12_0   -> Program+<>c__DisplayClass#     (closure classes)
//   Service+<LoadAsync>d__5          -> Service+<LoadAsync>d__#         (async / iterator machines)
//   <>f__AnonymousType3`2<A, B>      -> <>f__AnonymousType#`2<A, B>     (anonymous types)
//   Program+<>c__12`1                -> Program+<>c__#`1               (generic lambda caches)
// Names inside generic arguments are normalised too. Other names are returned unchanged.
std::string type_key(std::string_view type_name);

// SOS's pseudo-type for the free space between objects (`dumpheap -stat`'s "Free" row).
inline constexpr std::string_view kFreeSpaceType = "Free";

// Whether a type belongs to the runtime or the framework (System.*, Microsoft.*, the GC's Free),
// not to the app: readers and the retention analysis put the app's own types first.
bool is_framework_type(std::string_view type_name);

// Whether the compiler made the type (a closure's display class, an async or iterator state
// machine, an anonymous type, a lambda cache): never the object a developer owns, so never the
// head of a leak, only on its path.
bool is_compiler_generated(std::string_view type_name);

}  // namespace leakgate
