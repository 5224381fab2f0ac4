using System.Runtime.InteropServices;

namespace LeakGate.Testing;

internal static class Native
{
    private const int PrSetPtracer = 0x59616d61;

    /// <summary>Lets process <paramref name="pid"/> (and its children: the heap engine) attach to
    /// this one where Yama's ptrace_scope 1 allows only ancestors; 0 takes it back. Without Yama
    /// (or elsewhere) it does nothing.</summary>
    public static void AllowTracer(int pid)
    {
        if (OperatingSystem.IsLinux()) _ = prctl(PrSetPtracer, (nuint)pid, 0, 0, 0);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
