using System.Runtime.CompilerServices;

namespace LeakGate.HeapEngine;

// The instances of some types that one path holds, and the shortest such path.
public sealed class PathGroup
{
    public int Root;          // into RootSet.Roots
    public long Instances;
    public int Example;       // the instance with the shortest path of the group
    public int ExampleDepth;  // its hops from the root object
}

public sealed class TypeRoots
{
    public required TypeTally Type;
    public long Instances;
    public ulong Bytes;       // of every instance (the walk's count)
    public long Unreachable;  // no root holds them: garbage the GC has not collected yet
    public readonly List<PathGroup> Groups = new();
}

// The shortest path from a GC root to every object, from one breadth-first search of the whole
// object graph seeded with every root at once (RootSet's order breaks ties), then the instances of
// the requested types grouped by path: the root (a static field, a stack frame, a handle kind) and
// the types along the way; a path longer than maxHops is told by its last maxHops hops.
public sealed class RootFinder
{
    private const int Unvisited = int.MinValue;

    private readonly ObjectGraph _graph;
    private readonly RootSet _roots;
    // Per object: >= 0, the object it was reached from; < 0, -1 - its root (a root's object);
    // Unvisited. The search's only random access, 4 bytes an object: its root and depth are
    // found by going up (the few objects a reply shows), and the search's order is by depth.
    private readonly int[] _parent;

    private readonly HashSet<int> _viaDependent = new();
    private int[] _order = [];  // the objects in the order the search reached them (parents first)

    public long Reached { get; private set; }
    public DependentEdges Dependents { get; }

    public RootFinder(ObjectGraph graph, RootSet roots)
    {
        _graph = graph;
        _roots = roots;
        int n = graph.Count;
        _parent = BigArray.Allocate<int>(n);
        Array.Fill(_parent, Unvisited);
        Dependents = new DependentEdges(graph, roots);
        Search();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Search()
    {
        // Each object once at most: every one that is not a leaf, and leaves only as a root's
        // object or a dependent handle's secondary.
        long room = Math.Min(_graph.Count, _graph.NotLeaves + _roots.Seeds.Count + _roots.Dependents.Count);
        int[] queue = _order = BigArray.Allocate<int>(Math.Max(1, room));
        int head = 0, tail = 0;
        int hint = 0;
        foreach ((ulong obj, int root) in _roots.Seeds)
        {
            int i = _graph.Find(obj, ref hint);
            if (i < 0 || _parent[i] != Unvisited) continue;
            _parent[i] = -1 - root;
            queue[tail++] = i;
        }
        DependentEdges dependents = Dependents;
        bool anyDependents = dependents.Any;
        while (head < tail)
        {
            int i = queue[head++];
            foreach (int j in _graph.Edges(i))
            {
                if (j < 0 || _parent[j] != Unvisited) continue;
                _parent[j] = i;
                queue[tail++] = j;
            }
            if (!anyDependents) continue;
            foreach (int j in dependents.Of(i))
            {
                if (_parent[j] != Unvisited) continue;
                _parent[j] = i;
                _viaDependent.Add(j);
                queue[tail++] = j;
            }
        }
        Reached = tail;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<TypeRoots> Group(IReadOnlyCollection<ulong> methodTables, int maxHops)
    {
        var wanted = new TypeRoots?[_graph.Types.Length];
        var results = new List<TypeRoots>();
        foreach (TypeTally t in _graph.Types)
        {
            if (t is null || !methodTables.Contains(t.MethodTable)) continue;
            wanted[t.Index] = new TypeRoots { Type = t, Bytes = t.Bytes };
            results.Add(wanted[t.Index]!);
        }
        // A group is (the path of the holder, the instance's type); a holder's path is numbered
        // once (most instances of a leak share their holder).
        var groups = new Dictionary<(int Prefix, int Type), PathGroup>();
        var prefixOfHolder = new Dictionary<int, int>();
        var prefixIds = new Dictionary<string, int>();
        // The group of the last instance: instances in a row mostly share their holder (an array,
        // a list's nodes), so most need no look-up.
        // In the search's order (by depth), so a group's first instance is its example, and an
        // object's children come one after the other.
        int lastParent = Unvisited, lastType = -1;
        PathGroup? last = null;
        foreach (int i in Order)
        {
            int type = _graph.TypeIndex(i);
            if (wanted[type] is not { } result) continue;
            result.Instances++;
            int parent = _parent[i];
            PathGroup? g = parent >= 0 && parent == lastParent && type == lastType ? last : null;
            if (g is null)
            {
                // A root object itself: its root is its path.
                int prefix = parent < 0 ? parent : PrefixOf(parent, maxHops, prefixOfHolder, prefixIds);
                if (!groups.TryGetValue((prefix, type), out g))
                {
                    g = new PathGroup { Root = RootOf(i), Example = i, ExampleDepth = Depth(i) };
                    groups.Add((prefix, type), g);
                    result.Groups.Add(g);
                }
                (lastParent, lastType, last) = (parent, type, g);
            }
            g.Instances++;
        }
        // What the search did not reach: the walk counted every instance.
        foreach (TypeRoots r in results)
        {
            r.Unreachable = r.Type.Count - r.Instances;
            r.Instances = r.Type.Count;
        }
        foreach (TypeRoots r in results)
            r.Groups.Sort((a, b) => b.Instances.CompareTo(a.Instances));
        return results.OrderByDescending(r => r.Bytes).ToList();
    }

    // The number of the path to `holder`: its root and the types of its last maxHops - 1 objects,
    // a run of one type (a linked list, nested nodes) counted once, so the instances of a list
    // held at different depths are one leak.
    private int PrefixOf(int holder, int maxHops, Dictionary<int, int> byHolder, Dictionary<string, int> ids)
    {
        if (byHolder.TryGetValue(holder, out int known)) return known;
        var types = new List<int>();
        int at = holder;
        for (int steps = 1; steps < maxHops; steps++)
        {
            int type = _graph.TypeIndex(at);
            if (types.Count == 0 || types[^1] != type) types.Add(type);
            if (_parent[at] < 0) break;
            at = _parent[at];
        }
        bool cut = _parent[at] >= 0;
        types.Reverse();
        string key = $"{RootOf(holder)}|{(cut ? "...," : "")}{string.Join(',', types)}";
        if (!ids.TryGetValue(key, out int id))
        {
            id = ids.Count;
            ids.Add(key, id);
        }
        byHolder.Add(holder, id);
        return id;
    }

    // The objects from the root object to i; at most maxHops, the last ones (Cut says how many
    // were left out before them).
    public (List<int> Chain, int Cut) Path(int i, int maxHops)
    {
        var chain = new List<int>();
        int at = i;
        while (true)
        {
            chain.Add(at);
            if (_parent[at] < 0) break;
            at = _parent[at];
        }
        chain.Reverse();
        int cut = Math.Max(0, chain.Count - maxHops);
        return (chain.GetRange(cut, chain.Count - cut), cut);
    }

    public bool ReachedThroughDependentHandle(int i) => _viaDependent.Contains(i);

    public bool IsReached(int i) => _parent[i] != Unvisited;
    // The object i was reached from, or -1 for a root object (and for an object never reached).
    public int Parent(int i) => _parent[i] >= 0 ? _parent[i] : -1;

    // The root of a reached object's path, and its hops from the root's object: found by going up
    // (a reply shows a few objects; passes over every object go in the search's order instead).
    public int RootOf(int i)
    {
        while (_parent[i] >= 0) i = _parent[i];
        return -1 - _parent[i];
    }

    public int Depth(int i)
    {
        int depth = 0;
        for (; _parent[i] >= 0; i = _parent[i]) depth++;
        return depth;
    }
    // The reached objects, each after the object it was reached from.
    public ReadOnlySpan<int> Order => _order.AsSpan(0, (int)Reached);

}
