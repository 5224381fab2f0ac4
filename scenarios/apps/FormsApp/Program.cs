using System.Diagnostics;
using System.Globalization;
using LeakGate.Scenario;

namespace FormsApp;

/// <summary>
/// A headless analogue of a WinForms app that opens and closes a complex form in a loop.
/// Options:
///   --variant correct|leak|leak-one
///                            leak: a closed form stays subscribed to the static theme event;
///                            leak-one: a correct form, but every close keeps one small record
///   --crash-after N          exit abruptly with code 42 during the N-th open-close command (tests)
///   --hang-after N           stop answering during the N-th open-close command (tests: timeouts)
///   --spawn-child            start a long-running child process at launch (tests: process-group kill)
///   --churn                  keep allocating (and holding) memory on a background thread, so the
///                            heap never settles (tests: settling that proves itself)
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var options = Options.Parse(args);
        if (options.SpawnChild) Process.Start("sleep", "600");
        if (options.Churn) Churn.Start();
        var app = new FormsApplication(unsubscribeOnClose: options.Variant != "leak",
                                       options.CrashAfter, options.HangAfter,
                                       keepCloseRecords: options.Variant == "leak-one");
        return new ScenarioHost("forms")
            .Command("open-close", a => app.OpenClose(a.Length > 0 ? ParseCount(a[0]) : 1))
            .Command("change-theme", a => ThemeService.Change(a.Length > 0 ? a[0] : "dark"))
            .Command("status", _ => $"subscribers={ThemeService.SubscriberCount} opened={app.Opened}")
            .Run();
    }

    private static int ParseCount(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"open-close: count must be a positive integer, got '{text}'");

    private sealed record Options(string Variant, int CrashAfter, int HangAfter, bool SpawnChild, bool Churn)
    {
        public static Options Parse(string[] args)
        {
            var variant = "correct";
            var crashAfter = 0;
            var hangAfter = 0;
            var spawnChild = false;
            var churn = false;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--variant" when i + 1 < args.Length && args[i + 1] is "correct" or "leak" or "leak-one":
                        variant = args[++i];
                        break;
                    case "--crash-after" when i + 1 < args.Length:
                        crashAfter = int.Parse(args[++i], CultureInfo.InvariantCulture);
                        break;
                    case "--hang-after" when i + 1 < args.Length:
                        hangAfter = int.Parse(args[++i], CultureInfo.InvariantCulture);
                        break;
                    case "--spawn-child":
                        spawnChild = true;
                        break;
                    case "--churn":
                        churn = true;
                        break;
                    default:
                        Console.Error.WriteLine($"FormsApp: unknown or incomplete option '{args[i]}'");
                        Environment.Exit(2);
                        break;
                }
            }
            return new Options(variant, crashAfter, hangAfter, spawnChild, churn);
        }
    }
}

/// <summary>Opens forms, exercises them, closes them: the round trip a user makes.</summary>
public sealed class FormsApplication(bool unsubscribeOnClose, int crashAfter, int hangAfter,
                                     bool keepCloseRecords)
{
    private int _commands;

    public int Opened { get; private set; }

    public string OpenClose(int count)
    {
        ++_commands;
        if (crashAfter > 0 && _commands >= crashAfter)
        {
            Console.Error.WriteLine($"FormsApp: simulated crash in open-close command {_commands}");
            Environment.Exit(42);
        }
        if (hangAfter > 0 && _commands >= hangAfter)
        {
            Console.Error.WriteLine($"FormsApp: simulated hang in open-close command {_commands}");
            Thread.Sleep(Timeout.Infinite);
        }
        var clicks = 0;
        for (var i = 0; i < count; i++)
        {
            var form = new CustomerForm(++Opened, unsubscribeOnClose);
            form.Exercise();
            clicks += form.Clicks;
            form.Close();
            if (keepCloseRecords) CloseLog.Add(new CloseRecord(Opened));
        }
        return string.Create(CultureInfo.InvariantCulture, $"opened={Opened} clicks={clicks}");
    }
}

/// <summary>Background work that never stops allocating: a heap that cannot settle.</summary>
public static class Churn
{
    private static readonly List<byte[]> Held = new();

    public static void Start()
    {
        var thread = new Thread(() =>
        {
            while (true)
            {
                lock (Held) Held.Add(new byte[16 * 1024]);
                Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "churn" };
        thread.Start();
    }
}

/// <summary>One small object per closed form (the smallest leak there is: 24 bytes).</summary>
public sealed class CloseRecord(int formId)
{
    public int FormId { get; } = formId;
}

/// <summary>An audit log nobody trims: it keeps every <see cref="CloseRecord"/>.</summary>
public static class CloseLog
{
    private static readonly List<CloseRecord> Records = new();

    public static void Add(CloseRecord record) => Records.Add(record);
}
