using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// The target's memory as the walk's threads read it, all at once where that is safe. ClrMD's
// dump readers are made for threads; its reader of a live Linux process is not (after a refused
// process_vm_readv it reads a shared /proc/PID/mem stream). For a live process this calls
// process_vm_readv itself (one system call per read, safe from any thread) and goes through ClrMD's
// reader under the walk's lock only when that is refused.
internal sealed class TargetMemory(IDataReader reader, int livePid, object gate)
{
    private const int EPERM = 1;
    private const int ESRCH = 3;
    private volatile bool _refused;

    public unsafe int Read(ulong address, Span<byte> buffer)
    {
        if (reader.IsThreadSafe) return reader.Read(address, buffer);
        if (livePid > 0 && !_refused && OperatingSystem.IsLinux())
        {
            fixed (byte* at = buffer)
            {
                var local = new IoVec { Base = at, Length = buffer.Length };
                var remote = new IoVec { Base = (void*)address, Length = buffer.Length };
                nint got = process_vm_readv(livePid, &local, 1, &remote, 1, 0);
                if (got >= 0) return (int)got;
                int error = Marshal.GetLastPInvokeError();
                if (error == ESRCH)
                    throw new EngineException(ErrorKind.NoProcess, $"process {livePid} exited while being read");
                if (error != EPERM) return 0;  // not mapped: nothing read, as ClrMD's reader says
                _refused = true;
            }
        }
        lock (gate) return reader.Read(address, buffer);
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public void* Base;
        public nint Length;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe nint process_vm_readv(int pid, IoVec* local, ulong localCount, IoVec* remote,
                                                       ulong remoteCount, ulong flags);
}
