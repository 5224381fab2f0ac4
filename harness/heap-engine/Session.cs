using System.Diagnostics;
using System.Text.Json;
using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// The engine's state between requests: at most one opened target.
public sealed class Session : IDisposable
{
    private Target? _target;
    private KnownTypes? _known;  // of the process last opened
    // Objects per place at a checkpoint ("census"), by name, for "leaks" to compare with.
    private readonly Dictionary<string, Dictionary<ulong, long>> _census = new();

    public void Handle(Request request, ReplyWriter writer)
    {
        switch (request.Op)
        {
            case "open":
                Open(request, writer);
                break;
            case "close":
                Close();
                writer.Ok(request, _ => { });
                break;
            case "heapstat":
                HeapStat(request, writer);
                break;
            case "gc":
                Gc(request, writer);
                break;
            case "instances":
                RootsRequest.Instances(Opened(), request, writer);
                break;
            case "roots":
                RootsRequest.Roots(Opened(), request, writer);
                break;
            case "leaks":
                LeaksRequest.Leaks(Opened(), request, writer, _census);
                break;
            case "census":
                LeaksRequest.Census(Opened(), request, writer, _census);
                break;
            case "read":
                Read(request, writer);
                break;
            default:
                throw new EngineException(ErrorKind.BadRequest, $"unknown op \"{request.Op}\"");
        }
    }

    private void Open(Request request, ReplyWriter writer)
    {
        Close();
        long? pid = request.Integer("pid");
        string? dump = request.String("dump");
        if ((pid is null) == (dump is null))
            throw new EngineException(ErrorKind.BadRequest, "open takes either \"pid\" or \"dump\"");
        if (pid is not null && (pid <= 0 || pid > int.MaxValue))
            throw new EngineException(ErrorKind.BadRequest, $"\"pid\" {pid} is not a process id");
        _target = pid is not null ? Target.OpenProcess((int)pid) : Target.OpenDump(dump!);
        Target t = _target;
        if (pid is not null) t.Known = _known = KnownTypes.Of((int)pid, _known);
        ClrHeap heap = t.Runtime.Heap;
        writer.Ok(request, w =>
        {
            w.WriteString("mode", t.Mode);
            w.WriteString("runtimeModule", t.Clr.ModuleInfo.FileName);
            w.WriteString("dac", t.DacPath);
            w.WriteBoolean("canWalkHeap", heap.CanWalkHeap);
            w.WriteNumber("ms", Math.Round(t.OpenMilliseconds, 1));
        });
    }

    private Target Opened() =>
        _target ?? throw new EngineException(ErrorKind.NotOpen, "no process or dump is open (send \"open\" first)");

    // The GC's own account without walking the heap: its configuration, segments, allocated and
    // committed bytes, and the runtime's ranges (what settling compares between rounds).
    private void Gc(Request request, ReplyWriter writer)
    {
        ClrHeap heap = WalkableHeap();
        writer.Ok(request, w => WriteGc(w, heap));
    }

    private ClrHeap WalkableHeap()
    {
        ClrHeap heap = Opened().Runtime.Heap;
        if (!heap.CanWalkHeap)
            throw new EngineException(ErrorKind.HeapNotWalkable,
                "the heap cannot be walked: the process was stopped in the middle of a garbage collection");
        return heap;
    }

    private void HeapStat(Request request, ReplyWriter writer)
    {
        Target t = Opened();
        ClrHeap heap = WalkableHeap();
        var watch = Stopwatch.StartNew();
        int threads = request.Bounded("threads", 0, 0, 64);
        HeapTally tally = t.Walker(threads).Walk();
        double walkMs = watch.Elapsed.TotalMilliseconds;
        List<TypeTally> rows = tally.Rows();
        writer.Ok(request, w =>
        {
            w.WriteStartArray("types");
            foreach (TypeTally r in rows)
            {
                w.WriteStartObject();
                w.WriteNumber("mt", r.MethodTable);
                w.WriteNumber("count", r.Count);
                w.WriteNumber("bytes", r.Bytes);
                w.WriteString("name", r.Name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("objects", tally.Objects);
            w.WriteNumber("bytes", tally.Bytes);
            WriteGc(w, heap);
            w.WriteStartObject("walk");
            w.WriteNumber("segments", tally.Segments);
            w.WriteNumber("segmentsWalkedCarefully", tally.SegmentsWalkedCarefully);
            w.WriteNumber("threads", tally.Threads);
            w.WriteNumber("typesKnown", tally.TypesKnown);
            w.WriteNumber("bytesRead", tally.BytesRead);
            w.WriteNumber("ms", Math.Round(walkMs, 1));
            w.WriteNumber("peakRss", PeakRss());
            w.WriteEndObject();
        });
    }

    // The physical bound of a heap walk: every segment's object range read once, in the walk's
    // block size, nothing parsed (for scripts/bench-engine.sh).
    private void Read(Request request, ReplyWriter writer)
    {
        Target t = Opened();
        var watch = Stopwatch.StartNew();
        byte[] block = new byte[8 << 20];
        ulong total = 0;
        foreach (ClrSegment s in t.Runtime.Heap.Segments)
        {
            for (ulong at = s.ObjectRange.Start; at < s.ObjectRange.End;)
            {
                int want = (int)Math.Min((ulong)block.Length, s.ObjectRange.End - at);
                int got = t.DataTarget.DataReader.Read(at, block.AsSpan(0, want));
                if (got <= 0) break;
                total += (ulong)got;
                at += (ulong)got;
            }
        }
        double ms = watch.Elapsed.TotalMilliseconds;
        writer.Ok(request, w =>
        {
            w.WriteNumber("bytesRead", total);
            w.WriteNumber("ms", Math.Round(ms, 1));
        });
    }

    // The engine's own peak resident set (VmHWM), in bytes; 0 where /proc does not say.
    public static long PeakRss()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim()) * 1024;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
        }
        return 0;
    }

    // The totals of `eeheap -gc` (the sums over every segment of its object range and its committed
    // memory) and the GC's configuration.
    private static void WriteGc(Utf8JsonWriter w, ClrHeap heap)
    {
        ulong allocated = 0, committed = 0;
        w.WriteStartObject("gc");
        w.WriteBoolean("server", heap.IsServer);
        w.WriteNumber("heaps", heap.SubHeaps.Length);
        if (heap.DynamicAdaptationMode is int datas) w.WriteNumber("dynamicAdaptationMode", datas);
        w.WriteStartArray("segments");
        foreach (ClrSegment s in heap.Segments)
        {
            allocated += s.ObjectRange.Length;
            committed += s.CommittedMemory.Length;
            w.WriteStartObject();
            w.WriteString("kind", s.Kind.ToString());
            w.WriteNumber("heap", s.SubHeap.Index);
            w.WriteNumber("start", s.ObjectRange.Start);
            w.WriteNumber("end", s.ObjectRange.End);
            w.WriteNumber("committedStart", s.CommittedMemory.Start);
            w.WriteNumber("committedEnd", s.CommittedMemory.End);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("allocated", allocated);
        w.WriteNumber("committed", committed);
        RuntimeMemory.Write(w, heap.Runtime);
        w.WriteEndObject();
    }

    public void Close()
    {
        _target?.Dispose();
        _target = null;
    }

    public void Dispose() => Close();
}
