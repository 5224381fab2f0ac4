namespace LeakGate.Testing;

/// <summary>How a <see cref="LeakWatch"/> runs leakgate and where its report goes.</summary>
public sealed class WatchOptions
{
    /// <summary>The report's scenario name (letters, digits, '.', '-', '_'; default: the calling
    /// test method's name).</summary>
    public string? Name { get; set; }

    /// <summary>The leakgate command. Default: $LEAKGATE, else the leakgate of the nearest
    /// .NET tool manifest (restored with <c>dotnet tool restore</c>), else <c>leakgate</c> on PATH
    /// or in ~/.dotnet/tools (<c>dotnet tool install -g leakgate</c>).</summary>
    public string? Leakgate { get; set; }

    /// <summary>Where the report (report.json, index.html, the raw output) is written. Default:
    /// $LEAKGATE_REPORT_DIR/&lt;name&gt;, else TestResults/leakgate/&lt;name&gt; under the working
    /// directory (the test project's output folder under <c>dotnet test</c>).</summary>
    public string? ReportDirectory { get; set; }

    /// <summary>Instances per iteration that make a type a leak (leakgate's
    /// <c>verdict.minGrowthPerIteration</c>; default 1: one object kept per round trip).</summary>
    public double MinGrowthPerIteration { get; set; } = 1;

    /// <summary>Known leaks checked into the test project: a file in leakgate's
    /// <c>known-leaks.json</c> format (<c>{"schemaVersion": 1, "entries": [{"scenario": "TestName",
    /// "type": "MyApp.Cache+Entry", "reason": "..."}]}</c>; <c>"*"</c> for every test). The types it
    /// names for this test are reported as suppressed (<see cref="LeakRun.Suppressed"/>), not
    /// failed; an entry that matched nothing is reported as stale. A relative path is taken from
    /// the test assembly's folder (copy the file there: <c>CopyToOutputDirectory</c>). Default:
    /// none.</summary>
    public string? KnownLeaksFile { get; set; }

    /// <summary>The most a whole run may take (default 5 minutes); leakgate is stopped after it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
}
