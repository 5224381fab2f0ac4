using System.Runtime.InteropServices;

namespace LeakGate.HeapEngine;

// The large arrays of the object graph (tens of bytes per object of the heap): pinned, not zeroed
// (every element is written before it is read), backed by transparent huge pages where the system
// gives them on request (madvise(MADV_HUGEPAGE); THP "madvise" or "always"), and their pages made
// present in one madvise(MADV_POPULATE_WRITE) instead of one page fault per page as they are first
// written. Both for the same reason: on a virtual machine each 4 KiB page the process touches for
// the first time costs a few microseconds (about 1.2 ms per MiB on the 2-core virtual machine of
// scripts/bench-engine.sh's numbers: more than the walk that fills the arrays, against 0.8 ms per
// MiB in 2 MiB pages), and the searches jump across arrays of hundreds of MiB, where 2 MiB pages
// spare most TLB misses.
internal static class BigArray
{
    private const int MadvHugePage = 14;
    private const int MadvPopulateWrite = 23;  // Linux 5.14 and later; elsewhere pages fault in as usual
    private const ulong PageSize = 4096;
    private const ulong HugePageSize = 2UL << 20;

    public static unsafe T[] Allocate<T>(long length) where T : unmanaged
    {
        if (length > Array.MaxLength)
            throw new EngineException(ErrorKind.Internal, $"an array of {length} elements is more than .NET holds");
        T[] array = GC.AllocateUninitializedArray<T>((int)length, pinned: true);
        fixed (T* start = array)
        {
            ulong from = ((ulong)start + PageSize - 1) & ~(PageSize - 1);
            ulong to = ((ulong)start + (ulong)length * (ulong)sizeof(T)) & ~(PageSize - 1);
            if (to <= from) return array;
            ulong hugeFrom = (from + HugePageSize - 1) & ~(HugePageSize - 1);
            ulong hugeTo = to & ~(HugePageSize - 1);
            if (hugeTo > hugeFrom && OperatingSystem.IsLinux())
                _ = madvise((nint)hugeFrom, (nuint)(hugeTo - hugeFrom), MadvHugePage);
            Populate(from, to);
        }
        return array;
    }

    // The pages of [from, to) made present, in parts on as many threads as the walk uses when the
    // range is large, and each written once from the process itself: on a virtual machine the
    // first access from user space costs again, per page, after the kernel made the page present
    // (about as much as the kernel's work: 256 MiB in 4 KiB pages took 0.38 s on one thread, 0.22 s
    // on two); done here, on every core, instead of by whichever pass writes the array first.
    private static void Populate(ulong from, ulong to)
    {
        const ulong Part = 16UL << 20;
        int threads = (int)Math.Clamp((long)((to - from) / Part), 1, Math.Min(Environment.ProcessorCount, 4));
        ulong step = ((to - from) / (ulong)threads + PageSize - 1) & ~(PageSize - 1);
        Workers.Run(threads, w =>
        {
            ulong start = from + (ulong)w * step;
            ulong end = Math.Min(to, start + step);
            if (end <= start) return;
            _ = madvise((nint)start, (nuint)(end - start), MadvPopulateWrite);
            Touch(start, end);
        }, "populate");
    }

    // One byte written per page (the array's elements are all written before they are read).
    private static unsafe void Touch(ulong from, ulong to)
    {
        for (ulong at = from; at < to; at += PageSize) *(byte*)at = 0;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(nint address, nuint length, int advice);
}
