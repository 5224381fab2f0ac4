namespace LeakGate.HeapEngine;

// The instances of some types that one path holds, and the shortest such path.
public sealed class PathGroup
{
    public int Root;          // into RootSet.Roots
    public long Instances;
    public ulong Bytes;
    public int Example;       // the instance with the shortest path of the group
    public int ExampleDepth;  // its hops from the root object
}

public sealed class TypeRoots
{
    public required TypeTally Type;
    public long Instances;
    public ulong Bytes;
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
    private readonly int[] _parent;  // >= 0: the object it was reached from; < 0: -1 - root
    private readonly int[] _rootOf;
    private readonly int[] _depth;
    private readonly HashSet<int> _viaDependent = new();

    public long Reached { get; private set; }

    public RootFinder(ObjectGraph graph, RootSet roots)
    {
        _graph = graph;
        _roots = roots;
        int n = graph.Count;
        _parent = new int[n];
        _rootOf = new int[n];
        _depth = new int[n];
        Array.Fill(_parent, Unvisited);
        Search();
    }

    private void Search()
    {
        var queue = new int[_graph.Count];
        int head = 0, tail = 0;
        foreach ((ulong obj, int root) in _roots.Seeds)
        {
            int i = _graph.Find(obj);
            if (i < 0 || _parent[i] != Unvisited) continue;
            _parent[i] = -1 - root;
            _rootOf[i] = root;
            queue[tail++] = i;
        }
        bool dependents = _roots.Dependents.Count > 0;
        while (head < tail)
        {
            int i = queue[head++];
            foreach (ulong reference in _graph.References(i))
            {
                int j = _graph.Find(reference);
                if (j < 0 || _parent[j] != Unvisited) continue;
                Reach(i, j);
                queue[tail++] = j;
            }
            if (dependents && _roots.Dependents.TryGetValue(_graph.Address(i), out List<ulong>? held))
            {
                foreach (ulong secondary in held)
                {
                    int j = _graph.Find(secondary);
                    if (j < 0 || _parent[j] != Unvisited) continue;
                    Reach(i, j);
                    _viaDependent.Add(j);
                    queue[tail++] = j;
                }
            }
        }
        Reached = tail;
    }

    private void Reach(int from, int to)
    {
        _parent[to] = from;
        _rootOf[to] = _rootOf[from];
        _depth[to] = _depth[from] + 1;
    }

    public List<TypeRoots> Group(IReadOnlyCollection<ulong> methodTables, int maxHops)
    {
        var wanted = new Dictionary<int, TypeRoots>();
        foreach (TypeTally t in _graph.Types)
            if (t is not null && methodTables.Contains(t.MethodTable))
                wanted[t.Index] = new TypeRoots { Type = t };
        var groups = new Dictionary<string, PathGroup>();
        var groupType = new Dictionary<PathGroup, TypeRoots>();
        var prefixes = new Dictionary<int, string>();  // the key of a holder's path, by holder
        for (int i = 0; i < _graph.Count; i++)
        {
            if (!wanted.TryGetValue(_graph.TypeIndex(i), out TypeRoots? result)) continue;
            ulong size = ObjectSize(i);
            result.Instances++;
            result.Bytes += size;
            if (_parent[i] == Unvisited)
            {
                result.Unreachable++;
                continue;
            }
            string key = Key(i, maxHops, prefixes);
            if (!groups.TryGetValue(key, out PathGroup? g))
            {
                g = new PathGroup { Root = _rootOf[i], Example = i, ExampleDepth = _depth[i] };
                groups.Add(key, g);
                groupType.Add(g, result);
                result.Groups.Add(g);
            }
            g.Instances++;
            g.Bytes += size;
            if (_depth[i] < g.ExampleDepth)
            {
                g.Example = i;
                g.ExampleDepth = _depth[i];
            }
        }
        foreach (TypeRoots r in wanted.Values)
            r.Groups.Sort((a, b) => b.Instances.CompareTo(a.Instances));
        return wanted.Values.OrderByDescending(r => r.Bytes).ToList();
    }

    // root | type numbers of the last maxHops objects of the path, a run of one type counted once
    // (the holder's part memoized: the instances of a leak mostly share their holder).
    private string Key(int i, int maxHops, Dictionary<int, string> prefixes)
    {
        int parent = _parent[i];
        if (parent < 0) return $"{_rootOf[i]}|{_graph.TypeIndex(i)}";
        if (!prefixes.TryGetValue(parent, out string? prefix))
        {
            var types = new List<int>();
            int at = parent;
            for (int steps = 1; steps < maxHops; steps++)
            {
                // A run of one type (a linked list, nested nodes) is one step of the key: the
                // instances of a list held at different depths are one leak.
                int type = _graph.TypeIndex(at);
                if (types.Count == 0 || types[^1] != type) types.Add(type);
                if (_parent[at] < 0) break;
                at = _parent[at];
            }
            bool cut = _parent[at] >= 0;
            types.Reverse();
            prefix = $"{_rootOf[i]}|{(cut ? "...," : "")}{string.Join(',', types)}";
            prefixes.Add(parent, prefix);
        }
        return $"{prefix}>{_graph.TypeIndex(i)}";
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

    private ulong ObjectSize(int i) => _graph.Size(i);
}
