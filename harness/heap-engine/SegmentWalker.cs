using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// One thread's part of a heap walk (HeapWalker): steps over the objects of the segments it is
// given, in blocks of its own, and counts them per type in arrays of its own (by TypeTally.Index),
// merged into the types when the walk ends. A segment it cannot step over leaves no count behind:
// HeapWalker walks it again carefully. The loops over objects here and in the object graph are
// marked AggressiveOptimization: on x64 the engine is compiled ahead of time (Native AOT) and the
// mark changes nothing; where it runs on the .NET runtime (a plain build), they are compiled fully
// optimized at their first call, since a loop's first code is not optimized again while it runs.
internal sealed class SegmentWalker
{
    internal const int BlockSize = 8 << 20;
    private const uint MinObjectSize = 8 * 3;

    private readonly HeapWalker _walk;
    private readonly IObjectSink? _sink;
    private readonly ulong[] _contextStarts;
    // The last method tables met, by a hash of their address (most objects are of a few types).
    private readonly ulong[] _cacheMt = new ulong[256];
    private readonly TypeTally?[] _cacheType = new TypeTally?[256];
    private readonly byte[] _block;
    private ulong _blockStart;
    private int _blockLength;
    private ulong _bytesRead;
    // Per type: the counts of the segments walked, and of the segment being walked.
    private long[] _count = new long[64];
    private ulong[] _bytes = new ulong[64];
    private long[] _segmentCount = new long[64];
    private ulong[] _segmentBytes = new ulong[64];
    private readonly List<TypeTally> _touched = new();
    private long _kept;  // objects of the segment kept (HeapWalker.Only)
    private long _references;  // the bound of their references (HeapWalker.CountReferences)
    private readonly List<TypeTally> _types = new();  // every type this walker counted

    // `block`: a buffer of BlockSize bytes of its own (HeapWalker.Block: the walks of one heap reuse them).
    public SegmentWalker(HeapWalker walk, IObjectSink? sink, byte[] block)
    {
        _walk = walk;
        _block = block;
        _sink = sink;
        _contextStarts = walk.ContextStarts;
    }

    // Counts the objects of the segment (the ordinal-th of the heap) and returns how many of them
    // are kept (HeapWalker.Only); -1, with nothing counted, when it meets anything it cannot step
    // over. With a sink, the objects kept go to the sink instead of being counted (the return value
    // only says whether the walk got through).
    public long Walk(ClrSegment segment, int ordinal)
    {
        _touched.Clear();
        _blockLength = 0;
        _kept = 0;
        _references = 0;
        bool done = WalkFast(segment, ordinal);
        if (_sink is not null) return done ? 0 : -1;
        foreach (TypeTally t in _touched)
        {
            int i = t.Index;
            if (done)
            {
                if (_count[i] == 0 && _bytes[i] == 0) _types.Add(t);
                _count[i] += _segmentCount[i];
                _bytes[i] += _segmentBytes[i];
            }
            _segmentCount[i] = 0;
            _segmentBytes[i] = 0;
        }
        return done ? _kept : -1;
    }

    // The bound of the references of the last segment's kept objects (HeapWalker.CountReferences).
    public long References => _references;

    // The counts into the types and the heap's totals.
    public void AddTo(HeapTally tally)
    {
        foreach (TypeTally t in _types)
        {
            t.Count += _count[t.Index];
            t.Bytes += _bytes[t.Index];
            tally.Objects += _count[t.Index];
            tally.Bytes += _bytes[t.Index];
        }
        tally.BytesRead += _bytesRead;
    }

    // Where the walk met the type, kept when it comes before what is known (threads meet types
    // in any order; the rows of SOS are in walk order).
    internal static void MetAt(TypeTally t, int ordinal, ulong address)
    {
        lock (t)
        {
            if (ordinal < t.FirstSegment || (ordinal == t.FirstSegment && address < t.FirstAddress))
            {
                t.FirstSegment = ordinal;
                t.FirstAddress = address;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool WalkFast(ClrSegment segment, int ordinal)
    {
        MemoryRange range = segment.ObjectRange;
        bool skipContexts = segment.Kind is not (GCSegmentKind.Large or GCSegmentKind.Frozen);
        bool countReferences = _walk.CountsReferences;
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
                t = _walk.TypeOf(rawMt, obj);
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
            bool kept = _walk.Keeps(t, obj);
            if (_sink is null)
            {
                Count(t, ordinal, obj, Math.Max(size, MinObjectSize));
                if (kept)
                {
                    _kept++;
                    if (countReferences) _references += t.ReferenceBound(size);
                }
            }
            else if (kept)
            {
                _sink.Object(obj, t, size, t.HasPointers ? ObjectBytes(obj, size, range.End) : default);
            }

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
                    ulong next = _walk.AllocationContexts[obj] + MinObjectSize;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Count(TypeTally t, int ordinal, ulong obj, ulong size)
    {
        int i = t.Index;
        if (i >= _count.Length) Grow(i + 1);
        if (_segmentCount[i] == 0)
        {
            _touched.Add(t);
            MetAt(t, ordinal, obj);
        }
        _segmentCount[i]++;
        _segmentBytes[i] += size;
    }

    private void Grow(int types)
    {
        int n = Math.Max(types, _count.Length * 2);
        Array.Resize(ref _count, n);
        Array.Resize(ref _bytes, n);
        Array.Resize(ref _segmentCount, n);
        Array.Resize(ref _segmentBytes, n);
    }

    private int FirstContextAtOrAfter(ulong address)
    {
        int i = Array.BinarySearch(_contextStarts, address);
        return i >= 0 ? i : ~i;
    }

    // The method table pointer and (for arrays and strings) the length at obj, from the block.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryRead(ulong obj, ulong end, out ulong mt, out uint length)
    {
        mt = 0;
        length = 0;
        if (obj < _blockStart || obj + 12 > _blockStart + (ulong)_blockLength)
        {
            int want = (int)Math.Min((ulong)BlockSize, end - obj);
            if (want < 12) want = 12;
            int got = _walk.Read(obj, _block.AsSpan(0, want));
            _bytesRead += (ulong)Math.Max(got, 0);
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<byte> ObjectBytes(ulong obj, ulong size, ulong end)
    {
        if (size > BlockSize) return default;
        if (obj + size > _blockStart + (ulong)_blockLength)
        {
            int want = (int)Math.Min((ulong)BlockSize, end - obj);
            if ((ulong)want < size) return default;
            int got = _walk.Read(obj, _block.AsSpan(0, want));
            _bytesRead += (ulong)Math.Max(got, 0);
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
}
