using System.Globalization;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeakGate.Scenario;

namespace LeakGate.Testing;

/// <summary>
/// Watches this process for leaks (<see cref="Gate.Watch"/>). <see cref="Iterate"/> runs
/// <c>leakgate run</c> on a scenario whose app is this process: leakgate sends the warm-up and the
/// round trips as protocol commands over a Unix socket (through <c>leakgate relay</c>), this
/// process runs each on the thread that called Iterate, settles itself when asked (full blocking
/// compacting GC, finalizers, GC again), and leakgate reads its heap from outside at the
/// checkpoints. The verdict is leakgate's own, by the rules of the command line.
/// </summary>
public sealed class LeakWatch : IDisposable
{
    private const int MessageLimit = 6000;
    // One leakgate reading this process at a time (two engines cannot attach at once, and one
    // run's round trips would be the other's noise).
    private static readonly object OneAtATime = new();
    private readonly WatchOptions _options;
    private readonly string _name;
    private readonly string _work;  // private: the scenario, its socket

    internal LeakWatch(WatchOptions options, string caller)
    {
        _options = options;
        _name = Sanitize(options.Name ?? caller);
        RemoveLeftovers();
        _work = Directory.CreateTempSubdirectory(WorkPrefix + Environment.ProcessId + "-").FullName;  // 0700
    }

    private const string WorkPrefix = "leakgate-watch-";

    // The work folders of test processes that were killed before they could remove theirs
    // (leakgate-watch-<pid>-*: a scenario and a socket), where that process is gone.
    private static int _leftoversRemoved;

    // Once per process: a test process's own watches remove theirs when disposed.
    private static void RemoveLeftovers()
    {
        if (Interlocked.Exchange(ref _leftoversRemoved, 1) == 1) return;
        if (!OperatingSystem.IsLinux()) return;  // /proc tells whether the owner is gone
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        IEnumerable<string> dirs;
        try
        {
            dirs = Directory.GetDirectories(Path.GetTempPath(), WorkPrefix + "*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (string dir in dirs)
        {
            string[] parts = Path.GetFileName(dir)[WorkPrefix.Length..].Split('-', 2);
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}")) continue;
            try
            {
                if (!Directory.Exists(Path.Combine(dir, "scenarios")) || File.GetUnixFileMode(dir) != Private) continue;
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another user's, or removed meanwhile: left alone
            }
        }
    }

    /// <summary>What the last <see cref="Iterate"/> found.</summary>
    public LeakRun? LastRun { get; private set; }

    /// <summary>The report folder of this watch.</summary>
    public string ReportDirectory =>
        _options.ReportDirectory ?? Path.Combine(
            Environment.GetEnvironmentVariable("LEAKGATE_REPORT_DIR") is { Length: > 0 } root
                ? root
                : Path.Combine(Directory.GetCurrentDirectory(), "TestResults", "leakgate"), _name);

    /// <summary>Runs <paramref name="roundTrip"/> <paramref name="warmup"/> times, then
    /// <paramref name="times"/> times with heap checkpoints between (after the warm-up, twice on
    /// the way, at the end), on this thread. An exception of the round trip ends the run and is
    /// thrown again here as it was.</summary>
    public LeakRun Iterate(int warmup, int times, Action roundTrip)
    {
        lock (OneAtATime) return IterateAlone(warmup, times, roundTrip);
    }

    private LeakRun IterateAlone(int warmup, int times, Action roundTrip)
    {
        ArgumentNullException.ThrowIfNull(roundTrip);
        if (warmup < 1) throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "at least one warm-up round trip");
        if (times < 4)
            throw new ArgumentOutOfRangeException(nameof(times), times, "at least 4 round trips (growth is fitted over 4 checkpoints)");
        string leakgate = LeakgateCommand.Find(_options);
        string socketPath = SocketPath();
        WriteScenario(socketPath, warmup, times);
        string reportDir = ReportDirectory;
        Directory.CreateDirectory(reportDir);

        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        if (File.Exists(socketPath)) File.Delete(socketPath);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);
        var deadline = DateTime.UtcNow + _options.Timeout;
        using var run = new LeakgateProcess(leakgate, [
            "run", "--scenarios-dir", Path.Combine(_work, "scenarios"), "--baselines-dir", Path.Combine(_work, "baselines"),
            "--report-dir", reportDir, "--scenario", _name, "-q",
        ]);
        ExceptionDispatchInfo? failed = null;
        using (Socket? connection = Accept(listener, run, deadline))
        {
            if (connection is not null)
            {
                connection.ReceiveTimeout = (int)Math.Clamp(_options.Timeout.TotalMilliseconds, 1, int.MaxValue);
                using var stream = new NetworkStream(connection, ownsSocket: false);
                using var reader = new StreamReader(stream, new UTF8Encoding(false));
                using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
                // Types only are judged: the settles need not compact (half the time).
                var host = new ScenarioHost(_name, reader, writer) { CompactOnSettle = false }.Command("iterate", _ =>
                {
                    try
                    {
                        roundTrip();
                    }
                    catch (Exception e)
                    {
                        failed ??= ExceptionDispatchInfo.Capture(e);
                        throw;
                    }
                });
                try
                {
                    host.Run();
                }
                catch (IOException e)
                {
                    throw new LeakGateException($"leakgate stopped answering ({e.Message}); its output:\n" +
                                                LeakgateProcess.Tail(run.Stdout + run.Stderr, 4000));
                }
            }
        }
        TimeSpan left = deadline - DateTime.UtcNow;
        int code = run.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero, "the run");
        failed?.Throw();
        if (code is not (0 or 1))
        {
            throw new LeakGateException($"leakgate run exited {code}:\n" +
                                        LeakgateProcess.Tail(run.Stderr + run.Stdout, 4000) +
                                        $"\nreport: {reportDir}");
        }
        LastRun = LeakRun.Read(reportDir, _name, run.Stdout);
        return LastRun;
    }

    /// <summary>Fails when a type grew over the round trips of the last <see cref="Iterate"/>
    /// (leakgate's managed findings; memory categories are left to scenarios, since a test host's
    /// native memory is the test runner's too), but the types named in <paramref name="ignore"/>
    /// (as leakgate names them: <c>System.String</c>, <c>MyApp.Cache+Entry</c>).</summary>
    public void AssertNoGrowth(params string[] ignore)
    {
        LeakRun last = LastRun ?? throw new InvalidOperationException("AssertNoGrowth before Iterate");
        var growing = last.Findings.Where(f => f.Kind == "managed" && !ignore.Contains(f.Type)).ToList();
        if (growing.Count > 0) throw Failure(last, growing);
    }

    /// <summary>Fails when instances of <typeparamref name="T"/> grew over the round trips of the
    /// last <see cref="Iterate"/>.</summary>
    public void AssertNoGrowth<T>()
    {
        LeakRun last = LastRun ?? throw new InvalidOperationException("AssertNoGrowth before Iterate");
        string type = TypeNames.Of(typeof(T));
        var growing = last.Findings.Where(f => f.Kind == "managed" && f.Type == type).ToList();
        if (growing.Count > 0) throw Failure(last, growing);
    }

    /// <summary>Fails when an instance of <typeparamref name="T"/> is still alive once this
    /// process has settled (full blocking compacting GC, finalizers, GC again), with what holds
    /// it (<c>leakgate roots</c>).</summary>
    public void AssertNoInstances<T>()
    {
        lock (OneAtATime) AssertNoInstancesAlone<T>();
    }

    private void AssertNoInstancesAlone<T>()
    {
        string type = TypeNames.Of(typeof(T));
        string leakgate = LeakgateCommand.Find(_options);
        ScenarioHost.Settle(compact: false);
        string pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        long count;
        using (var heapstat = new LeakgateProcess(leakgate, ["heapstat", "--pid", pid, "--json"]))
        {
            int code = heapstat.Wait(_options.Timeout, "reading the heap");
            if (code != 0) throw new LeakGateException($"leakgate heapstat exited {code}: {LeakgateProcess.Tail(heapstat.Stderr, 4000)}");
            count = InstancesOf(heapstat.Stdout, type);
        }
        if (count == 0) return;
        using var roots = new LeakgateProcess(leakgate, ["roots", "--pid", pid, "--type", type]);
        roots.Wait(_options.Timeout, "finding what holds " + type);
        throw new LeakException(Bound($"{count} instance(s) of {type} alive after a full GC; what holds them:\n{roots.Stdout}"), null);
    }

    /// <summary>Deletes the scenario and its socket (the report stays).</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private LeakException Failure(LeakRun run, List<Finding> growing)
    {
        string types = string.Join(", ", growing.Select(f => $"{f.Type} +{f.GrowthPerIteration.ToString("0.##", CultureInfo.InvariantCulture)}/iteration"));
        string index = Path.Combine(run.ReportDirectory, "index.html");
        return new LeakException(
            Bound($"leakgate: {_name}: {growing.Count} type(s) grew per round trip: {types}\n{Trace(run.Output)}") +
            $"\nfull report: {index} (report.json beside it)", run.ReportDirectory);
    }

    // The leak traces leakgate printed: from the scenario's "N leak(s)" line on, without the
    // memory summary, the notes and the report path (said apart).
    private string Trace(string output)
    {
        string[] lines = output.Split('\n');
        int from = Array.FindIndex(lines, l => l.StartsWith(_name + ": ", StringComparison.Ordinal));
        return string.Join('\n', lines.Skip(Math.Max(from, 0)).Where(l =>
            !l.StartsWith("report: ", StringComparison.Ordinal) &&
            !l.TrimStart().StartsWith("memory (", StringComparison.Ordinal) &&
            !l.TrimStart().StartsWith("note (", StringComparison.Ordinal))).Trim();
    }

    private static string Bound(string message) =>
        message.Length <= MessageLimit ? message : message[..MessageLimit] + $"\n... ({message.Length - MessageLimit} more characters in the report)";

    private static long InstancesOf(string heapstatJson, string type)
    {
        try
        {
            JsonNode? doc = JsonNode.Parse(heapstatJson);
            return doc?["types"]?.AsArray().Where(t => t?["type"]?.GetValue<string>() == type)
                .Sum(t => t!["count"]!.GetValue<long>()) ?? 0;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new LeakGateException($"cannot read leakgate heapstat's output: {e.Message}");
        }
    }

    private static Socket? Accept(Socket listener, LeakgateProcess run, DateTime deadline)
    {
        Task<Socket> accept = listener.AcceptAsync();
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return null;  // Wait() then says it overran
            int done = Task.WaitAny([accept, run.Exited], left);
            if (done == 0) return accept.Result;
            if (done == 1) return null;  // leakgate ended before it launched the relay
        }
    }

    // Short enough for a Unix socket's address (107 bytes).
    private string SocketPath()
    {
        string path = Path.Combine(_work, "p.sock");
        if (Encoding.UTF8.GetByteCount(path) < 100) return path;
        string dir = Directory.CreateTempSubdirectory("lg").FullName;
        return Path.Combine(dir, "p.sock");
    }

    private void WriteScenario(string socketPath, int warmup, int times)
    {
        JsonNode Iterate() => new JsonObject { ["command"] = "iterate" };
        var manifest = new JsonObject
        {
            ["description"] = $"{_name}: a test's round trip, {times} times after {warmup} to warm up (LeakGate.Testing)",
            ["expect"] = "pass",
            ["launch"] = new JsonObject
            {
                ["argv"] = new JsonArray("${leakgateBinDir}/leakgate", "relay", "--socket", socketPath),
                ["measure"] = "hello",
            },
            ["warmup"] = new JsonArray(new JsonObject
            {
                ["repeat"] = new JsonObject { ["times"] = warmup, ["steps"] = new JsonArray(Iterate()) },
            }),
            ["iteration"] = new JsonArray(Iterate()),
            ["iterations"] = times,
            // Types only: a test host's native memory is its test runner's too.
            ["verdict"] = new JsonObject
            {
                ["minGrowthPerIteration"] = _options.MinGrowthPerIteration,
                ["judgeMemory"] = false,
            },
            // What holds a leak is read from this process while it waits, not from a dump; where
            // objects hang is counted only once a type grows (a passing test skips that walk).
            ["retention"] = new JsonObject { ["from"] = "process", ["census"] = "onGrowth" },
        };
        string dir = Path.Combine(_work, "scenarios", _name);
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(Path.Combine(_work, "baselines"));
        if (_options.KnownLeaksFile is { } known)
        {
            string file = Path.IsPathRooted(known) ? known : Path.Combine(AppContext.BaseDirectory, known);
            if (!File.Exists(file))
                throw new LeakGateException($"the known-leaks file {file} (WatchOptions.KnownLeaksFile) does not exist");
            // leakgate reads it (and says what is wrong in it, naming the field) from the baselines.
            File.Copy(file, Path.Combine(_work, "baselines", "known-leaks.json"), overwrite: true);
        }
        File.WriteAllText(Path.Combine(dir, "scenario.json"), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string Sanitize(string name)
    {
        var s = new StringBuilder();
        foreach (char c in name) s.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        return s.Length > 0 ? s.ToString() : "test";
    }
}
