using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// An opened heap: a live process (attached and suspended until disposed) or a dump file, with its
// runtime created from the DAC that ships beside the target's own runtime.
public sealed class Target : IDisposable
{
    public DataTarget DataTarget { get; }
    public ClrRuntime Runtime { get; }
    public ClrInfo Clr { get; }
    public string Mode { get; }           // "live" or "dump"
    public int LivePid { get; private set; }  // the process when live, else 0
    public string DacPath { get; }
    public double OpenMilliseconds { get; }
    // The whole heap's graph and paths, once an op has built them (HeapSearch.Of).
    public HeapSearch? Search { get; set; }
    // The types met by earlier opens of the same process (a live target only).
    public KnownTypes? Known { get; set; }

    private Target(DataTarget dataTarget, ClrRuntime runtime, ClrInfo clr, string mode, string dac, double ms)
    {
        DataTarget = dataTarget;
        Runtime = runtime;
        Clr = clr;
        Mode = mode;
        DacPath = dac;
        OpenMilliseconds = ms;
    }

    // A walk of this target's heap on `threads` threads (0: one per core, at most four).
    public HeapWalker Walker(int threads = 0) => new(Runtime, DataTarget.DataReader, threads, LivePid, Known);

    // No symbol server is asked for anything: the DAC is taken from the runtime's own folder.
    private static DataTargetOptions Options() => new() { SymbolPaths = [] };

    public static Target OpenProcess(int pid)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        if (!Directory.Exists($"/proc/{pid}"))
            throw new EngineException(ErrorKind.NoProcess, $"no process {pid}");
        // Never stop the process: the harness then reads dumps written by the runtime instead.
        if (Environment.GetEnvironmentVariable("LEAKGATE_HEAP_ENGINE_NO_ATTACH") is "1" or "true")
            throw new EngineException(ErrorKind.AttachRefused,
                "attaching is turned off (LEAKGATE_HEAP_ENGINE_NO_ATTACH)");
        DataTarget dataTarget;
        try
        {
            dataTarget = DataTarget.AttachToProcess(pid, suspend: true, Options());
        }
        catch (Exception e) when (e is not EngineException)
        {
            if (!Directory.Exists($"/proc/{pid}"))
                throw new EngineException(ErrorKind.NoProcess, $"process {pid} exited while being attached");
            throw new EngineException(ErrorKind.AttachRefused,
                $"cannot attach to process {pid} ({e.Message}); ptrace is refused here: " +
                $"{PtraceScope()}");
        }
        Target target = Finish(dataTarget, "live", started);
        target.LivePid = pid;
        return target;
    }

    public static Target OpenDump(string path)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        if (!File.Exists(path))
            throw new EngineException(ErrorKind.BadDump, $"no dump file {path}");
        DataTarget dataTarget;
        try
        {
            dataTarget = DataTarget.LoadDump(path, Options());
        }
        catch (Exception e) when (e is not EngineException)
        {
            throw new EngineException(ErrorKind.BadDump, $"cannot read the dump {path}: {e.Message}");
        }
        return Finish(dataTarget, "dump", started);
    }

    private static Target Finish(DataTarget dataTarget, string mode, System.Diagnostics.Stopwatch started)
    {
        try
        {
            ClrInfo? clr = dataTarget.ClrVersions.FirstOrDefault(c => c.Flavor == ClrFlavor.Core)
                           ?? dataTarget.ClrVersions.FirstOrDefault();
            if (clr is null)
                throw new EngineException(ErrorKind.NoRuntime,
                    "no .NET runtime (libcoreclr.so) is loaded in the target");
            string folder = Path.GetDirectoryName(clr.ModuleInfo.FileName) ?? "";
            string dac = Path.Combine(folder, "libmscordaccore.so");
            if (!File.Exists(dac))
                throw new EngineException(ErrorKind.NoDac,
                    $"the DAC of .NET {clr.Version} was looked for at {dac} (beside the target's " +
                    "libcoreclr.so) and is not there; install that runtime version on this machine");
            ClrRuntime runtime;
            try
            {
                runtime = clr.CreateRuntime(dac, ignoreMismatch: true);
            }
            catch (Exception e) when (e is not EngineException)
            {
                throw new EngineException(ErrorKind.NoDac, $"the DAC {dac} cannot read .NET {clr.Version}: {e.Message}");
            }
            return new Target(dataTarget, runtime, clr, mode, dac, started.Elapsed.TotalMilliseconds);
        }
        catch
        {
            dataTarget.Dispose();
            throw;
        }
    }

    private static string PtraceScope()
    {
        try
        {
            string scope = File.ReadAllText("/proc/sys/kernel/yama/ptrace_scope").Trim();
            return scope switch
            {
                "0" => "Yama ptrace_scope is 0, so another cause (a different user, no CAP_SYS_PTRACE in a container, or a tracer already attached)",
                "1" => "Yama ptrace_scope is 1: only an ancestor of the process, or a process it named with prctl(PR_SET_PTRACER), may attach",
                "2" => "Yama ptrace_scope is 2: only a process with CAP_SYS_PTRACE may attach",
                "3" => "Yama ptrace_scope is 3: no process may attach",
                _ => $"Yama ptrace_scope is {scope}",
            };
        }
        catch (IOException)
        {
            return "no Yama here; the process may belong to another user, or CAP_SYS_PTRACE is missing";
        }
        catch (UnauthorizedAccessException)
        {
            return "ptrace_scope cannot be read";
        }
    }

    public void Dispose()
    {
        Runtime.Dispose();
        DataTarget.Dispose();  // detaches: the process runs again
    }
}
