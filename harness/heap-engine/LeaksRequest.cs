using System.Diagnostics;
using System.Text.Json;
using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// The "leaks" op (PROTOCOL.md): the instances of the growing types grouped into leaks, each with
// its head, its path from the root with the field of every hop and its first new object, its
// members and what it retains.
public static class LeaksRequest
{
    private const int MaxRetainedTypes = 25;

    // The "census" op: objects per place (PathCensus) kept under `name` for a later "leaks".
    public static void Census(Target t, Request request, ReplyWriter writer,
                              Dictionary<string, Dictionary<ulong, long>> store)
    {
        string name = request.String("name") ?? throw new EngineException(ErrorKind.BadRequest, "name the census: \"name\"");
        var watch = Stopwatch.StartNew();
        // Every object counts: which types will grow is not known yet.
        HeapSearch search = HeapSearch.Of(t, request, new Phases(), _ => true);
        (ObjectGraph graph, RootSet roots, RootFinder finder) = (search.Graph, search.Roots, search.Finder);
        var census = new PathCensus(graph, roots, finder);
        Dictionary<ulong, long> counts = census.Count(finder);
        store[name] = counts;
        writer.Ok(request, w =>
        {
            w.WriteNumber("places", counts.Count);
            w.WriteNumber("reached", finder.Reached);
            w.WriteNumber("objects", graph.Count);
            w.WriteNumber("ms", Math.Round(watch.Elapsed.TotalMilliseconds, 1));
            w.WriteNumber("peakRss", Session.PeakRss());
        });
    }

    public static void Leaks(Target t, Request request, ReplyWriter writer,
                             Dictionary<string, Dictionary<ulong, long>> store)
    {
        ClrHeap heap = RootsRequest.Walkable(t);
        var growingNames = new HashSet<string>(request.Strings("types"), StringComparer.Ordinal);
        var appNames = new HashSet<string>(request.Strings("appTypes"), StringComparer.Ordinal);
        if (growingNames.Count == 0)
            throw new EngineException(ErrorKind.BadRequest, "name the growing types: \"types\"");
        int maxHops = request.Bounded("maxHops", 24, 4, 10_000);
        int maxLeaks = request.Bounded("maxLeaks", 20, 1, 10_000);

        string? since = request.String("since");
        Dictionary<ulong, long>? before = null;
        if (since is not null && !store.TryGetValue(since, out before))
            throw new EngineException(ErrorKind.BadRequest, $"no census \"{since}\" (send \"census\" first)");
        var phases = new Phases();
        HeapSearch search = HeapSearch.Of(t, request, phases, type => growingNames.Contains(type.Name));
        (ObjectGraph graph, RootSet roots, RootFinder finder) = (search.Graph, search.Roots, search.Finder);
        var growing = new bool[graph.Types.Length];
        var app = new bool[graph.Types.Length];
        foreach (TypeTally type in graph.Types)
        {
            growing[type.Index] = growingNames.Contains(type.Name);
            app[type.Index] = growing[type.Index] && appNames.Contains(type.Name);
        }
        // New: in a place that holds more objects than at the census (every growing type's object
        // without a census).
        Func<int, bool>? isNew = null;
        if (before is not null)
        {
            var census = new PathCensus(graph, roots, finder);
            Dictionary<ulong, long> now = census.Count(finder);
            isNew = i => now[census.PlaceOf(i)] > before.GetValueOrDefault(census.PlaceOf(i));
            phases.End("census");
        }
        var leaks = new LeakFinder(graph, roots, finder, growing, app, isNew, maxHops, phases);
        var namer = new HopNamer(heap, t.DataTarget.DataReader);
        // The paths' fields are named (ClrMD, the target's memory) on a second thread while what
        // the leaks retain is searched (the graph alone), when every leak's path will be written.
        // (Its own list of them: FindRetained sorts the leaks meanwhile.)
        var traces = new Dictionary<Leak, Trace>();
        Leak[] all = leaks.Leaks.ToArray();
        Task? tracing = all.Length <= maxLeaks
            ? Task.Run(() =>
            {
                foreach (Leak leak in all) traces[leak] = TraceOf(leak, graph, finder, leaks, namer);
            })
            : null;
        try
        {
            leaks.FindRetained();
        }
        finally
        {
            // ClrMD is not used by two threads at once: the tracing ends before anything else runs.
            ((IAsyncResult?)tracing)?.AsyncWaitHandle.WaitOne();
        }
        tracing?.GetAwaiter().GetResult();
        phases.End("retain");
        foreach (Leak leak in leaks.Leaks.Take(maxLeaks))
            if (!traces.ContainsKey(leak)) traces[leak] = TraceOf(leak, graph, finder, leaks, namer);
        phases.End("trace");

        writer.Ok(request, w =>
        {
            w.WriteStartArray("leaks");
            foreach (Leak leak in leaks.Leaks.Take(maxLeaks))
                WriteLeak(w, leak, traces[leak], roots, graph, maxHops);
            w.WriteEndArray();
            w.WriteNumber("moreLeaks", Math.Max(0, leaks.Leaks.Count - maxLeaks));
            w.WriteStartArray("unreachable");
            foreach ((int type, long n) in leaks.Unreachable)
            {
                w.WriteStartObject();
                w.WriteString("name", graph.Types[type].Name);
                w.WriteNumber("instances", n);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("graph");
            w.WriteNumber("objects", graph.Count);
            w.WriteNumber("references", graph.EdgeCount);
            w.WriteNumber("roots", roots.Roots.Count);
            w.WriteNumber("reached", finder.Reached);
            w.WriteNumber("staticsUnreadable", roots.StaticsUnreadable);
            w.WriteNumber("walkMs", Math.Round(phases.Sum("open", "count", "allocate", "fill", "resolve", "roots", "search"), 1));
            w.WriteNumber("searchMs", Math.Round(phases.Sum("census", "paths", "group", "retain"), 1));
            phases.Write(w);
            w.WriteNumber("peakRss", Session.PeakRss());
            w.WriteEndObject();
        });
    }

    private static void WriteLeak(Utf8JsonWriter w, Leak leak, Trace trace, RootSet roots, ObjectGraph graph,
                                  int maxHops)
    {
        w.WriteStartObject();
        RootInfo root = roots.Roots[leak.Root];
        root.Write(w);
        LeakMember head = leak.Head;
        w.WriteStartObject("head");
        w.WriteNumber("mt", head.Type.MethodTable);
        w.WriteString("name", head.Type.Name);
        w.WriteNumber("instances", head.Instances);
        w.WriteNumber("bytes", head.Bytes);
        w.WriteEndObject();
        WritePath(w, trace, graph, maxHops);
        w.WriteStartArray("members");
        foreach (LeakMember m in leak.Members.Values.OrderByDescending(m => m.Bytes))
        {
            w.WriteStartObject();
            w.WriteString("name", m.Type.Name);
            w.WriteNumber("instances", m.Instances);
            w.WriteNumber("bytes", m.Bytes);
            w.WriteNumber("underHead", m.UnderHead);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("retained");
        w.WriteNumber("objects", leak.RetainedObjects);
        w.WriteNumber("bytes", leak.RetainedBytes);
        w.WriteStartArray("types");
        foreach ((int type, (long count, long bytes)) in leak.Retained.OrderByDescending(r => r.Value.Bytes)
                     .ThenBy(r => graph.Types[r.Key].Name, StringComparer.Ordinal).Take(MaxRetainedTypes))
        {
            w.WriteStartObject();
            w.WriteString("name", graph.Types[type].Name);
            w.WriteNumber("count", count);
            w.WriteNumber("bytes", bytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // One hop of a path: the object, the field of it that refers to the next, how many hops of one
    // type through one field it stands for (a linked list), whether it is the first new object or
    // was reached through a dependent handle.
    private readonly record struct Hop(int Object, string Field, int Repeat, bool New, bool Dependent);

    // A leak's example path from the root object, its runs of one type through one field folded,
    // and the hops of the whole path.
    private sealed record Trace(List<Hop> Hops, int Depth);

    private static Trace TraceOf(Leak leak, ObjectGraph graph, RootFinder finder, LeakFinder leaks, HopNamer namer)
    {
        (List<int> chain, _) = finder.Path(leak.Example, int.MaxValue);
        int firstNew = leaks.FirstNewOn(leak.Example);
        var hops = new List<Hop>();
        for (int k = 0; k < chain.Count; k++)
        {
            int i = chain[k];
            string field = "";
            if (k + 1 < chain.Count)
            {
                field = finder.ReachedThroughDependentHandle(chain[k + 1])
                    ? "(dependent handle)"
                    : namer.Field(graph.Address(i), graph.Size(i), graph.Address(chain[k + 1]));
            }
            bool isNew = i == firstNew;
            bool dependent = finder.ReachedThroughDependentHandle(i);
            if (hops.Count > 0 && !isNew && !dependent && hops[^1].Field == field &&
                graph.TypeIndex(hops[^1].Object) == graph.TypeIndex(i) && k + 1 < chain.Count)
            {
                hops[^1] = hops[^1] with { Repeat = hops[^1].Repeat + 1 };
                continue;
            }
            hops.Add(new Hop(i, field, 1, isNew, dependent));
        }
        return new Trace(hops, chain.Count - 1);
    }

    // The path of a trace; when longer than maxHops, the middle is left out (`cut` hops after
    // `cutAt`), so both the root's end and the instance's end are shown.
    private static void WritePath(Utf8JsonWriter w, Trace trace, ObjectGraph graph, int maxHops)
    {
        List<Hop> hops = trace.Hops;
        int cut = Math.Max(0, hops.Count - maxHops);
        int cutAt = cut > 0 ? maxHops / 2 : 0;
        w.WriteNumber("depth", trace.Depth);
        w.WriteNumber("cut", cut);
        w.WriteNumber("cutAt", cutAt);
        w.WriteStartArray("path");
        for (int k = 0; k < hops.Count; k++)
        {
            if (cut > 0 && k >= cutAt && k < cutAt + cut) continue;
            Hop h = hops[k];
            w.WriteStartObject();
            w.WriteNumber("address", graph.Address(h.Object));
            w.WriteString("type", graph.TypeOf(h.Object).Name);
            if (h.Field.Length > 0) w.WriteString("field", h.Field);
            if (h.Repeat > 1) w.WriteNumber("repeat", h.Repeat);
            if (h.New) w.WriteBoolean("firstNew", true);
            if (h.Dependent) w.WriteString("note", "(dependent handle)");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
