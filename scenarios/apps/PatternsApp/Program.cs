using System.Globalization;
using LeakGate.Scenario;

namespace PatternsApp;

/// <summary>
/// The classic .NET leak patterns, each with a correct twin, and two traps that only look like
/// leaks. Usage: PatternsApp --pattern NAME [--variant correct|leak]; command `work N`.
/// Patterns: static-cache, timer, closure, cancellation, unmanaged, blocked-finalizer, weak-table
/// (leak or correct), bounded-cache, array-pool (traps: always correct).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string? pattern = null;
        var variant = "correct";
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--pattern": pattern = args[i + 1]; break;
                case "--variant": variant = args[i + 1]; break;
                default: return Fail($"unknown option '{args[i]}'");
            }
        }
        if (args.Length % 2 != 0) return Fail("options come in pairs: --pattern NAME --variant V");
        if (variant is not ("correct" or "leak")) return Fail("--variant must be correct or leak");
        var leak = variant == "leak";
        IPattern? chosen = pattern switch
        {
            "static-cache" => new StaticCachePattern(leak),
            "timer" => new TimerPattern(leak),
            "closure" => new ClosurePattern(leak),
            "cancellation" => new CancellationPattern(leak),
            "unmanaged" => new UnmanagedPattern(leak),
            "blocked-finalizer" => new BlockedFinalizerPattern(leak),
            "weak-table" => new WeakTablePattern(leak),
            "bounded-cache" => new BoundedCachePattern(),
            "array-pool" => new ArrayPoolPattern(),
            _ => null,
        };
        if (chosen is null) return Fail($"unknown --pattern '{pattern}'");
        var units = 0;
        var rc = new ScenarioHost($"patterns-{pattern}")
            .Command("work", a =>
            {
                var n = a.Length > 0 ? int.Parse(a[0], CultureInfo.InvariantCulture) : 1;
                for (var i = 0; i < n; i++) chosen.Work(++units);
                return string.Create(CultureInfo.InvariantCulture, $"units={units}");
            })
            .Run();
        // The runtime's shutdown waits for the finalizer thread: let a blocked one go.
        FinalizerBlocker.Unblock();
        return rc;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"PatternsApp: {message}");
        return 2;
    }
}
