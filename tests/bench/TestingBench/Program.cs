// Times leak assertions the way a test suite makes them: a heap of about --heap-mb MB held by a
// static (the test host's own state), then --rounds times: Gate.Watch, Iterate (5 warm-up, 20
// round trips of a tidy operation), AssertNoGrowth. Prints one line per assertion and the median.
// With --leak the round trip keeps what it made (a static list grows by one order each time):
// every assertion fails, and what is timed is a failure with its leak trace.
using System.Diagnostics;
using System.Globalization;
using LeakGate.Testing;

int heapMb = 50, rounds = 5;
bool leak = args.Contains("--leak");
for (int i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--heap-mb") heapMb = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--rounds") rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
}
Host.Fill(heapMb);
Console.WriteLine($"heap: {GC.GetTotalMemory(true) / (1 << 20)} MB held");
var times = new List<double>();
for (int r = 1; r <= rounds; r++)
{
    var watch = Stopwatch.StartNew();
    using (var gate = Gate.Watch(new WatchOptions { Name = $"bench-{r}" }))
    {
        gate.Iterate(warmup: 5, times: 20, () =>
        {
            var order = new List<string> { "book", "pen" };
            if (leak) Host.Orders.Add(order);
            else order.Clear();
        });
        try
        {
            gate.AssertNoGrowth();
            if (leak) throw new InvalidOperationException("the leaking round trip passed AssertNoGrowth");
        }
        catch (LeakException) when (leak)
        {
            // the failure being timed
        }
    }
    times.Add(watch.Elapsed.TotalSeconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"assertion {r}: {watch.Elapsed.TotalSeconds:0.000} s"));
}
times.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median: {times[times.Count / 2]:0.000} s per assertion ({rounds} rounds)"));

internal static class Host
{
    private static readonly List<object> Held = new();
    public static readonly List<List<string>> Orders = new();

    // Records of about 100 bytes with a string each: ~50 MB is half a million objects.
    public static void Fill(int mb)
    {
        long target = (long)mb << 20;
        for (long bytes = 0; bytes < target; bytes += 128)
            Held.Add(new KeyValuePair<string, byte[]>(bytes.ToString(CultureInfo.InvariantCulture), new byte[32]));
    }
}
