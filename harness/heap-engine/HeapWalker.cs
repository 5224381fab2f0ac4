using System.Buffers.Binary;
using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// Count and bytes of one method table, as `dumpheap -stat` counts them.
public sealed class TypeTally
{
    public ulong MethodTable;
    public string Name = "";
    public long Count;
    public ulong Bytes;
    internal uint BaseSize;
    internal uint ComponentSize;
    internal bool IsString;
    // Where the walk first met it (segment, then address): the order of SOS's rows among types of
    // the same total size, whichever thread met it first.
    internal int FirstSegment = int.MaxValue;
    internal ulong FirstAddress = ulong.MaxValue;
    // For the object graph: the type's number in the walk, and where its references are.
    internal int Index;
    internal bool HasPointers;
    internal GcLayout? Layout;
    internal int[]? Slots;  // where a type without components has its references (Layout.FixedSlots)
    internal bool Kept = true;  // its objects go to the sinks (HeapWalker.Only)

    // At most how many references an object of this type and `size` bytes has (the room the
    // object graph keeps for them); 0 for a type without references.
    internal long ReferenceBound(ulong size) =>
        !HasPointers ? 0
        : ComponentSize == 0 && Slots is { } slots ? slots.Length
        : Layout?.ReferenceBound(size) ?? (long)(size / 8);
}

// Sees every object of a walk (the object graph of the roots request). `bytes` is the whole object
// when the walk has it in memory, else empty (a large object, or a segment walked carefully). One
// sink per thread of the walk: it sees whole segments, `ordinal` being the segment's place in the
// heap's list.
public interface IObjectSink
{
    void BeginSegment(ClrSegment segment, int ordinal);
    void Object(ulong address, TypeTally type, ulong size, ReadOnlySpan<byte> bytes);
    void DropSegment();  // the segment's objects so far are void: it is walked again carefully
    void EndSegment();
}

public sealed class HeapTally
{
    public readonly Dictionary<ulong, TypeTally> Types = new();
    public long Objects;
    public ulong Bytes;
    public int Segments;
    public int SegmentsWalkedCarefully;  // through ClrMD's own enumeration (a gap, an unknown type)
    public ulong BytesRead;
    public int Threads;                  // that walked the segments
    public int TypesKnown;               // types taken from earlier opens of the process (KnownTypes)
    public long[] SegmentObjects = [];   // per segment of the heap's list, its objects (those kept: HeapWalker.Only)
    public long[] SegmentReferences = [];  // and at most how many references they hold (HeapWalker.CountReferences)

    // SOS's order of `dumpheap -stat`: ascending total size, ties in the order the walk met them.
    public List<TypeTally> Rows() =>
        Types.Values.Where(r => r.Count > 0)
            .OrderBy(r => r.Bytes).ThenBy(r => r.FirstSegment).ThenBy(r => r.FirstAddress).ToList();
}

// The heap statistics of `dumpheap -stat`, from one sequential pass over each segment: the segment
// is read in large blocks, objects are stepped over by their method table's base size and component
// size (8-byte aligned, at least 3 pointers), allocation contexts are skipped, and each method table
// is looked up once. This is the walk of ClrMD's own enumeration, which SOS's dumpheap uses, without
// a memory read and an object per object. A segment where the walk meets anything it cannot step
// over (an unreadable page, an unknown method table) is counted again by ClrMD's careful
// enumeration, so the result is always the one SOS prints.
//
// The segments are shared out among threads (one per core, at most four), each with its own block
// and counts: memory is read by all at once (TargetMemory), type look-ups go through one lock
// (ClrMD's type maps are not made for threads), the stepping over objects runs in parallel. Walk
// counts; Visit walks again (the same types, the same objects: the target does not run meanwhile)
// and hands every object to the sink of the thread that walks its segment.
public sealed class HeapWalker
{
    private const uint PointerSize = 8;
    private const int MaxThreads = 4;

    private readonly ClrHeap _heap;
    private readonly IDataReader _reader;
    private readonly Dictionary<ulong, TypeTally> _byRawMt = new();
    private readonly HeapTally _tally = new();
    // The walkers' read buffers, kept for the next walk in this process (the count then the fill of
    // a graph, the next checkpoint's heapstat): their pages made present once (16 MiB fresh per
    // walk cost more than reading a test host's whole heap), not faulted in again by each walk.
    private static readonly Stack<byte[]> SpareBlocks = new();
    internal readonly Dictionary<ulong, ulong> AllocationContexts = new();
    // The allocation contexts' starts in order: the walk compares each object with the next one
    // only, instead of looking every object up.
    internal readonly ulong[] ContextStarts;

    // Held for every use of ClrMD while threads walk (and for reads through ClrMD's reader where
    // it is not made for threads).
    public object Gate { get; } = new();
    public int Threads { get; }

    private readonly TargetMemory _memory;
    private readonly KnownTypes? _known;
    private Func<TypeTally, bool>? _keepType;
    private IReadOnlySet<ulong>? _keptAddresses;  // null: none

    // `livePid`: the process when the target is live (0 for a dump), so its memory can be read
    // from several threads at once.
    // `known`: the types met by earlier walks of the same process, used and added to.
    public HeapWalker(ClrRuntime runtime, IDataReader reader, int threads = 0, int livePid = 0,
                      KnownTypes? known = null)
    {
        _known = known;
        _heap = runtime.Heap;
        _reader = reader;
        _memory = new TargetMemory(reader, livePid, Gate);
        foreach (MemoryRange context in _heap.EnumerateAllocationContexts())
            AllocationContexts.TryAdd(context.Start, context.End);
        ContextStarts = AllocationContexts.Keys.Order().ToArray();
        Threads = threads > 0 ? threads : Math.Clamp(Environment.ProcessorCount, 1, MaxThreads);
    }

    // Only the objects of the types `types` keeps, and those at `addresses`, go to the sinks and
    // are counted in HeapTally.SegmentObjects (the object graph leaves out what no path goes
    // through: objects without references of types not asked for). Before the first walk.
    public void Only(Func<TypeTally, bool> types, IReadOnlySet<ulong> addresses)
    {
        if (_tally.Types.Count > 0) throw new InvalidOperationException("Only() after a walk");
        _keepType = types;
        _keptAddresses = addresses.Count > 0 ? addresses : null;
    }

    // The walk also bounds the references of every segment's kept objects (HeapTally.SegmentReferences),
    // from each type's layout (read as the walk meets the type): the room the object graph keeps
    // for them, taken once instead of grown. Before the first walk.
    public void CountReferences()
    {
        if (_tally.Types.Count > 0) throw new InvalidOperationException("CountReferences() after a walk");
        CountsReferences = true;
    }

    internal bool CountsReferences { get; private set; }

    internal bool Keeps(TypeTally t, ulong obj) => t.Kept || (_keptAddresses is { } a && a.Contains(obj));

    // The heap statistics, with every segment's object count.
    public HeapTally Walk()
    {
        ClrSegment[] segments = Segments();
        _tally.Segments = segments.Length;
        _tally.SegmentObjects = new long[segments.Length];
        _tally.SegmentReferences = new long[segments.Length];
        var walkers = new SegmentWalker[Math.Max(1, Math.Min(Threads, segments.Length))];
        byte[][] blocks = TakeBlocks(walkers.Length);
        try
        {
            for (int w = 0; w < walkers.Length; w++) walkers[w] = new SegmentWalker(this, null, blocks[w]);
            _tally.Threads = walkers.Length;
            WalkAll(segments, walkers, null);
        }
        finally
        {
            GiveBack(blocks);
        }
        foreach (SegmentWalker walker in walkers) walker.AddTo(_tally);
        return _tally;
    }

    // Every object again, to the sinks (one thread per sink; the first sink also sees the segments
    // walked carefully, after the threads are done). The counts are Walk's.
    public void Visit(IReadOnlyList<IObjectSink> sinks)
    {
        ClrSegment[] segments = Segments();
        var walkers = new SegmentWalker[sinks.Count];
        byte[][] blocks = TakeBlocks(walkers.Length);
        try
        {
            for (int w = 0; w < walkers.Length; w++) walkers[w] = new SegmentWalker(this, sinks[w], blocks[w]);
            WalkAll(segments, walkers, sinks);
        }
        finally
        {
            GiveBack(blocks);
        }
    }

    // `count` read buffers, kept ones first.
    private static byte[][] TakeBlocks(int count)
    {
        var blocks = new byte[count][];
        lock (SpareBlocks)
        {
            for (int w = 0; w < count; w++)
                blocks[w] = SpareBlocks.TryPop(out byte[]? spare) ? spare : BigArray.Allocate<byte>(SegmentWalker.BlockSize);
        }
        return blocks;
    }

    private static void GiveBack(byte[][] blocks)
    {
        lock (SpareBlocks)
        {
            foreach (byte[] block in blocks) SpareBlocks.Push(block);
        }
    }

    private ClrSegment[] Segments()
    {
        if (_heap.PointerSize() != PointerSize)
            throw new EngineException(ErrorKind.HeapNotWalkable, "only 64-bit processes are read");
        return _heap.Segments.ToArray();
    }

    // Each walker takes the next segment until none is left; a segment a walker cannot step over
    // is walked carefully (by ClrMD) after the others.
    private void WalkAll(ClrSegment[] segments, SegmentWalker[] walkers, IReadOnlyList<IObjectSink>? sinks)
    {
        var careful = new bool[segments.Length];
        int next = -1;
        Workers.Run(walkers.Length, w =>
        {
            try
            {
                for (int i = Interlocked.Increment(ref next); i < segments.Length; i = Interlocked.Increment(ref next))
                {
                    sinks?[w].BeginSegment(segments[i], i);
                    long objects = walkers[w].Walk(segments[i], i);
                    if (objects < 0)
                    {
                        sinks?[w].DropSegment();
                        careful[i] = true;
                        continue;
                    }
                    sinks?[w].EndSegment();
                    if (sinks is not null) continue;
                    _tally.SegmentObjects[i] = objects;
                    _tally.SegmentReferences[i] = walkers[w].References;
                }
            }
            catch
            {
                Interlocked.Exchange(ref next, segments.Length);  // the others stop too
                throw;
            }
        }, "heap walk");
        for (int i = 0; i < segments.Length; i++)
        {
            if (!careful[i]) continue;
            sinks?[0].BeginSegment(segments[i], i);
            (long objects, long references) = WalkCarefully(segments[i], i, sinks?[0]);
            sinks?[0].EndSegment();
            if (sinks is not null) continue;
            _tally.SegmentObjects[i] = objects;
            _tally.SegmentReferences[i] = references;
        }
    }

    // Memory of the target, from any of the walk's threads.
    internal int Read(ulong address, Span<byte> buffer) => _memory.Read(address, buffer);

    // The type of the object at obj whose method table (flag bits included) is rawMt, or null
    // when the runtime does not know it.
    internal TypeTally? TypeOf(ulong rawMt, ulong obj)
    {
        ulong mt = rawMt & ~1ul;
        lock (Gate)
        {
            if (_byRawMt.TryGetValue(mt, out TypeTally? known)) return known;
            if (mt == 0) return null;
            TypeTally t;
            if (_known?.Get(mt) is { } facts)
            {
                t = Tally(mt, facts);
                _tally.TypesKnown++;
            }
            else
            {
                ClrType? type = _heap.GetObjectType(obj);
                if (type is null) return null;
                KnownTypes.Facts made = FactsOf(type);
                t = Tally(type.MethodTable, made);
                if (!type.IsCollectible && type.MethodTable == mt) _known?.Add(mt, made);
            }
            _byRawMt[mt] = t;
            return t;
        }
    }

    private TypeTally Tally(ClrType type) =>
        _tally.Types.TryGetValue(type.MethodTable, out TypeTally? t) ? t : Tally(type.MethodTable, FactsOf(type));

    private KnownTypes.Facts FactsOf(ClrType type) =>
        new(type.Name ?? $"<unknown_type_{type.MethodTable:x}>", (uint)type.StaticSize, (uint)type.ComponentSize,
            type.ContainsPointers, type == _heap.StringType);

    private TypeTally Tally(ulong methodTable, KnownTypes.Facts facts)
    {
        if (!_tally.Types.TryGetValue(methodTable, out TypeTally? t))
        {
            t = new TypeTally
            {
                Index = _tally.Types.Count,
                HasPointers = facts.HasPointers,
                MethodTable = methodTable,
                Name = facts.Name,
                BaseSize = facts.BaseSize,
                ComponentSize = facts.ComponentSize,
                IsString = facts.IsString,
            };
            t.Kept = _keepType?.Invoke(t) ?? true;
            if (CountsReferences && t.HasPointers)
            {
                t.Layout = GcLayout.Read(_reader, t.MethodTable);
                if (t.ComponentSize == 0) t.Slots = t.Layout?.FixedSlots(t.BaseSize);
            }
            _tally.Types.Add(methodTable, t);
        }
        return t;
    }

    // SOS's own loop (dumpheap -stat over segment.EnumerateObjects(carefully: true)), after the
    // threads are done; counted when there is no sink (Walk). Returns the segment's objects kept
    // and the bound of their references (CountReferences).
    private (long Objects, long References) WalkCarefully(ClrSegment segment, int ordinal, IObjectSink? sink)
    {
        bool count = sink is null;
        if (count) _tally.SegmentsWalkedCarefully++;
        long objects = 0, references = 0;
        foreach (ClrObject obj in segment.EnumerateObjects(carefully: true))
        {
            ulong size = obj.IsValid ? obj.Size : 0;
            TypeTally t;
            if (obj.Type is { } type)
            {
                t = Tally(type);
            }
            else
            {
                ulong mt = _reader.ReadPointer(obj.Address);
                if (!_tally.Types.TryGetValue(mt, out t!))
                {
                    t = new TypeTally { Index = _tally.Types.Count, MethodTable = mt, Name = $"<unknown_type_{mt:x}>" };
                    _tally.Types.Add(mt, t);
                }
            }
            if (Keeps(t, obj.Address))
            {
                objects++;
                if (CountsReferences) references += t.ReferenceBound(size);
                sink?.Object(obj.Address, t, size, default);
            }
            if (!count) continue;
            t.Count++;
            t.Bytes += size;
            _tally.Objects++;
            _tally.Bytes += size;
            SegmentWalker.MetAt(t, ordinal, obj.Address);
        }
        return (objects, references);
    }
}

internal static class HeapExtensions
{
    public static uint PointerSize(this ClrHeap heap) => (uint)heap.Runtime.DataTarget.DataReader.PointerSize;
}
