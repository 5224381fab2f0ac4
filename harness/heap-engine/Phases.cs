using System.Diagnostics;
using System.Text.Json;

namespace LeakGate.HeapEngine;

// The time of each phase of an op, in the order they ran, for its reply ("phasesMs"): where the
// time of a large heap goes.
public sealed class Phases
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly List<(string Name, double Ms)> _done = new();

    // Ends the phase running since the last call (or since the start) as `name`.
    public void End(string name)
    {
        _done.Add((name, _watch.Elapsed.TotalMilliseconds));
        _watch.Restart();
    }

    public double Sum(params string[] names) =>
        _done.Where(p => names.Contains(p.Name)).Sum(p => p.Ms);

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject("phasesMs");
        foreach ((string name, double ms) in _done) w.WriteNumber(name, Math.Round(ms, 1));
        w.WriteEndObject();
    }
}
