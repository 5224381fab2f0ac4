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
    // This segment's part, merged when the segment's walk ends (dropped when it is walked again
    // carefully).
    internal long SegmentCount;
    internal ulong SegmentBytes;
    // For the object graph: the type's number in the walk, and where its references are.
    internal int Index;
    internal bool HasPointers;
    internal GcLayout? Layout;
}

// Sees every object of a walk (the object graph of the roots request). `bytes` is the whole object
// when the walk has it in memory, else empty (a large object, or a segment walked carefully).
public interface IObjectSink
{
    void BeginSegment(ClrSegment segment);
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
}

// The heap statistics of `dumpheap -stat`, from one sequential pass over each segment: the segment
// is read in large blocks, objects are stepped over by their method table's base size and component
// size (8-byte aligned, at least 3 pointers), allocation contexts are skipped, and each method table
// is looked up once. This is the walk of ClrMD's own enumeration, which SOS's dumpheap uses, without
// a memory read and an object per object. A segment where the walk meets anything it cannot step
// over (an unreadable page, an unknown method table) is counted again by ClrMD's careful
// enumeration, so the result is always the one SOS prints.
public sealed class HeapWalker
{
    private const int BlockSize = 8 << 20;
    private const uint PointerSize = 8;
    private const uint MinObjectSize = PointerSize * 3;

    private readonly ClrHeap _heap;
    private readonly IDataReader _reader;
    private readonly Dictionary<ulong, TypeTally> _byRawMt = new();
    private readonly Dictionary<ulong, ulong> _allocationContexts = new();
    // The allocation contexts' starts in order: the walk compares each object with the next one
    // only, instead of looking every object up.
    private ulong[] _contextStarts = [];
    // The last method tables met, by a hash of their address (most objects are of a few types).
    private readonly ulong[] _cacheMt = new ulong[256];
    private readonly TypeTally?[] _cacheType = new TypeTally?[256];
    private readonly List<TypeTally> _touched = new();
    private readonly byte[] _block = new byte[BlockSize];
    private ulong _blockStart;
    private int _blockLength;
    private readonly HeapTally _tally = new();
    private readonly IObjectSink? _sink;

    public HeapWalker(ClrRuntime runtime, IDataReader reader, IObjectSink? sink = null)
    {
        _heap = runtime.Heap;
        _reader = reader;
        _sink = sink;
        foreach (MemoryRange context in _heap.EnumerateAllocationContexts())
            _allocationContexts.TryAdd(context.Start, context.End);
        _contextStarts = _allocationContexts.Keys.Order().ToArray();
    }

    public HeapTally Walk()
    {
        if (_heap.PointerSize() != PointerSize)
            throw new EngineException(ErrorKind.HeapNotWalkable, "only 64-bit processes are read");
        foreach (ClrSegment segment in _heap.Segments)
        {
            _tally.Segments++;
            _touched.Clear();
            _blockLength = 0;
            _sink?.BeginSegment(segment);
            if (!WalkFast(segment))
            {
                _sink?.DropSegment();
                foreach (TypeTally t in _touched)
                {
                    t.SegmentCount = 0;
                    t.SegmentBytes = 0;
                }
                _touched.Clear();
                WalkCarefully(segment);
            }
            _sink?.EndSegment();
            foreach (TypeTally t in _touched)
            {
                t.Count += t.SegmentCount;
                t.Bytes += t.SegmentBytes;
                _tally.Objects += t.SegmentCount;
                _tally.Bytes += t.SegmentBytes;
                t.SegmentCount = 0;
                t.SegmentBytes = 0;
            }
        }
        return _tally;
    }

    private bool WalkFast(ClrSegment segment)
    {
        MemoryRange range = segment.ObjectRange;
        bool skipContexts = segment.Kind is not (GCSegmentKind.Large or GCSegmentKind.Frozen);
        ulong obj = segment.FirstObjectAddress;
        int nextContext = FirstContextAtOrAfter(obj);
        ulong contextAt = nextContext < _contextStarts.Length ? _contextStarts[nextContext] : ulong.MaxValue;
        while (range.Contains(obj))
        {
            if (!TryRead(obj, range.End, out ulong rawMt, out uint length)) return false;
            ulong mt = rawMt & ~1ul;
            int slot = (int)(mt >> 3) & 255;
            TypeTally? t = _cacheMt[slot] == mt ? _cacheType[slot] : null;
            if (t is null)
            {
                t = TypeOf(rawMt, obj);
                if (t is null) return false;
                _cacheMt[slot] = mt;
                _cacheType[slot] = t;
            }
            ulong size = t.BaseSize;
            if (t.ComponentSize != 0)
            {
                ulong count = length;
                if (t.IsString) count++;
                size += count * t.ComponentSize;
            }
            if (t.SegmentCount == 0) _touched.Add(t);
            t.SegmentCount++;
            t.SegmentBytes += Math.Max(size, MinObjectSize);
            if (_sink is not null)
                _sink.Object(obj, t, size, t.HasPointers ? ObjectBytes(obj, size, range.End) : default);

            ulong step = (size + 7) & ~7ul;
            obj += Math.Max(step, MinObjectSize);
            if (skipContexts && obj >= contextAt)
            {
                while (contextAt < obj)
                {
                    nextContext++;
                    contextAt = nextContext < _contextStarts.Length ? _contextStarts[nextContext] : ulong.MaxValue;
                }
                while (obj == contextAt)
                {
                    ulong next = _allocationContexts[obj] + MinObjectSize;
                    if (obj >= next || next >= segment.End) return true;  // as ClrMD: the walk ends
                    obj = next;
                    while (contextAt < obj)
                    {
                        nextContext++;
                        contextAt = nextContext < _contextStarts.Length ? _contextStarts[nextContext] : ulong.MaxValue;
                    }
                }
            }
        }
        return true;
    }

    private int FirstContextAtOrAfter(ulong address)
    {
        int i = Array.BinarySearch(_contextStarts, address);
        return i >= 0 ? i : ~i;
    }

    // The method table pointer and (for arrays and strings) the length at obj, from the block.
    private bool TryRead(ulong obj, ulong end, out ulong mt, out uint length)
    {
        mt = 0;
        length = 0;
        if (obj < _blockStart || obj + 12 > _blockStart + (ulong)_blockLength)
        {
            int want = (int)Math.Min((ulong)BlockSize, end - obj);
            if (want < 12) want = 12;
            int got = _reader.Read(obj, _block.AsSpan(0, want));
            _tally.BytesRead += (ulong)Math.Max(got, 0);
            if (got < 12) return false;
            _blockStart = obj;
            _blockLength = got;
        }
        int offset = (int)(obj - _blockStart);
        mt = BinaryPrimitives.ReadUInt64LittleEndian(_block.AsSpan(offset, 8));
        length = BinaryPrimitives.ReadUInt32LittleEndian(_block.AsSpan(offset + 8, 4));
        return true;
    }

    // The object's bytes from the block (read again from the object on when it runs past the block's
    // end); empty for an object larger than a block.
    private ReadOnlySpan<byte> ObjectBytes(ulong obj, ulong size, ulong end)
    {
        if (size > BlockSize) return default;
        if (obj + size > _blockStart + (ulong)_blockLength)
        {
            int want = (int)Math.Min((ulong)BlockSize, end - obj);
            if ((ulong)want < size) return default;
            int got = _reader.Read(obj, _block.AsSpan(0, want));
            _tally.BytesRead += (ulong)Math.Max(got, 0);
            if (got < 0 || (ulong)got < size)
            {
                _blockLength = 0;
                return default;
            }
            _blockStart = obj;
            _blockLength = got;
        }
        return _block.AsSpan((int)(obj - _blockStart), (int)size);
    }

    private TypeTally? TypeOf(ulong rawMt, ulong obj)
    {
        ulong mt = rawMt & ~1ul;
        if (_byRawMt.TryGetValue(mt, out TypeTally? known)) return known;
        if (mt == 0) return null;
        ClrType? type = _heap.GetObjectType(obj);
        if (type is null) return null;
        TypeTally t = Tally(type);
        _byRawMt[mt] = t;
        return t;
    }

    private TypeTally Tally(ClrType type)
    {
        if (!_tally.Types.TryGetValue(type.MethodTable, out TypeTally? t))
        {
            t = new TypeTally
            {
                Index = _tally.Types.Count,
                HasPointers = type.ContainsPointers,
                MethodTable = type.MethodTable,
                Name = type.Name ?? $"<unknown_type_{type.MethodTable:x}>",
                BaseSize = (uint)type.StaticSize,
                ComponentSize = (uint)type.ComponentSize,
                IsString = type == _heap.StringType,
            };
            _tally.Types.Add(type.MethodTable, t);
        }
        return t;
    }

    // SOS's own loop (dumpheap -stat over segment.EnumerateObjects(carefully: true)).
    private void WalkCarefully(ClrSegment segment)
    {
        _tally.SegmentsWalkedCarefully++;
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
            if (t.SegmentCount == 0) _touched.Add(t);
            t.SegmentCount++;
            t.SegmentBytes += size;
            _sink?.Object(obj.Address, t, size, default);
        }
    }
}

internal static class HeapExtensions
{
    public static uint PointerSize(this ClrHeap heap) => (uint)heap.Runtime.DataTarget.DataReader.PointerSize;
}
