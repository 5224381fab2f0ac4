namespace LeakGate.HeapEngine;

// The dependent handles as edges of the object graph (primary -> secondary, by object number),
// with one bit per object saying whether it is a primary: a search asks every object it visits,
// and a bit costs less than a look-up by address.
public sealed class DependentEdges
{
    private readonly ulong[] _isPrimary;
    private readonly Dictionary<int, List<int>> _secondaries = new();

    public DependentEdges(ObjectGraph graph, RootSet roots)
    {
        _isPrimary = new ulong[(graph.Count + 63) / 64];
        int hint = 0;
        foreach ((ulong primary, ulong secondary) in roots.Dependents)
        {
            int p = graph.Find(primary, ref hint);
            int s = p < 0 ? -1 : graph.Find(secondary, ref hint);
            if (s < 0) continue;
            if (!_secondaries.TryGetValue(p, out List<int>? list)) _secondaries[p] = list = new List<int>();
            list.Add(s);
            _isPrimary[p >> 6] |= 1UL << (p & 63);
        }
    }

    public bool Any => _secondaries.Count > 0;

    // The objects `i` keeps alive through dependent handles (none for most).
    public IReadOnlyList<int> Of(int i) =>
        (_isPrimary[i >> 6] & (1UL << (i & 63))) != 0 ? _secondaries[i] : Array.Empty<int>();
}
