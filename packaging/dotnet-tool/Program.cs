using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace LeakGate.Tool;

// The `leakgate` command of the .NET tool: becomes the native leakgate of this machine's runtime
// identifier, carried beside it (native/<rid>/bin/leakgate), by exec: same process, same arguments,
// same exit code and signals, nothing left running in between. The package's files lose their
// execute bits on the way through NuGet; they are given back here on first use.
internal static class Program
{
    private const int SigPipe = 13;

    private static int Main(string[] args)
    {
        string? native = OperatingSystem.IsLinux() ? NativeDir() : null;
        if (native is null || !OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine(
                $"leakgate: this package carries leakgate for linux-x64 only; this machine is {RuntimeInformation.RuntimeIdentifier}. " +
                "Build it from source (README: Install).");
            return 3;
        }
        string leakgate = Path.Combine(native, "bin", "leakgate");
        try
        {
            MakeExecutable(leakgate);
            string engine = Path.Combine(native, "lib", "leakgate", "heap-engine", "leakgate-heap-engine");
            if (File.Exists(engine)) MakeExecutable(engine);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            Console.Error.WriteLine($"leakgate: cannot make {leakgate} executable ({e.Message}); " +
                                    "install the tool where its user may write, or run chmod +x on it once");
            return 3;
        }
        var argv = new string?[args.Length + 2];
        argv[0] = "leakgate";
        args.CopyTo(argv, 1);
        argv[^1] = null;
        // What the runtime set for itself is not leakgate's: SIGPIPE back to its default, no
        // signal blocked (both survive an exec).
        signal(SigPipe, IntPtr.Zero);
        var none = new byte[128];
        sigprocmask(2 /* SIG_SETMASK */, none, IntPtr.Zero);
        execv(leakgate, argv);
        Console.Error.WriteLine($"leakgate: cannot run {leakgate}: {Marshal.GetLastPInvokeErrorMessage()}");
        return 3;
    }

    private static string? NativeDir()
    {
        if (RuntimeInformation.OSArchitecture != Architecture.X64) return null;
        string dir = Path.Combine(AppContext.BaseDirectory, "native", "linux-x64");
        return File.Exists(Path.Combine(dir, "bin", "leakgate")) ? dir : null;
    }

    [SupportedOSPlatform("linux")]
    private static void MakeExecutable(string path)
    {
        const UnixFileMode Exec = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0) File.SetUnixFileMode(path, mode | Exec);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int execv(string path, string?[] argv);

    [DllImport("libc")]
    private static extern IntPtr signal(int signum, IntPtr handler);

    [DllImport("libc")]
    private static extern int sigprocmask(int how, byte[] set, IntPtr oldset);
}
