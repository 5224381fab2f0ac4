using System.Text.Json;

namespace LeakGate.Testing;

/// <summary>A finding of a run: a type (or memory category) that grew.</summary>
/// <param name="Kind">"managed" (a type) or "memory" (a memory category).</param>
/// <param name="Type">The type (as the heap engine names it) or the category.</param>
/// <param name="Metric">"instances" or "bytes".</param>
/// <param name="GrowthPerIteration">The fitted growth per round trip.</param>
public sealed record Finding(string Kind, string Type, string Metric, double GrowthPerIteration);

/// <summary>What one <see cref="LeakWatch.Iterate"/> found: the verdict of leakgate's run and its
/// findings, from its report.json, and what it printed.</summary>
public sealed class LeakRun
{
    /// <summary>"pass", "leak", "regression" or "error" (leakgate's verdict).</summary>
    public required string Verdict { get; init; }
    /// <summary>What grew: leakgate's findings.</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }
    /// <summary>What grew but is a known leak (<see cref="WatchOptions.KnownLeaksFile"/>): not a
    /// failure.</summary>
    public IReadOnlyList<Finding> Suppressed { get; init; } = [];
    /// <summary>The heads of the leaks (the app types nearest the root that grow).</summary>
    public required IReadOnlyList<string> LeakHeads { get; init; }
    /// <summary>The folder of report.json and index.html.</summary>
    public required string ReportDirectory { get; init; }
    /// <summary>The leak traces and the summary as leakgate printed them.</summary>
    public required string Output { get; init; }

    private static Finding FindingOf(JsonElement f) => new(
        f.GetProperty("kind").GetString() ?? "",
        f.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? "" :
        f.TryGetProperty("category", out JsonElement c) ? c.GetString() ?? "" : "",
        f.TryGetProperty("metric", out JsonElement m) ? m.GetString() ?? "" : "",
        f.TryGetProperty("growthPerIteration", out JsonElement g) && g.ValueKind == JsonValueKind.Number ? g.GetDouble() : 0);

    internal static LeakRun Read(string reportDir, string scenario, string output)
    {
        string file = Path.Combine(reportDir, "report.json");
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonElement s in doc.RootElement.GetProperty("scenarios").EnumerateArray())
            {
                if (s.GetProperty("name").GetString() != scenario) continue;
                var findings = s.GetProperty("findings").EnumerateArray().Select(FindingOf).ToList();
                var suppressed = s.TryGetProperty("suppressed", out JsonElement known)
                    ? known.EnumerateArray().Select(FindingOf).ToList()
                    : new List<Finding>();
                var heads = s.TryGetProperty("leaks", out JsonElement leaks)
                    ? leaks.EnumerateArray().Select(l => l.GetProperty("head").GetString() ?? "").ToList()
                    : new List<string>();
                return new LeakRun
                {
                    Verdict = s.GetProperty("verdict").GetString() ?? "",
                    Findings = findings,
                    Suppressed = suppressed,
                    LeakHeads = heads,
                    ReportDirectory = reportDir,
                    Output = output,
                };
            }
            throw new LeakGateException($"{file} holds no scenario {scenario}");
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new LeakGateException($"cannot read leakgate's report {file}: {e.Message}");
        }
    }
}
