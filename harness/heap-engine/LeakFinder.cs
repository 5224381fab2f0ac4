using System.Runtime.CompilerServices;

namespace LeakGate.HeapEngine;

// One growing type's instances in one leak.
public sealed class LeakMember
{
    public required TypeTally Type;
    public long Instances;
    public long Bytes;
    public long UnderHead;  // of them, held through an instance of the leak's head type
}

// The new objects that hang from one place: their holder's path (the root and the types to the
// holder) is the leak's key.
public sealed class Leak
{
    public int Root;  // into RootSet.Roots
    public readonly Dictionary<int, LeakMember> Members = new();  // by type index
    public int Entries;  // its first new objects: one per path (LeakFinder.EntriesByLeak lists them)
    public int HeadObject = -1;  // the app-type object nearest a root, of all paths of the leak
    public int FirstNew = -1;    // the first new object nearest a root (when no app type grows)
    public int HeadType = -1;
    public int Example = -1;  // the head type's instance with the shortest path
    public long RetainedObjects;
    public long RetainedBytes;
    public readonly Dictionary<int, (long Count, long Bytes)> Retained = new();  // by type index
    public LeakMember Head => Members[HeadType];
}

// Groups the instances of the growing types into leaks, from the shortest-path tree of RootFinder.
// On every path, the first object of a growing type is the first new object (what did not exist
// before the iterations started, or was replaced by them); the object before it holds the leak.
// Instances whose holders have the same path (root and types) are one leak, headed by the growing
// app type nearest the root (else by the first new object's type). What a leak retains is what
// no root reaches any more once its first new objects are gone: what the roots reach without
// entering them (the objects whose shortest path has none, then on from what those refer to),
// then one search from each leak's first new objects over what is left.
//
// Each pass is linear in the objects with arrays per object or per type, no look-up per object:
// the leak of a path is carried down the search's order (parents first) from its first new object.
public sealed class LeakFinder
{
    private readonly ObjectGraph _graph;
    private readonly RootSet _roots;
    private readonly RootFinder _finder;
    private readonly bool[] _growing;  // by type index
    private readonly Func<int, bool>? _isNew;  // a growing type's object in a place that gained objects
    private readonly bool[] _app;      // by type index: may head a leak
    private readonly int _maxHops;
    private readonly int[] _leakOf;    // per reached object: the leak of its path's first new object, or -1
    private readonly int[] _appType;   // per reached object: the type of the first new app-type object on its path, or -1
    private readonly Dictionary<int, int> _leakOfHolder = new();
    private readonly Dictionary<string, int> _leakOfKey = new();
    private readonly long[] _reached;  // by type index: growing types' objects the search reached
    private int[] _entries = [];  // every leak's first new objects, in the search's order
    private int _entryCount;
    // The growing types' objects of each leak by (leak, type, the first app type on their path).
    private readonly Dictionary<(int Leak, int Type, int AppType), Part> _parts = new();

    private sealed class Part
    {
        public long Instances;
        public long Bytes;
        public int Nearest;  // the object nearest a root (the first in the search's order)
        public int Order;    // its place in that order
    }

    public readonly List<Leak> Leaks = new();
    public readonly Dictionary<int, long> Unreachable = new();  // growing type index -> instances

    // `isNew`: whether an object of a growing type is new since the warm-up (its place gained
    // objects; null: every one is); objects that are not new are in no leak.
    public LeakFinder(ObjectGraph graph, RootSet roots, RootFinder finder, bool[] growing, bool[] app,
                      Func<int, bool>? isNew, int maxHops, Phases phases)
    {
        _isNew = isNew;
        _graph = graph;
        _roots = roots;
        _finder = finder;
        _growing = growing;
        _app = app;
        _maxHops = maxHops;
        _leakOf = BigArray.Allocate<int>(graph.Count);
        _appType = BigArray.Allocate<int>(graph.Count);
        _reached = new long[graph.Types.Length];
        _entries = BigArray.Allocate<int>(finder.Order.Length);
        MarkPaths();
        phases.End("paths");
        Group();
        phases.End("group");
    }

    // What each leak retains (RetainedObjects, RetainedBytes, Retained), then the leaks in the
    // order of the reply: most retained bytes first. Uses the graph alone (not ClrMD).
    public void FindRetained()
    {
        Retain();
        Leaks.Sort((a, b) => b.RetainedBytes.CompareTo(a.RetainedBytes));
    }

    // Parents come before their children in the search's order, so one pass carries the leak and
    // the first app type of each path down to every object. A leak's first new objects, the first
    // of them nearest a root, its app-type object nearest a root and the growing types' objects
    // in it (by type and first app type on their path) are found on the way.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkPaths()
    {
        int lastKey = int.MinValue, lastLeak = -1;
        (int Leak, int Type, int AppType) lastPart = (-1, -1, -1);
        Part? part = null;
        ReadOnlySpan<int> order = _finder.Order;
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            int p = _finder.Parent(i);
            int t = _graph.TypeIndex(i);
            bool growing = _growing[t];
            bool isNew = growing && (_isNew is null || _isNew(i));
            int leak = p >= 0 ? _leakOf[p] : -1;
            if (leak < 0 && isNew)
            {
                int key = p >= 0 ? p : -1 - _finder.RootOf(i);
                if (key != lastKey) (lastKey, lastLeak) = (key, LeakOf(i, key));
                leak = lastLeak;
                Leak entered = Leaks[leak];
                entered.Entries++;
                _entries[_entryCount++] = i;
                if (entered.FirstNew < 0) entered.FirstNew = i;
            }
            _leakOf[i] = leak;
            int up = p >= 0 ? _appType[p] : -1;
            bool head = _app[t] && isNew;
            int appType = _appType[i] = up >= 0 ? up : (head ? t : -1);
            if (!growing) continue;
            _reached[t]++;
            if (leak < 0) continue;  // there before the iterations, held by what was too
            if (head && Leaks[leak].HeadObject < 0) Leaks[leak].HeadObject = i;
            if (part is null || lastPart != (leak, t, appType))
            {
                lastPart = (leak, t, appType);
                if (!_parts.TryGetValue(lastPart, out part)) _parts.Add(lastPart, part = new Part { Nearest = i, Order = k });
            }
            part.Instances++;
            part.Bytes += _graph.Size(i);
        }
    }

    // The members of every leak from the parts (the head type known now), and the growing types'
    // objects no root reaches (the walk counted every instance; the search reached some).
    private void Group()
    {
        foreach (Leak leak in Leaks)
            leak.HeadType = _graph.TypeIndex(leak.HeadObject >= 0 ? leak.HeadObject : leak.FirstNew);
        int[] exampleOrder = new int[Leaks.Count];
        Array.Fill(exampleOrder, int.MaxValue);
        foreach (((int l, int t, int appType), Part part) in _parts)
        {
            Leak leak = Leaks[l];
            if (!leak.Members.TryGetValue(t, out LeakMember? m))
                leak.Members.Add(t, m = new LeakMember { Type = _graph.Types[t] });
            m.Instances += part.Instances;
            m.Bytes += part.Bytes;
            if (appType == leak.HeadType) m.UnderHead += part.Instances;
            if (t == leak.HeadType && part.Order < exampleOrder[l])
                (leak.Example, exampleOrder[l]) = (part.Nearest, part.Order);
        }
        foreach (TypeTally type in _graph.Types)
        {
            long unreached = type.Count - _reached[type.Index];
            if (_growing[type.Index] && unreached > 0) Unreachable[type.Index] = unreached;
        }
    }

    // The leak of a first new object (`entry`) by its holder's path, or by its root when it is a
    // root's object itself (`key`: the holder, or -1 - root).
    private int LeakOf(int entry, int key)
    {
        if (_leakOfHolder.TryGetValue(key, out int known)) return known;
        int holder = _finder.Parent(entry);
        string text = holder >= 0 ? PathKey(holder) : $"root {_finder.RootOf(entry)}";
        if (!_leakOfKey.TryGetValue(text, out int id))
        {
            id = Leaks.Count;
            _leakOfKey.Add(text, id);
            Leaks.Add(new Leak { Root = _finder.RootOf(entry) });
        }
        _leakOfHolder.Add(key, id);
        return id;
    }

    // The root and the types from it to the holder (its last maxHops), a run of one type counted
    // once: holders of the same kind in the same place are one leak.
    private string PathKey(int holder)
    {
        var types = new List<int>();
        int at = holder;
        for (int steps = 0; steps < _maxHops; steps++)
        {
            int type = _graph.TypeIndex(at);
            if (types.Count == 0 || types[^1] != type) types.Add(type);
            int p = _finder.Parent(at);
            if (p < 0) break;
            at = p;
        }
        types.Reverse();
        return $"{_finder.RootOf(holder)}|{string.Join(',', types)}";
    }

    private const byte Free = 0, FromRoots = 1, Entry = 2, Owned = 3;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Retain()
    {
        if (Leaks.Count == 0) return;
        byte[] mark = BigArray.Allocate<byte>(_graph.Count);
        Array.Clear(mark);
        (int[] entries, int[] start) = EntriesByLeak();
        foreach (int e in entries.AsSpan(0, _entryCount)) mark[e] = Entry;
        int[] queue = _appType;  // MarkPaths' alone: its pages are present already
        int tail = 0;
        // What the roots reach without going through a leak's first new objects: every object
        // whose shortest path has none (the search's, leak -1) and what those refer to beyond,
        // found by one pass in object order (not a second search of the whole heap).
        ReadOnlySpan<int> order = _finder.Order;
        foreach (int i in order)
            if (_leakOf[i] < 0) mark[i] = FromRoots;
        DependentEdges dependents = _finder.Dependents;
        bool anyDependents = dependents.Any;
        for (int i = 0; i < _graph.Count; i++)
        {
            if (mark[i] != FromRoots) continue;
            foreach (int e in _graph.Edges(i))
            {
                int j = e >= 0 ? e : ObjectGraph.LeafOf(e);
                if (j < 0 || mark[j] != Free) continue;
                mark[j] = FromRoots;
                if (e >= 0) queue[tail++] = j;
            }
            if (!anyDependents) continue;
            foreach (int j in dependents.Of(i))
            {
                if (mark[j] != Free) continue;
                mark[j] = FromRoots;
                queue[tail++] = j;
            }
        }
        Flood(queue, tail, mark, FromRoots, null);
        // Most instances first: an object two leaks hold counts for the first.
        foreach (int l in Enumerable.Range(0, Leaks.Count).OrderByDescending(l => Leaks[l].Members.Values.Sum(m => m.Instances)))
        {
            tail = 0;
            for (int k = start[l]; k < start[l + 1]; k++)
            {
                int e = entries[k];
                mark[e] = Owned;
                queue[tail++] = e;
            }
            Flood(queue, tail, mark, Owned, Leaks[l]);
        }
    }

    // Every leak's first new objects, leak after leak (leak l's from start[l] to start[l + 1]):
    // MarkPaths' list, in the search's order, sorted by leak (counting) when there are several.
    private (int[] Entries, int[] Start) EntriesByLeak()
    {
        var start = new int[Leaks.Count + 1];
        for (int l = 0; l < Leaks.Count; l++) start[l + 1] = start[l] + Leaks[l].Entries;
        if (Leaks.Count == 1) return (_entries, start);
        int[] byLeak = BigArray.Allocate<int>(start[^1]);
        int[] next = start[..^1];
        foreach (int e in _entries.AsSpan(0, _entryCount)) byLeak[next[_leakOf[e]]++] = e;
        return (byLeak, start);
    }

    // Breadth-first from queue[0..tail) over objects still Free, marking them `as`; a leak's search
    // tallies what it reaches (its entries included), per type in arrays, into the leak at the end.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Flood(int[] queue, int tail, byte[] mark, byte @as, Leak? leak)
    {
        DependentEdges dependents = _finder.Dependents;
        bool anyDependents = dependents.Any;
        long[]? count = leak is null ? null : new long[_graph.Types.Length];
        long[]? bytes = leak is null ? null : new long[_graph.Types.Length];
        int head = 0;
        while (head < tail)
        {
            int i = queue[head++];
            if (count is not null)
            {
                int t = _graph.TypeIndex(i);
                count[t]++;
                bytes![t] += _graph.Size(i);
            }
            foreach (int e in _graph.Edges(i))
            {
                if (e >= 0)
                {
                    if (mark[e] != Free) continue;
                    mark[e] = @as;
                    queue[tail++] = e;
                }
                else if (e <= -2)
                {
                    // A leaf: nothing to follow, counted as it is met.
                    int j = ObjectGraph.LeafOf(e);
                    if (mark[j] != Free) continue;
                    mark[j] = @as;
                    if (count is null) continue;
                    int t = _graph.TypeIndex(j);
                    count[t]++;
                    bytes![t] += _graph.Size(j);
                }
            }
            if (!anyDependents) continue;
            foreach (int j in dependents.Of(i))
            {
                if (mark[j] != Free) continue;
                mark[j] = @as;
                queue[tail++] = j;
            }
        }
        if (leak is null) return;
        for (int t = 0; t < count!.Length; t++)
        {
            if (count[t] == 0) continue;
            leak.Retained[t] = (count[t], bytes![t]);
            leak.RetainedObjects += count[t];
            leak.RetainedBytes += bytes[t];
        }
    }

    // The first new object on the path to i (an object of a leak): the object nearest the root of
    // those the leak's mark was carried to.
    public int FirstNewOn(int i)
    {
        if (_leakOf[i] < 0) return -1;
        int at = i;
        for (int p = _finder.Parent(at); p >= 0 && _leakOf[p] >= 0; p = _finder.Parent(at)) at = p;
        return at;
    }
}
