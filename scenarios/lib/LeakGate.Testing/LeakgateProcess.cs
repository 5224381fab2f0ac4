using System.Diagnostics;
using System.Text;

namespace LeakGate.Testing;

/// <summary>One leakgate command started by the test process: its output kept (the last 256 KiB
/// of each stream), allowed to read this process (Yama), told to end with it
/// (<c>--exit-with</c>), and killed with its children when it overruns or is disposed.</summary>
internal sealed class LeakgateProcess : IDisposable
{
    private const int Keep = 256 * 1024;
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    public LeakgateProcess(string leakgate, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(leakgate)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--exit-with");
        start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        try
        {
            _process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LeakGateException($"cannot start {leakgate}: {e.Message}");
        }
        Native.AllowTracer(_process.Id);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Waits for the exit (and the end of its output); kills it, with its children,
    /// after <paramref name="timeout"/>. Returns the exit code.</summary>
    public int Wait(TimeSpan timeout, string doing)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            throw new LeakGateException($"leakgate did not finish {doing} within {timeout.TotalSeconds:0} s (stopped); " +
                                        $"its output:\n{Tail(Stdout + Stderr, 4000)}");
        }
        _process.WaitForExit();  // the output read to its end
        return _process.ExitCode;
    }

    public string Stdout
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public void Dispose()
    {
        Kill();
        Native.AllowTracer(0);
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // not started, or gone meanwhile
        }
    }

    private static void Append(StringBuilder to, string? line)
    {
        if (line is null) return;
        lock (to)
        {
            to.Append(line).Append('\n');
            if (to.Length > Keep) to.Remove(0, to.Length - Keep);
        }
    }

    public static string Tail(string text, int max) =>
        text.Length <= max ? text : "...\n" + text[^max..];
}
