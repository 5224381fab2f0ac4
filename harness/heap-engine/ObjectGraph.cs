using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// The objects of the heap the walker keeps (HeapWalker.Only: every object a path can go through
// and every instance asked for) with their types and references, in flat arrays (no object per
// object), searched by RootFinder. Built in two walks of the heap (HeapWalker): the first counts
// the objects of every segment and bounds their references (HeapWalker.CountReferences), so the
// second, on several threads, writes each segment's objects straight into their places (objects
// are numbered segment by segment in the heap's order, by address within a segment) and their
// references (addresses) into the segment's own part of one buffer, taken once at its bound. The
// references are then turned, segment by segment in parallel, into the numbers of the objects
// they point to (-1: not the start of an object of the graph), which is what the search follows.
public sealed class ObjectGraph
{
    private const int PageShift = 9;
    private const ulong PageSize = 1 << PageShift;

    private readonly ulong[] _address;
    private readonly int[] _type;
    private readonly uint[] _size;  // uint.MaxValue: in _largeSize (an object of 4 GiB or more)
    private readonly Dictionary<int, long> _largeSize = new();
    private readonly int[] _firstEdge;
    private int[] _edges = [];
    private bool[]? _leafType;  // by type index (Build's `leaf`)
    private ulong[] _followed = [];  // a bit per object: not a leaf, whatever its type (Build's `followed`)
    private readonly long[] _segmentFirst;  // per segment of the heap's list: its first object
    // The references the second walk read (addresses), segment by segment: segment k's part starts
    // at _rawStart[k] (room for its bound) and ends at _rawEnd[k] (what it held).
    private ulong[] _raw;
    private readonly long[] _rawStart;
    private readonly long[] _rawEnd;
    private readonly long[] _segmentCount;
    // Sorted by address, for Find: each segment's object range, and per 4 KiB page of it the
    // first object that starts in the page.
    private ulong[] _segStart = [];
    private ulong[] _segEnd = [];
    private int[] _segPage = [];
    private int[] _segFirst = [];
    private int[] _pageFirst = [];

    public int Count { get; }
    // The objects that are not leaves (Build's `leaf`): all a search can go through, and more than
    // it can reach but for the roots' and dependent handles' own objects.
    public long NotLeaves { get; private set; }
    public long EdgeCount => _edges.Length;
    public TypeTally[] Types { get; }  // by TypeTally.Index
    public long ReadByClrMd { get; private set; }  // objects whose references ClrMD read

    private ObjectGraph(HeapTally counted)
    {
        _segmentCount = counted.SegmentObjects;
        if (counted.SegmentReferences.Length != _segmentCount.Length)
            throw new InvalidOperationException("the walk did not bound the references (HeapWalker.CountReferences)");
        _segmentFirst = new long[_segmentCount.Length];
        _rawStart = new long[_segmentCount.Length + 1];
        _rawEnd = new long[_segmentCount.Length];
        long total = 0;
        for (int k = 0; k < _segmentCount.Length; k++)
        {
            _segmentFirst[k] = total;
            total += _segmentCount[k];
            _rawStart[k + 1] = _rawStart[k] + counted.SegmentReferences[k];
        }
        if (_rawStart[^1] > Array.MaxLength)
            throw new EngineException(ErrorKind.Internal, "the heap has more references than one array holds");
        if (total >= Array.MaxLength - 1)
            throw new EngineException(ErrorKind.Internal, "the heap has more objects than one array holds");
        Count = (int)total;
        _address = BigArray.Allocate<ulong>(Count);
        _type = BigArray.Allocate<int>(Count);
        _size = BigArray.Allocate<uint>(Count);
        _firstEdge = BigArray.Allocate<int>(Count + 1L);
        _raw = BigArray.Allocate<ulong>(Math.Max(1, _rawStart[^1]));
        Types = new TypeTally[counted.Types.Count];
        foreach (TypeTally t in counted.Types.Values) Types[t.Index] = t;
    }

    // The graph of the heap `walker` counted (`counted`, from walker.Walk()).
    // `leaf`: the types whose objects no search goes through (objects without references that no
    // question is about): references to them are told apart (Edges), so a search skips them and
    // what a leak retains still counts them; but for the objects at `followed` (the primaries of
    // dependent handles: their secondaries are alive through them).
    public static ObjectGraph Build(HeapWalker walker, HeapTally counted, ClrHeap heap, Phases? phases = null,
                                    Func<TypeTally, bool>? leaf = null,
                                    IEnumerable<ulong>? followed = null)
    {
        var graph = new ObjectGraph(counted);
        if (leaf is not null)
        {
            graph._leafType = new bool[graph.Types.Length];
            foreach (TypeTally t in graph.Types) graph._leafType[t.Index] = !t.HasPointers && leaf(t);
        }
        // The layouts were read by the walk that counted (HeapWalker.CountReferences).
        var fillers = new SegmentFiller[Math.Max(1, Math.Min(walker.Threads, counted.SegmentObjects.Length))];
        for (int w = 0; w < fillers.Length; w++) fillers[w] = new SegmentFiller(graph, walker, heap);
        phases?.End("allocate");
        walker.Visit(fillers);
        graph.NotLeaves = graph.Count;
        foreach (SegmentFiller f in fillers)
        {
            graph.ReadByClrMd += f.ReadByClrMd;
            graph.NotLeaves -= f.Leaves;
        }
        phases?.End("fill");
        graph.Seal();
        graph._followed = new ulong[(graph.Count + 63) / 64];
        int hint = 0;
        foreach (ulong address in followed ?? [])
        {
            int i = graph.Find(address, ref hint);
            if (i < 0 || (graph._followed[i >> 6] & (1UL << (i & 63))) != 0) continue;
            graph._followed[i >> 6] |= 1UL << (i & 63);
            if (graph.IsLeafType(graph._type[i])) graph.NotLeaves++;
        }
        graph.Resolve(fillers.Length);
        foreach (SegmentFiller f in fillers) f.Release();
        phases?.End("resolve");
        return graph;
    }

    public static int LeafEdge(int i) => -2 - i;
    public static int LeafOf(int edge) => -2 - edge;

    // Whether the objects of type index t are leaves (Build's `leaf`).
    public bool IsLeafType(int t) => _leafType is { } leaf && leaf[t];

    public ulong Address(int i) => _address[i];
    public TypeTally TypeOf(int i) => Types[_type[i]];
    public int TypeIndex(int i) => _type[i];
    public long Size(int i) => _size[i] != uint.MaxValue ? _size[i] : _largeSize[i];

    // The objects i refers to: an object's number (>= 0), -1 for a reference to no object of the
    // graph, and for a leaf (an object of a type Build's `leaf` picked) LeafEdge(its number), <= -2.
    public ReadOnlySpan<int> Edges(int i) => _edges.AsSpan(_firstEdge[i], _firstEdge[i + 1] - _firstEdge[i]);

    // The number of the object at `address` (its start), or -1 when no object starts there: the
    // segment (the one of the last look-up, `hint`, else a binary search), then the objects that
    // start in the address's 4 KiB page, then a search among those few.
    public int Find(ulong address)
    {
        int hint = 0;
        return Find(address, ref hint);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(ulong address, ref int hint)
    {
        if (hint < _segStart.Length && address >= _segStart[hint] && address < _segEnd[hint])
            return FindIn(hint, address);
        int lo = 0, hi = _segStart.Length - 1, k = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (address < _segStart[mid]) hi = mid - 1;
            else if (address >= _segEnd[mid]) lo = mid + 1;
            else
            {
                k = mid;
                break;
            }
        }
        if (k < 0) return -1;
        hint = k;
        return FindIn(k, address);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FindIn(int k, ulong address)
    {
        int page = _segPage[k] + (int)((address - _segStart[k]) >> PageShift);
        int first = _pageFirst[page], end = _pageFirst[page + 1];
        if (end - first <= 8)
        {
            for (int i = first; i < end; i++)
                if (_address[i] == address) return i;
            return -1;
        }
        int found = Array.BinarySearch(_address, first, end - first, address);
        return found >= 0 ? found : -1;
    }

    // The references of every object against ClrMD's own enumeration (those to objects of the
    // heap), object by object (slow: the test of the layout decoding). Returns the objects checked
    // and how many differ.
    public (long Checked, long Mismatches) CheckAgainstClrMd(ClrHeap heap)
    {
        long mismatches = 0;
        for (int i = 0; i < Count; i++)
        {
            ulong[] ours = Edges(i).ToArray().Select(j => j <= -2 ? LeafOf(j) : j).Where(j => j >= 0)
                .Select(j => _address[j]).ToArray();
            ulong[] theirs = heap.GetObject(_address[i])
                .EnumerateReferenceAddresses(carefully: true, considerDependantHandles: false)
                .Where(a => Find(a) >= 0).ToArray();
            Array.Sort(ours);
            Array.Sort(theirs);
            if (!ours.AsSpan().SequenceEqual(theirs)) mismatches++;
        }
        return (Count, mismatches);
    }

    // Segments sorted by address, and per 4 KiB page of each the first object that starts in it
    // (plus one entry past each segment's last page: where its objects end).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Seal()
    {
        var order = Enumerable.Range(0, _segmentCount.Length).Where(k => _segmentCount[k] > 0)
            .OrderBy(k => _address[_segmentFirst[k]]).ToArray();
        int n = order.Length;
        _segStart = new ulong[n];
        _segEnd = new ulong[n];
        _segPage = new int[n];
        _segFirst = new int[n];
        long entries = 0;
        for (int s = 0; s < n; s++)
        {
            int k = order[s];
            int first = (int)_segmentFirst[k];
            _segStart[s] = _address[first];
            _segEnd[s] = _address[first + _segmentCount[k] - 1] + 1;
            _segFirst[s] = first;
            _segPage[s] = (int)entries;
            entries += (long)((_segEnd[s] - _segStart[s] + PageSize - 1) >> PageShift) + 1;
            if (entries > Array.MaxLength)
                throw new EngineException(ErrorKind.Internal, "the heap spans more pages than one array holds");
        }
        _pageFirst = BigArray.Allocate<int>(Math.Max(entries, 1));  // every entry written below
        for (int s = 0; s < n; s++)
        {
            int first = _segFirst[s];
            int end = first + (int)_segmentCount[order[s]];
            int pages = (int)((_segEnd[s] - _segStart[s] + PageSize - 1) >> PageShift);
            int i = first;
            for (int p = 0; p < pages; p++)
            {
                ulong pageStart = _segStart[s] + ((ulong)p << PageShift);
                while (i < end && _address[i] < pageStart) i++;
                _pageFirst[_segPage[s] + p] = i;
            }
            _pageFirst[_segPage[s] + pages] = end;
        }
    }

    // The references the fillers read (addresses, each segment's in its part of _raw) as object
    // numbers, in one array in object order, segment by segment on `threads` threads.
    private void Resolve(int threads)
    {
        int segments = _segmentCount.Length;
        var edgeFirst = new long[segments + 1];
        for (int k = 0; k < segments; k++) edgeFirst[k + 1] = edgeFirst[k] + (_rawEnd[k] - _rawStart[k]);
        if (edgeFirst[segments] > Array.MaxLength)
            throw new EngineException(ErrorKind.Internal, "the heap has more references than one array holds");
        _edges = BigArray.Allocate<int>(edgeFirst[segments]);
        _firstEdge[Count] = (int)edgeFirst[segments];
        int next = -1;
        Workers.Run(threads, _ =>
        {
            for (int k = Interlocked.Increment(ref next); k < segments; k = Interlocked.Increment(ref next))
            {
                long start = _rawStart[k];
                int first = (int)_segmentFirst[k], end = first + (int)_segmentCount[k];
                // An object's first edge is its offset in the segment's part until now.
                int shift = (int)edgeFirst[k];
                for (int i = first; i < end; i++) _firstEdge[i] += shift;
                int to = (int)edgeFirst[k], stop = (int)edgeFirst[k + 1];
                ulong[] raw = _raw;
                int hint = 0;
                bool[]? leaf = _leafType;
                for (long e = start; to < stop; e++, to++)
                {
                    int j = Find(raw[e], ref hint);
                    bool isLeaf = j >= 0 && leaf is not null && leaf[_type[j]] &&
                                  (_followed[j >> 6] & (1UL << (j & 63))) == 0;
                    _edges[to] = isLeaf ? LeafEdge(j) : j;
                }
            }
        }, "heap graph");
        // The read references (pinned, a third of the graph) are given back before the search
        // allocates its own arrays, which take the same memory: the peak is the larger of the
        // two, not their sum.
        _raw = [];
        GC.Collect();
    }

    // One thread's part of the second walk: each object of its segments into its place, its
    // references (addresses) into the segment's part of _raw; the object's first edge is its offset
    // in that part until Resolve.
    private sealed class SegmentFiller(ObjectGraph graph, HeapWalker walker, ClrHeap heap) : IObjectSink
    {
        private const ulong MaxLargeRead = 1 << 30;
        private readonly List<ulong> _refs = new();
        private byte[] _large = [];
        private int _next;
        private int _end;
        private int _ordinal;
        private long _rawAt;    // where the next reference goes
        private long _rawFirst;  // the segment's part of _raw
        private long _rawStop;

        public long ReadByClrMd;
        public long Leaves;  // objects of leaf types (Build's `leaf`)
        private long _leavesBefore;  // before the segment being walked

        public void BeginSegment(ClrSegment segment, int ordinal)
        {
            _ordinal = ordinal;
            _next = (int)graph._segmentFirst[ordinal];
            _end = _next + (int)graph._segmentCount[ordinal];
            _rawAt = _rawFirst = graph._rawStart[ordinal];
            _rawStop = graph._rawStart[ordinal + 1];
            _leavesBefore = Leaves;
        }

        public void DropSegment()
        {
            _rawAt = _rawFirst;
            Leaves = _leavesBefore;
        }

        public void EndSegment()
        {
            if (_next != _end) Differs();
            graph._rawEnd[_ordinal] = _rawAt;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Object(ulong address, TypeTally type, ulong size, ReadOnlySpan<byte> bytes)
        {
            if (_next >= _end) Differs();
            graph._address[_next] = address;
            graph._type[_next] = type.Index;
            if (size < uint.MaxValue)
            {
                graph._size[_next] = (uint)size;
            }
            else
            {
                graph._size[_next] = uint.MaxValue;
                lock (graph._largeSize) graph._largeSize[_next] = (long)size;
            }
            graph._firstEdge[_next] = (int)(_rawAt - _rawFirst);
            if (!type.HasPointers && graph._leafType is { } leaf && leaf[type.Index]) Leaves++;
            if (type.HasPointers)
            {
                // Most objects: a type of one size, its references at known offsets.
                if (type.Slots is { } slots && bytes.Length == (int)type.BaseSize)
                {
                    if (_rawAt + slots.Length > _rawStop) Differs();
                    ulong[] raw = graph._raw;
                    ref byte start = ref MemoryMarshal.GetReference(bytes);
                    foreach (int offset in slots)
                    {
                        ulong value = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset));
                        if (value != 0) raw[_rawAt++] = value;
                    }
                }
                else
                {
                    AddReferences(address, type, size, bytes);
                }
            }
            _next++;
        }

        public void Release() => _large = [];

        private static void Differs() =>
            throw new EngineException(ErrorKind.HeapNotWalkable,
                "the heap changed between two walks of it (the process was not suspended)");

        // The room left in the segment's part (the walk that counted bounded it), `need` of it.
        private Span<ulong> Room(long need)
        {
            if (_rawAt + need > _rawStop) Differs();
            return graph._raw.AsSpan((int)_rawAt, (int)(_rawStop - _rawAt));
        }

        private void AddReferences(ulong address, TypeTally type, ulong size, ReadOnlySpan<byte> bytes)
        {
            long bound = type.ReferenceBound(size);
            if (bytes.IsEmpty && type.Layout?.OneRange(size) is (long from, long to) && ReadRange(address, from, to))
                return;
            if (bytes.IsEmpty && type.Layout is not null && size <= MaxLargeRead)
                bytes = ReadLarge(address, (int)size);
            if (!bytes.IsEmpty && type.Layout is not null)
            {
                int n = type.Layout.References(bytes, Room(bound));
                if (n >= 0)
                {
                    _rawAt += n;
                    return;
                }
            }
            ReadByClrMd++;
            _refs.Clear();
            lock (walker.Gate)
            {
                foreach (ulong r in heap.GetObject(address).EnumerateReferenceAddresses(carefully: true, considerDependantHandles: false))
                    _refs.Add(r);
            }
            // ClrMD may name one more than the layout bounds (a collectible type's loader
            // allocator), only where the object could not be read as its layout says.
            int kept = (int)Math.Min(_refs.Count, bound);
            _refs.CopyTo(0, graph._raw, (int)_rawAt, kept);
            _rawAt += kept;
        }

        // The references of an array of references larger than the walk's block (its elements,
        // [from, to) from its start), read straight into the segment's part and the nulls left
        // out; false when they cannot be read.
        private bool ReadRange(ulong address, long from, long to)
        {
            int words = (int)((to - from) / 8);
            Span<ulong> into = Room(words)[..words];
            if (walker.Read(address + (ulong)from, MemoryMarshal.AsBytes(into)) != words * 8) return false;
            int n = 0;
            foreach (ulong value in into)
                if (value != 0) into[n++] = value;
            _rawAt += n;
            return true;
        }

        // An object larger than the walk's block (but an array of references), read whole into a
        // buffer kept for the next one; empty when it cannot be read.
        private ReadOnlySpan<byte> ReadLarge(ulong address, int size)
        {
            if (_large.Length < size) _large = BigArray.Allocate<byte>(Math.Max(size, Math.Min(_large.Length * 2L, (long)MaxLargeRead)));
            int got = walker.Read(address, _large.AsSpan(0, size));
            return got == size ? _large.AsSpan(0, size) : default;
        }
    }
}
