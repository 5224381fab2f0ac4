namespace LeakGate.Testing;

/// <summary>A leak assertion failed: the message is leakgate's leak trace (root, path with the
/// field of every hop, the suspect reference, what a round trip retains), at most a few KB, and
/// names the report folder with the whole of it.</summary>
public sealed class LeakException(string message, string? reportDirectory) : Exception(message)
{
    /// <summary>The folder of report.json and index.html, when the run got that far.</summary>
    public string? ReportDirectory { get; } = reportDirectory;
}

/// <summary>leakgate could not watch the process (not found, refused the run, failed reading the
/// heap, timed out): not a verdict on the code under test.</summary>
public sealed class LeakGateException(string message) : Exception(message);
