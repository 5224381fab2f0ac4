using System.Diagnostics;
using System.Text.Json;
using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// The "instances" and "roots" ops (PROTOCOL.md): the types asked for as TypeSelection reads them.
public static class RootsRequest
{
    public static void Instances(Target t, Request request, ReplyWriter writer)
    {
        ClrHeap heap = Walkable(t);
        int limit = request.Bounded("limit", 1000, 0, 10_000_000);
        var sink = new InstanceSink(TypeSelection.Of(request), limit);
        t.Walker(1).Visit([sink]);
        writer.Ok(request, w =>
        {
            w.WriteStartArray("types");
            foreach (InstanceSink.Found f in sink.Results.Values.OrderByDescending(f => f.Bytes))
            {
                w.WriteStartObject();
                w.WriteNumber("mt", f.Type.MethodTable);
                w.WriteString("name", f.Type.Name);
                w.WriteNumber("count", f.Count);
                w.WriteNumber("bytes", f.Bytes);
                w.WriteStartArray("addresses");
                foreach (ulong a in f.Addresses) w.WriteNumberValue(a);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        GC.KeepAlive(heap);
    }

    public static void Roots(Target t, Request request, ReplyWriter writer)
    {
        ClrHeap heap = Walkable(t);
        TypeSelection selection = TypeSelection.Of(request);
        int maxHops = request.Bounded("maxHops", 32, 2, 10_000);
        int maxPaths = request.Bounded("maxPaths", 20, 1, 100_000);
        bool check = request.Flag("check");

        var watch = Stopwatch.StartNew();
        var phases = new Phases();
        // With "full", the whole heap's search, kept for a "leaks" that follows (leakgate roots).
        HeapSearch search = request.Flag("full")
            ? HeapSearch.Of(t, request, phases, selection.Matches)
            : HeapSearch.Build(t, request, phases, selection.Matches, everyObject: false);
        (HeapTally tally, ObjectGraph graph, RootSet roots, RootFinder finder) =
            (search.Tally, search.Graph, search.Roots, search.Finder);
        // Names are matched against the types the walk met (generic instantiations included).
        var wanted = new HashSet<ulong>();
        foreach (TypeTally type in tally.Types.Values)
            if (selection.Matches(type))
                wanted.Add(type.MethodTable);
        List<TypeRoots> results = finder.Group(wanted, maxHops);
        phases.End("group");
        (long Checked, long Mismatches)? checkResult = check ? graph.CheckAgainstClrMd(heap) : null;

        writer.Ok(request, w =>
        {
            w.WriteStartArray("types");
            foreach (TypeRoots r in results) WriteType(w, r, roots, graph, finder, maxHops, maxPaths);
            w.WriteEndArray();
            w.WriteStartObject("graph");
            w.WriteNumber("objects", graph.Count);
            w.WriteNumber("heapObjects", tally.Objects);
            w.WriteNumber("references", graph.EdgeCount);
            w.WriteNumber("readByClrMd", graph.ReadByClrMd);
            w.WriteNumber("roots", roots.Roots.Count);
            w.WriteNumber("rootObjects", roots.Seeds.Count);
            w.WriteNumber("reached", finder.Reached);
            w.WriteNumber("typesScanned", roots.TypesScanned);
            w.WriteNumber("staticsUnreadable", roots.StaticsUnreadable);
            w.WriteNumber("ms", Math.Round(watch.Elapsed.TotalMilliseconds, 1));
            phases.Write(w);
            w.WriteNumber("peakRss", Session.PeakRss());
            if (checkResult is { } c)
            {
                w.WriteNumber("checkedObjects", c.Checked);
                w.WriteNumber("checkMismatches", c.Mismatches);
            }
            w.WriteEndObject();
        });
    }

    private static void WriteType(Utf8JsonWriter w, TypeRoots r, RootSet roots, ObjectGraph graph,
                                  RootFinder finder, int maxHops, int maxPaths)
    {
        w.WriteStartObject();
        w.WriteNumber("mt", r.Type.MethodTable);
        w.WriteString("name", r.Type.Name);
        w.WriteNumber("instances", r.Instances);
        w.WriteNumber("bytes", r.Bytes);
        w.WriteNumber("unreachable", r.Unreachable);
        w.WriteNumber("groups", r.Groups.Count);
        w.WriteStartArray("paths");
        foreach (PathGroup g in r.Groups.Take(maxPaths))
        {
            RootInfo root = roots.Roots[g.Root];
            (List<int> chain, int cut) = finder.Path(g.Example, maxHops);
            w.WriteStartObject();
            w.WriteNumber("instances", g.Instances);
            root.Write(w);
            w.WriteNumber("cut", cut);
            w.WriteStartArray("chain");
            foreach (int i in chain)
            {
                w.WriteStartObject();
                w.WriteNumber("address", graph.Address(i));
                w.WriteString("type", graph.TypeOf(i).Name);
                if (finder.ReachedThroughDependentHandle(i)) w.WriteString("note", "(dependent handle)");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static ClrHeap Walkable(Target t)
    {
        ClrHeap heap = t.Runtime.Heap;
        if (!heap.CanWalkHeap)
            throw new EngineException(ErrorKind.HeapNotWalkable,
                "the heap cannot be walked: the process was stopped in the middle of a garbage collection");
        return heap;
    }
}

// The types a request asks for: "mts" (method tables), "types" (exact names) and
// "typesContaining" (a part of the name), matched against the types a walk meets, so that every
// method table of a name counts (a generic type's instantiations have one each).
public sealed class TypeSelection
{
    private readonly HashSet<ulong> _mts;
    private readonly HashSet<string> _names;
    private readonly string _containing;

    private TypeSelection(HashSet<ulong> mts, HashSet<string> names, string containing)
    {
        _mts = mts;
        _names = names;
        _containing = containing;
    }

    public static TypeSelection Of(Request request)
    {
        var selection = new TypeSelection(new HashSet<ulong>(request.Addresses("mts")),
            new HashSet<string>(request.Strings("types"), StringComparer.Ordinal),
            request.String("typesContaining") ?? "");
        if (selection._mts.Count == 0 && selection._names.Count == 0 && selection._containing.Length == 0)
            throw new EngineException(ErrorKind.BadRequest,
                "name the types: \"mts\" (method tables), \"types\" (names) or \"typesContaining\"");
        return selection;
    }

    public bool Matches(TypeTally type) =>
        _mts.Contains(type.MethodTable) || _names.Contains(type.Name) ||
        (_containing.Length > 0 && type.Name.Contains(_containing, StringComparison.Ordinal));
}

// Collects the instances of some method tables during a walk.
public sealed class InstanceSink(TypeSelection selection, int limit) : IObjectSink
{
    public sealed class Found
    {
        public required TypeTally Type;
        public long Count;
        public ulong Bytes;
        public readonly List<ulong> Addresses = new();
        internal long SegmentCount;
        internal ulong SegmentBytes;
        internal int SegmentAddresses;
    }

    public readonly Dictionary<ulong, Found> Results = new();
    private readonly Dictionary<ulong, bool> _decided = new();

    public void BeginSegment(ClrSegment segment, int ordinal)
    {
        foreach (Found f in Results.Values)
        {
            f.SegmentCount = f.Count;
            f.SegmentBytes = f.Bytes;
            f.SegmentAddresses = f.Addresses.Count;
        }
    }

    public void Object(ulong address, TypeTally type, ulong size, ReadOnlySpan<byte> bytes)
    {
        // Decided once per type: the walk meets each of its instances.
        if (!_decided.TryGetValue(type.MethodTable, out bool wanted))
            _decided[type.MethodTable] = wanted = selection.Matches(type);
        if (!wanted) return;
        if (!Results.TryGetValue(type.MethodTable, out Found? f))
            Results.Add(type.MethodTable, f = new Found { Type = type });
        f.Count++;
        f.Bytes += size;
        if (f.Addresses.Count < limit) f.Addresses.Add(address);
    }

    public void DropSegment()
    {
        foreach (Found f in Results.Values)
        {
            f.Count = f.SegmentCount;
            f.Bytes = f.SegmentBytes;
            f.Addresses.RemoveRange(f.SegmentAddresses, f.Addresses.Count - f.SegmentAddresses);
        }
    }

    public void EndSegment() { }
}
