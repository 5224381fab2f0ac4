using System.Runtime.CompilerServices;

namespace LeakGate.Testing;

/// <summary>
/// Leak assertions inside a test. <c>using var gate = Gate.Watch();</c>, then
/// <see cref="LeakWatch.Iterate"/> runs a round trip after a warm-up while leakgate reads this
/// process's heap at checkpoints (settled in-process first), and <see cref="LeakWatch.AssertNoGrowth"/>
/// fails the test when the round trip leaves objects behind, with the leak trace leakgate prints.
/// (Not <c>LeakGate.Watch()</c>: <c>LeakGate</c> is this package's namespace, which a type of the
/// same name would be hidden behind.)
/// </summary>
public static class Gate
{
    /// <summary>Watches this process. The report is named after the calling test method unless
    /// <see cref="WatchOptions.Name"/> says otherwise.</summary>
    public static LeakWatch Watch(WatchOptions? options = null, [CallerMemberName] string caller = "") =>
        new(options ?? new WatchOptions(), caller);
}
