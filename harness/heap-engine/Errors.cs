namespace LeakGate.HeapEngine;

// The kinds of error reply (PROTOCOL.md): the harness maps each to its own error type.
public static class ErrorKind
{
    public const string BadRequest = "bad-request";          // not a request of this version
    public const string UnsupportedVersion = "unsupported-version";
    public const string NotOpen = "not-open";                // a heap request before open
    public const string AttachRefused = "attach-refused";    // ptrace not allowed (Yama, no CAP_SYS_PTRACE)
    public const string NoProcess = "no-process";            // the pid is gone
    public const string NoRuntime = "no-runtime";            // no CLR in the target
    public const string NoDac = "no-dac";                    // libmscordaccore.so not found
    public const string BadDump = "bad-dump";                // the dump cannot be read
    public const string HeapNotWalkable = "heap-not-walkable";
    public const string Internal = "internal";
}

public sealed class EngineException(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;
}
