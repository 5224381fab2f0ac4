using System.Globalization;
using System.Runtime;
using System.Text;

namespace LeakGate.Scenario;

/// <summary>
/// Speaks the leakgate control protocol (scenarios/PROTOCOL.md) over stdin/stdout.
/// An app registers its commands, then calls <see cref="Run"/>; the host answers the
/// built-in commands (ping, settle, quit) itself.
/// </summary>
public sealed class ScenarioHost
{
    public const int ProtocolVersion = 1;
    private const string Prefix = "@leakgate";

    private readonly string _appName;
    private readonly Dictionary<string, Func<string[], string?>> _commands = new(StringComparer.Ordinal);
    private readonly TextWriter _out;
    private readonly TextReader _in;

    /// <summary>Whether the settle command compacts the heap (the default): the memory a scenario
    /// judges (resident, committed) depends on it; counting instances does not, and a full
    /// collection that does not compact takes about half as long (LeakGate.Testing, which judges
    /// types only, turns it off).</summary>
    public bool CompactOnSettle { get; init; } = true;

    public ScenarioHost(string appName, TextReader? input = null, TextWriter? output = null)
    {
        _appName = appName;
        _in = input ?? Console.In;
        _out = output ?? Console.Out;
    }

    /// <summary>Registers a command. The handler returns an optional payload for the ack line;
    /// an exception becomes an error reply carrying its message.</summary>
    public ScenarioHost Command(string name, Func<string[], string?> handler)
    {
        if (name.Length == 0 || name.Any(char.IsWhiteSpace))
            throw new ArgumentException($"command name '{name}' must be one word", nameof(name));
        _commands[name] = handler;
        return this;
    }

    public ScenarioHost Command(string name, Action<string[]> handler) =>
        Command(name, args => { handler(args); return null; });

    /// <summary>Sends the hello line, then serves commands until quit or end of input.
    /// Returns the process exit code.</summary>
    public int Run()
    {
        Send($"hello {ProtocolVersion} app={_appName} pid={Environment.ProcessId} {RuntimeFacts()}");
        string? line;
        while ((line = _in.ReadLine()) != null)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            var seq = words[0];
            if (words.Length < 2 || !long.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                Send($"error 0 malformed request: expected '<seq> <command> [args]', got '{Escape(line)}'");
                continue;
            }
            var name = words[1];
            var args = words[2..];
            if (name == "quit")
            {
                Send($"ok {seq} bye");
                return 0;
            }
            Dispatch(seq, name, args);
        }
        return 0;
    }

    private void Dispatch(string seq, string name, string[] args)
    {
        try
        {
            string? payload = name switch
            {
                "ping" => "pong",
                "settle" => Settle(CompactOnSettle),
                _ when _commands.TryGetValue(name, out var handler) => handler(args),
                _ => throw new UnknownCommandException(name),
            };
            Send(payload is null ? $"ok {seq}" : $"ok {seq} {Escape(payload)}");
        }
        catch (Exception ex)
        {
            Send($"error {seq} {Escape(ex.Message)}");
        }
    }

    /// <summary>How long a settle waits for the finalizer thread before it calls it blocked.</summary>
    private static readonly TimeSpan FinalizerWait = TimeSpan.FromSeconds(5);

    private static readonly AutoResetEvent FinalizerWaitRequested = new(false);
    private static readonly ManualResetEventSlim FinalizerWaitDone = new(true);
    private static Thread? _finalizerWaiter;

    /// <summary>A full, blocking, compacting collection; finalizers run; collected again so
    /// what the finalizers released is gone too (when the first collection found objects to
    /// finalize: else the second would find nothing the first did not). Returns the heap facts
    /// after it. A finalizer thread that does not finish the queue within
    /// <see cref="FinalizerWait"/> is reported as <c>finalizerBlocked=true</c> instead of hanging
    /// the settle (a blocked finalizer thread is itself a leak: the queue only grows).</summary>
    public static string Settle() => Settle(compact: true);

    /// <summary><see cref="Settle()"/>, the collections compacting (and the large object heap
    /// with them) or not.</summary>
    public static string Settle(bool compact)
    {
        Collect(compact);
        var first = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var finalized = WaitForPendingFinalizers();
        bool again = first.FinalizationPendingCount > 0 || !finalized;
        if (again) Collect(compact);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return string.Create(CultureInfo.InvariantCulture,
            $"heapBytes={GC.GetTotalMemory(false)} gen2Collections={GC.CollectionCount(2)} promotedBytes={info.PromotedBytes}")
            + (again ? string.Create(CultureInfo.InvariantCulture, $" firstPromotedBytes={first.PromotedBytes}") : "")
            + (finalized ? "" : " finalizerBlocked=true");
    }

    private static void Collect(bool compact)
    {
        if (compact) GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: compact);
    }

    /// <summary>GC.WaitForPendingFinalizers with a deadline. The wait runs on one background
    /// thread, started at the first settle and reused (so settles allocate nothing new); while an
    /// earlier wait is still stuck, no second one is asked for.</summary>
    private static bool WaitForPendingFinalizers()
    {
        if (!FinalizerWaitDone.IsSet) return false;
        if (_finalizerWaiter is null)
        {
            _finalizerWaiter = new Thread(() =>
            {
                while (true)
                {
                    FinalizerWaitRequested.WaitOne();
                    GC.WaitForPendingFinalizers();
                    FinalizerWaitDone.Set();
                }
            }) { IsBackground = true, Name = "leakgate finalizer wait" };
            _finalizerWaiter.Start();
        }
        FinalizerWaitDone.Reset();
        FinalizerWaitRequested.Set();
        return FinalizerWaitDone.Wait(FinalizerWait);
    }

    private static string RuntimeFacts()
    {
        var concurrent = AppContext.GetData("System.GC.Concurrent") as bool? ?? true;
        var datas = Environment.GetEnvironmentVariable("DOTNET_GCDynamicAdaptationMode") ?? "default";
        var tiered = AppContext.GetData("System.Runtime.TieredCompilation") as bool?
            ?? Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") != "0";
        return string.Create(CultureInfo.InvariantCulture,
            $"runtime={Environment.Version} gc={(GCSettings.IsServerGC ? "server" : "workstation")} " +
            $"concurrent={(concurrent ? "true" : "false")} datas={datas} " +
            $"tieredCompilation={(tiered ? "true" : "false")} arch={System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}");
    }

    private void Send(string message)
    {
        lock (_out)
        {
            _out.Write(Prefix);
            _out.Write(' ');
            _out.Write(message);
            _out.Write('\n');
            _out.Flush();
        }
    }

    /// <summary>Replies are single lines: line breaks inside a message become spaces.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(c is '\r' or '\n' ? ' ' : c);
        return sb.ToString();
    }

    private sealed class UnknownCommandException(string name)
        : Exception($"unknown command '{name}'");
}
