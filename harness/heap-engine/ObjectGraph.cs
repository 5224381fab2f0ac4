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
    private const ulong MaxLargeRead = 1 << 30;
    private byte[] _large = [];

    private ulong[] _address;
    private int[] _type;
    private int[] _firstEdge;
    private ulong[] _edges;
    private int _edgeCount;
    private readonly List<(ulong Start, ulong End, int First, int Count)> _segments = new();
    private ulong[] _segStart = [];
    private ulong[] _segEnd = [];
    private int[] _segPage = [];
    private int[] _pageFirst = [];
    private const int PageShift = 12;
    private const ulong PageSize = 1 << PageShift;
    private int _lastSegment;
    private int _segmentFirst;
    private int _segmentFirstEdge;

    public int Count { get; private set; }
    public long EdgeCount => _edgeCount;
    public readonly List<TypeTally> Types = new();  // by TypeTally.Index
    public long ReadByClrMd { get; private set; }   // objects whose references ClrMD read

    // `capacity`: the objects expected (a heapstat of the same target says), so that the arrays
    // are not grown and copied on a large heap.
    public ObjectGraph(ClrHeap heap, IDataReader reader, long capacity)
    {
        _heap = heap;
        _reader = reader;
        int n = (int)Math.Clamp(capacity + 1024, 1 << 16, Array.MaxLength - 1);
        _address = BigArray.Allocate<ulong>(n);
        _type = BigArray.Allocate<int>(n);
        _firstEdge = BigArray.Allocate<int>(n + 1L);
        _edges = BigArray.Allocate<ulong>(n);
    }

    public ulong Address(int i) => _address[i];
    public TypeTally TypeOf(int i) => Types[_type[i]];
    public int TypeIndex(int i) => _type[i];

    public ReadOnlySpan<ulong> References(int i) =>
        _edges.AsSpan(_firstEdge[i], _firstEdge[i + 1] - _firstEdge[i]);

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
            if (_address.Length >= Array.MaxLength - 1)
                throw new EngineException(ErrorKind.Internal, "the heap has more objects than one array holds");
            int grown = (int)Math.Min(_address.Length * 2L, Array.MaxLength - 1);
            _address = BigArray.Grow(_address, grown, Count);
            _type = BigArray.Grow(_type, grown, Count);
            _firstEdge = BigArray.Grow(_firstEdge, grown + 1L, Count + 1);
        }
        if (type.Index >= Types.Count || Types[type.Index] != type)
        {
            while (Types.Count <= type.Index) Types.Add(type);
            Types[type.Index] = type;
        }
        _address[Count] = address;
        _type[Count] = type.Index;
        _firstEdge[Count] = _edgeCount;
        if (type.HasPointers) AddReferences(address, type, size, bytes);
        Count++;
        _firstEdge[Count] = _edgeCount;
    }

    private void AddReferences(ulong address, TypeTally type, ulong size, ReadOnlySpan<byte> bytes)
    {
        type.Layout ??= GcLayout.Read(_reader, type.MethodTable);
        if (bytes.IsEmpty && type.Layout is not null && size <= MaxLargeRead)
            bytes = ReadLarge(address, (int)size);
        if (!bytes.IsEmpty && type.Layout is not null)
        {
            Reserve(bytes.Length / 8);
            int n = type.Layout.References(bytes, _edges.AsSpan(_edgeCount));
            if (n >= 0)
            {
                _edgeCount += n;
                return;
            }
        }
        ReadByClrMd++;
        _refs.Clear();
        foreach (ulong r in _heap.GetObject(address).EnumerateReferenceAddresses(carefully: true, considerDependantHandles: false))
            _refs.Add(r);
        Reserve(_refs.Count);
        _refs.CopyTo(_edges.AsSpan(_edgeCount));
        _edgeCount += _refs.Count;
    }

    // An object larger than the walk's block (a large array), read whole into a buffer kept for
    // the next one; empty when it cannot be read.
    private ReadOnlySpan<byte> ReadLarge(ulong address, int size)
    {
        if (_large.Length < size) _large = new byte[Math.Max(size, _large.Length * 2)];
        int got = _reader.Read(address, _large.AsSpan(0, size));
        return got == size ? _large.AsSpan(0, size) : default;
    }

    // Room for `more` references after the last.
    private void Reserve(int more)
    {
        if ((long)_edgeCount + more <= _edges.Length) return;
        long grown = Math.Max(_edges.Length * 2L, (long)_edgeCount + more);
        if (grown > Array.MaxLength)
            throw new EngineException(ErrorKind.Internal, "the heap has more references than one array holds");
        _edges = BigArray.Grow(_edges, grown, _edgeCount);
    }

    // The number of the object at `address` (its start), or -1 when no object starts there: the
    // segment (the last one found, else a binary search), then the objects that start in the
    // address's 4 KiB page (the page table Seal builds), then a search among those few.
    public int Find(ulong address)
    {
        int k = _lastSegment;
        if (address < _segStart[k] || address >= _segEnd[k])
        {
            int lo = 0, hi = _segStart.Length - 1;
            k = -1;
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
            _lastSegment = k;
        }
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

    // Segments sorted by address, and per 4 KiB page of each the first object that starts in it
    // (plus one entry past each segment's last page: where its objects end), for Find. The walk
    // numbers objects in the heap's segment order, which need not be address order.
    public void Seal()
    {
        _segments.Sort((a, b) => a.Start.CompareTo(b.Start));
        int n = _segments.Count;
        _segStart = new ulong[Math.Max(n, 1)];
        _segEnd = new ulong[Math.Max(n, 1)];
        _segPage = new int[Math.Max(n, 1)];
        if (n == 0) _segStart[0] = ulong.MaxValue;
        long entries = 0;
        for (int k = 0; k < n; k++)
        {
            (ulong start, ulong end, int _, int _) = _segments[k];
            _segStart[k] = start;
            _segEnd[k] = end;
            _segPage[k] = (int)entries;
            entries += (long)((end - start + PageSize - 1) >> PageShift) + 1;
            if (entries > Array.MaxLength)
                throw new EngineException(ErrorKind.Internal, "the heap spans more pages than one array holds");
        }
        _pageFirst = new int[Math.Max(entries, 1)];
        for (int k = 0; k < n; k++)
        {
            (ulong start, ulong end, int first, int count) = _segments[k];
            int pages = (int)((end - start + PageSize - 1) >> PageShift);
            int i = first;
            for (int p = 0; p < pages; p++)
            {
                ulong pageStart = start + ((ulong)p << PageShift);
                while (i < first + count && _address[i] < pageStart) i++;
                _pageFirst[_segPage[k] + p] = i;
            }
            _pageFirst[_segPage[k] + pages] = first + count;
        }
        _lastSegment = 0;
    }
}
