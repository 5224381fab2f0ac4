using System.Text.Json;
using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// The address ranges the runtime owns beside the GC's segments, as SOS's `maddress` finds them: the
// GC's free regions (committed memory it keeps for later allocations), its bookkeeping (card and
// mark tables) and the handle tables are the GC's; loader, code and stub heaps are the runtime's.
// leakgate lays them over the process's memory map to tell the memory the GC holds from native
// memory. Ranges are merged (sorted, adjacent and overlapping ones joined): a service has thousands
// of small loader-heap blocks.
public static class RuntimeMemory
{
    public static bool OwnedByGc(NativeHeapKind kind) => kind is NativeHeapKind.GCBookkeeping
        or NativeHeapKind.GCFreeRegion or NativeHeapKind.GCFreeGlobalHugeRegion
        or NativeHeapKind.GCFreeGlobalRegion or NativeHeapKind.GCFreeSohSegment
        or NativeHeapKind.GCFreeUohSegment or NativeHeapKind.HandleTable;

    // Writes "gcOwned" and "runtimeOwned" (lists of {start, end}), and "nativeHeapsRead": false when
    // the runtime could not list them (an older runtime, a dump without them): then both are empty
    // and leakgate does not split the memory by owner.
    public static void Write(Utf8JsonWriter w, ClrRuntime runtime)
    {
        var gc = new List<(ulong Start, ulong End)>();
        var other = new List<(ulong Start, ulong End)>();
        bool read = true;
        try
        {
            foreach (ClrNativeHeapInfo h in runtime.EnumerateClrNativeHeaps())
            {
                MemoryRange r = h.MemoryRange;
                if (r.Length == 0 || r.End < r.Start) continue;
                (OwnedByGc(h.Kind) ? gc : other).Add((r.Start, r.End));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException
                                      or IOException or NotSupportedException)
        {
            read = false;
            gc.Clear();
            other.Clear();
        }
        w.WriteBoolean("nativeHeapsRead", read);
        WriteRanges(w, "gcOwned", gc);
        WriteRanges(w, "runtimeOwned", other);
    }

    private static void WriteRanges(Utf8JsonWriter w, string name, List<(ulong Start, ulong End)> ranges)
    {
        ranges.Sort();
        w.WriteStartArray(name);
        for (int i = 0; i < ranges.Count;)
        {
            (ulong start, ulong end) = ranges[i];
            for (i++; i < ranges.Count && ranges[i].Start <= end; i++) end = Math.Max(end, ranges[i].End);
            w.WriteStartObject();
            w.WriteNumber("start", start);
            w.WriteNumber("end", end);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
