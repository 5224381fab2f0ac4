using System.Runtime.CompilerServices;

namespace LeakGate.HeapEngine;

// Where each reached object hangs, as a number that is the same in another heap of the same
// process: a hash of its root (kind and name) and the method tables of its shortest path, a run of
// one type (a linked list) counted once. Counting objects per number at two checkpoints tells
// which places gained objects between them: those objects are new, the others were there before.
public sealed class PathCensus
{
    private readonly ulong[] _place;  // per reached object

    public PathCensus(ObjectGraph graph, RootSet roots, RootFinder finder)
    {
        _place = BigArray.Allocate<ulong>(graph.Count);
        var rootHash = new ulong[roots.Roots.Count];
        for (int r = 0; r < rootHash.Length; r++)
            rootHash[r] = Text($"{roots.Roots[r].Kind}|{roots.Roots[r].Name}");
        Fill(graph, finder, rootHash);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Fill(ObjectGraph graph, RootFinder finder, ulong[] rootHash)
    {
        foreach (int i in finder.Order)
        {
            int p = finder.Parent(i);
            ulong mt = graph.TypeOf(i).MethodTable;
            if (p < 0) _place[i] = Mix(rootHash[finder.RootOf(i)], mt);
            else if (graph.TypeIndex(p) == graph.TypeIndex(i)) _place[i] = _place[p];
            else _place[i] = Mix(_place[p], mt);
        }
    }

    public ulong PlaceOf(int i) => _place[i];

    // Reached objects per place.
    public Dictionary<ulong, long> Count(RootFinder finder)
    {
        var counts = new Dictionary<ulong, long>();
        foreach (int i in finder.Order)
        {
            ref long n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, _place[i], out _);
            n++;
        }
        return counts;
    }

    private static ulong Mix(ulong h, ulong v)
    {
        h ^= v + 0x9E3779B97F4A7C15UL + (h << 6) + (h >> 2);
        h *= 0xFF51AFD7ED558CCDUL;
        return h ^ (h >> 33);
    }

    private static ulong Text(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return h;
    }
}
