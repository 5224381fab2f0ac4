using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// Every object of the heap in the graph (what a leak retains includes strings and arrays of
// numbers), the roots, and every object's shortest path from one (but leaves': objects without
// references no question is about, which no path goes through): built once per opened target
// and kept for the ops that follow while it stays open (the process stays suspended, a dump does
// not change), so "roots" then "leaks" by hand walk the heap once.
public sealed class HeapSearch
{
    public required HeapTally Tally { get; init; }
    public required ObjectGraph Graph { get; init; }
    public required RootSet Roots { get; init; }
    public required RootFinder Finder { get; init; }

    // The target's search, built on the first call (its phases then go to `phases`), or again when
    // the one kept skips objects of a type `follow` picks. The objects without references of the
    // types `follow` does not pick are leaves: no search goes through them (ObjectGraph.Build).
    public static HeapSearch Of(Target t, Request request, Phases phases, Func<TypeTally, bool> follow)
    {
        if (t.Search is { } known && !known.Graph.Types.Any(type => follow(type) && known.Graph.IsLeafType(type.Index)))
            return known;
        t.Search = null;
        t.Search = Build(t, request, phases, follow, everyObject: true);
        return t.Search;
    }

    // One walk counts every segment's objects, the second fills the graph, then the search from
    // the roots. `everyObject`: the graph holds every object of the heap (what a leak retains
    // includes strings and arrays of numbers), those without references that `follow` does not
    // pick as leaves; else it holds only what a path can go through: objects with references, the
    // instances `follow` picks and the primaries of dependent handles (their secondary is alive
    // through them).
    public static HeapSearch Build(Target t, Request request, Phases phases, Func<TypeTally, bool> follow,
                                   bool everyObject)
    {
        ClrHeap heap = RootsRequest.Walkable(t);
        var walker = t.Walker(request.Bounded("threads", 0, 0, 64));
        var dependents = RootSet.DependentHandles(t.Runtime).ToList();
        if (!everyObject)
            walker.Only(type => type.HasPointers || follow(type), dependents.Select(h => h.Primary).ToHashSet());
        walker.CountReferences();
        phases.End("open");
        HeapTally tally = walker.Walk();
        phases.End("count");
        ObjectGraph graph = everyObject
            ? ObjectGraph.Build(walker, tally, heap, phases, leaf: type => !follow(type),
                                followed: dependents.Select(d => d.Primary))
            : ObjectGraph.Build(walker, tally, heap, phases);
        RootSet roots = RootSet.Enumerate(t.Runtime, dependents);
        phases.End("roots");
        var finder = new RootFinder(graph, roots);
        phases.End("search");
        return new HeapSearch { Tally = tally, Graph = graph, Roots = roots, Finder = finder };
    }
}
