using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// Every object of the heap with its type and its references, in flat arrays (no object per
// object): built by one walk of the heap (HeapWalker), then searched by RootFinder. Objects are
// numbered in walk order, which is address order within a segment.
public sealed class ObjectGraph : IObjectSink
{
    private readonly ClrHeap _heap;
    private readonly IDataReader _reader;
    private readonly List<ulong> _refs = new();

    private ulong[] _address = new ulong[1 << 16];
    private int[] _type = new int[1 << 16];
    private ulong[] _size = new ulong[1 << 16];
    private long[] _firstEdge = new long[(1 << 16) + 1];
    private ulong[] _edges = new ulong[1 << 18];
    private long _edgeCount;
    private readonly List<(ulong Start, ulong End, int First, int Count)> _segments = new();
    private int _segmentFirst;
    private long _segmentFirstEdge;

    public int Count { get; private set; }
    public long EdgeCount => _edgeCount;
    public readonly List<TypeTally> Types = new();  // by TypeTally.Index
    public long ReadByClrMd { get; private set; }   // objects whose references ClrMD read

    public ObjectGraph(ClrHeap heap, IDataReader reader)
    {
        _heap = heap;
        _reader = reader;
    }

    public ulong Address(int i) => _address[i];
    public TypeTally TypeOf(int i) => Types[_type[i]];
    public int TypeIndex(int i) => _type[i];
    public ulong Size(int i) => _size[i];

    public ReadOnlySpan<ulong> References(int i) =>
        _edges.AsSpan((int)_firstEdge[i], (int)(_firstEdge[i + 1] - _firstEdge[i]));

    public void BeginSegment(ClrSegment segment)
    {
        _segmentFirst = Count;
        _segmentFirstEdge = _edgeCount;
    }

    public void DropSegment()
    {
        Count = _segmentFirst;
        _edgeCount = _segmentFirstEdge;
    }

    public void EndSegment()
    {
        if (Count > _segmentFirst)
            _segments.Add((_address[_segmentFirst], _address[Count - 1] + 1, _segmentFirst, Count - _segmentFirst));
    }

    public void Object(ulong address, TypeTally type, ulong size, ReadOnlySpan<byte> bytes)
    {
        if (Count + 1 >= _address.Length)
        {
            int grown = checked(_address.Length * 2);
            Array.Resize(ref _address, grown);
            Array.Resize(ref _type, grown);
            Array.Resize(ref _size, grown);
            Array.Resize(ref _firstEdge, grown + 1);
        }
        while (Types.Count <= type.Index) Types.Add(type);
        Types[type.Index] = type;
        _address[Count] = address;
        _type[Count] = type.Index;
        _size[Count] = size;
        _firstEdge[Count] = _edgeCount;
        if (type.HasPointers)
        {
            _refs.Clear();
            type.Layout ??= GcLayout.Read(_reader, type.MethodTable);
            if (bytes.IsEmpty || type.Layout is null || !type.Layout.References(bytes, _refs))
            {
                _refs.Clear();
                ReadByClrMd++;
                foreach (ulong r in _heap.GetObject(address).EnumerateReferenceAddresses(carefully: true, considerDependantHandles: false))
                    _refs.Add(r);
            }
            AddEdges();
        }
        Count++;
        _firstEdge[Count] = _edgeCount;
    }

    private void AddEdges()
    {
        if (_edgeCount + _refs.Count > _edges.Length)
        {
            long grown = Math.Max(_edges.Length * 2L, _edgeCount + _refs.Count);
            if (grown > Array.MaxLength)
                throw new EngineException(ErrorKind.Internal, "the heap has more references than one array holds");
            Array.Resize(ref _edges, (int)grown);
        }
        _refs.CopyTo(_edges.AsSpan((int)_edgeCount));
        _edgeCount += _refs.Count;
    }

    // The number of the object at `address` (its start), or -1 when no object starts there.
    public int Find(ulong address)
    {
        int lo = 0, hi = _segments.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var s = _segments[mid];
            if (address < s.Start) hi = mid - 1;
            else if (address >= s.End) lo = mid + 1;
            else
            {
                int i = Array.BinarySearch(_address, s.First, s.Count, address);
                return i >= 0 ? i : -1;
            }
        }
        return -1;
    }

    // The references read from the bytes against ClrMD's own enumeration, object by object (slow:
    // the test of the layout decoding). Returns the objects checked and how many differ.
    public (long Checked, long Mismatches) CheckAgainstClrMd()
    {
        long mismatches = 0;
        for (int i = 0; i < Count; i++)
        {
            ulong[] ours = References(i).ToArray();
            ulong[] theirs = _heap.GetObject(_address[i])
                .EnumerateReferenceAddresses(carefully: true, considerDependantHandles: false).ToArray();
            Array.Sort(ours);
            Array.Sort(theirs);
            if (!ours.AsSpan().SequenceEqual(theirs)) mismatches++;
        }
        return (Count, mismatches);
    }

    // Segments sorted by address, for Find (the walk visits them in the heap's order).
    public void Seal() => _segments.Sort((a, b) => a.Start.CompareTo(b.Start));
}
