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
    public readonly HashSet<int> Entries = new();  // the first new object of every path
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
// no root reaches any more once its first new objects are gone: one search from every root that
// does not enter them, then one from each leak's first new objects over what is left.
public sealed class LeakFinder
{
    private readonly ObjectGraph _graph;
    private readonly RootSet _roots;
    private readonly RootFinder _finder;
    private readonly bool[] _growing;  // by type index
    private readonly Func<int, bool> _isNew;  // a growing type's object in a place that gained objects
    private readonly bool[] _app;      // by type index: may head a leak
    private readonly int _maxHops;
    private readonly int[] _firstNew;  // per reached object: the first growing object on its path
    private readonly int[] _appHead;   // per reached object: the first app-type object on its path
    private readonly Dictionary<int, int> _leakOfHolder = new();
    private readonly Dictionary<string, int> _leakOfKey = new();

    public readonly List<Leak> Leaks = new();
    public readonly Dictionary<int, long> Unreachable = new();  // growing type index -> instances

    // `isNew`: whether an object of a growing type is new since the warm-up (its place gained
    // objects); objects that are not new are in no leak.
    public LeakFinder(ObjectGraph graph, RootSet roots, RootFinder finder, bool[] growing, bool[] app,
                      Func<int, bool> isNew, int maxHops)
    {
        _isNew = isNew;
        _graph = graph;
        _roots = roots;
        _finder = finder;
        _growing = growing;
        _app = app;
        _maxHops = maxHops;
        _firstNew = BigArray.Allocate<int>(graph.Count);
        _appHead = BigArray.Allocate<int>(graph.Count);
        MarkPaths();
        Group();
        Retain();
        Leaks.Sort((a, b) => b.RetainedBytes.CompareTo(a.RetainedBytes));
    }

    // Parents come before their children in the search's order, so one pass carries what is first
    // on each path down to every object.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkPaths()
    {
        foreach (int i in _finder.Order)
        {
            int p = _finder.Parent(i);
            int t = _graph.TypeIndex(i);
            int up = p >= 0 ? _firstNew[p] : -1;
            bool isNew = _growing[t] && _isNew(i);
            _firstNew[i] = up >= 0 ? up : (isNew ? i : -1);
            int head = p >= 0 ? _appHead[p] : -1;
            _appHead[i] = head >= 0 ? head : (_app[t] && isNew ? i : -1);
        }
    }

    private void Group()
    {
        // First the leaks and their heads, then (the head type known) the members.
        for (int i = 0; i < _graph.Count; i++)
        {
            int t = _graph.TypeIndex(i);
            if (!_growing[t]) continue;
            if (!_finder.IsReached(i))
            {
                Unreachable[t] = Unreachable.GetValueOrDefault(t) + 1;
                continue;
            }
            if (_firstNew[i] < 0) continue;  // there before the iterations, held by what was too
            Leak leak = LeakOf(_firstNew[i]);
            leak.Entries.Add(_firstNew[i]);
            int head = _appHead[i];
            if (head >= 0 && (leak.HeadObject < 0 || _finder.Depth(head) < _finder.Depth(leak.HeadObject)))
                leak.HeadObject = head;
            int first = _firstNew[i];
            if (leak.FirstNew < 0 || _finder.Depth(first) < _finder.Depth(leak.FirstNew)) leak.FirstNew = first;
        }
        foreach (Leak leak in Leaks)
            leak.HeadType = _graph.TypeIndex(leak.HeadObject >= 0 ? leak.HeadObject : leak.FirstNew);
        for (int i = 0; i < _graph.Count; i++)
        {
            int t = _graph.TypeIndex(i);
            if (!_growing[t] || !_finder.IsReached(i) || _firstNew[i] < 0) continue;
            Leak leak = LeakOf(_firstNew[i]);
            if (!leak.Members.TryGetValue(t, out LeakMember? m))
                leak.Members.Add(t, m = new LeakMember { Type = _graph.TypeOf(i) });
            m.Instances++;
            m.Bytes += _graph.Size(i);
            int head = _appHead[i];
            if (head >= 0 && _graph.TypeIndex(head) == leak.HeadType) m.UnderHead++;
            if (t == leak.HeadType && (leak.Example < 0 || _finder.Depth(i) < _finder.Depth(leak.Example)))
                leak.Example = i;
        }
    }

    // The leak of a first new object: of its holder's path (or of its root, when it is a root's
    // object itself).
    private Leak LeakOf(int firstNew)
    {
        int holder = _finder.Parent(firstNew);
        int key = holder >= 0 ? holder : -1 - _finder.RootOf(firstNew);
        if (_leakOfHolder.TryGetValue(key, out int known)) return Leaks[known];
        string text = holder >= 0 ? PathKey(holder) : $"root {_finder.RootOf(firstNew)}";
        if (!_leakOfKey.TryGetValue(text, out int id))
        {
            id = Leaks.Count;
            _leakOfKey.Add(text, id);
            Leaks.Add(new Leak { Root = _finder.RootOf(firstNew) });
        }
        _leakOfHolder.Add(key, id);
        return Leaks[id];
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
        foreach (Leak leak in Leaks)
            foreach (int e in leak.Entries) mark[e] = Entry;
        int[] queue = BigArray.Allocate<int>(_graph.Count);
        int tail = 0, hint = 0;
        foreach ((ulong obj, int _) in _roots.Seeds)
        {
            int i = _graph.Find(obj, ref hint);
            if (i < 0 || mark[i] != Free) continue;
            mark[i] = FromRoots;
            queue[tail++] = i;
        }
        Flood(queue, 0, tail, mark, FromRoots, null);
        // Most instances first: an object two leaks hold counts for the first.
        foreach (Leak leak in Leaks.OrderByDescending(l => l.Members.Values.Sum(m => m.Instances)))
        {
            tail = 0;
            foreach (int e in leak.Entries)
            {
                mark[e] = Owned;
                queue[tail++] = e;
            }
            Flood(queue, 0, tail, mark, Owned, leak);
        }
    }

    // Breadth-first from queue[head..tail) over objects still Free, marking them `as`; a leak's
    // search tallies what it reaches (its entries included).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Flood(int[] queue, int head, int tail, byte[] mark, byte @as, Leak? leak)
    {
        bool dependents = _roots.Dependents.Count > 0;
        int hint = 0;
        while (head < tail)
        {
            int i = queue[head++];
            if (leak is not null)
            {
                int t = _graph.TypeIndex(i);
                (long c, long b) = leak.Retained.GetValueOrDefault(t);
                leak.Retained[t] = (c + 1, b + _graph.Size(i));
                leak.RetainedObjects++;
                leak.RetainedBytes += _graph.Size(i);
            }
            foreach (int j in _graph.Edges(i))
            {
                if (j < 0 || mark[j] != Free) continue;
                mark[j] = @as;
                queue[tail++] = j;
            }
            if (dependents && _roots.Dependents.TryGetValue(_graph.Address(i), out List<ulong>? held))
            {
                foreach (ulong secondary in held)
                {
                    int j = _graph.Find(secondary, ref hint);
                    if (j < 0 || mark[j] != Free) continue;
                    mark[j] = @as;
                    queue[tail++] = j;
                }
            }
        }
    }

    // The first new object on the path to i (a growing type's object).
    public int FirstNewOn(int i) => _firstNew[i];
}
