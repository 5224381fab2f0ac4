using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// A GC root as the report names it: the kind in gcroot's words ("static", "strong handle",
// "thread stack", ...), and for statics the field, for stack slots the thread and frame.
public sealed record RootInfo(string Kind, string Name, string Holder = "", string Field = "")
{
    // {"root": {"kind", "name", "holder", "field"}} as the roots and leaks replies give it.
    public void Write(System.Text.Json.Utf8JsonWriter w)
    {
        w.WriteStartObject("root");
        w.WriteString("kind", Kind);
        w.WriteString("name", Name);
        if (Holder.Length > 0) w.WriteString("holder", Holder);
        if (Field.Length > 0) w.WriteString("field", Field);
        w.WriteEndObject();
    }
}

// Every root of the heap, in the order the search seeds them (ties of path length go to the
// earlier): static fields first, named exactly, for every loaded type of every module, app and
// framework (on .NET 9 and later statics live in a pinned Object[] that only a handle or a stack
// slot reaches, which says nothing about the field); then thread statics, handles, the
// finalization queue and stack slots, as ClrMD enumerates them. Dependent handles are edges, not
// roots: their secondary is alive while their primary is.
public sealed class RootSet
{
    public readonly List<RootInfo> Roots = new();
    public readonly List<(ulong Object, int Root)> Seeds = new();
    public readonly List<(ulong Primary, ulong Secondary)> Dependents = new();  // the dependent handles
    public int TypesScanned { get; private set; }
    public int StaticsUnreadable { get; private set; }

    private readonly Dictionary<RootInfo, int> _index = new();

    // `dependents`: the runtime's DependentHandles (read once by the caller, which needs them before).
    public static RootSet Enumerate(ClrRuntime runtime, IEnumerable<(ulong Primary, ulong Secondary)> dependents)
    {
        var set = new RootSet();
        set.AddStatics(runtime);
        set.AddHeapRoots(runtime.Heap);
        set.Dependents.AddRange(dependents);
        return set;
    }

    // The objects of the dependent handles: the secondary is alive while the primary is.
    public static IEnumerable<(ulong Primary, ulong Secondary)> DependentHandles(ClrRuntime runtime)
    {
        foreach (ClrHandle handle in runtime.EnumerateHandles())
        {
            if (handle.HandleKind == ClrHandleKind.Dependent && handle.Object.Address != 0 && handle.Dependent.Address != 0)
                yield return (handle.Object.Address, handle.Dependent.Address);
        }
    }

    private void Seed(ulong obj, RootInfo root)
    {
        if (obj == 0) return;
        if (!_index.TryGetValue(root, out int i))
        {
            i = Roots.Count;
            Roots.Add(root);
            _index.Add(root, i);
        }
        Seeds.Add((obj, i));
    }

    private void AddStatics(ClrRuntime runtime)
    {
        ClrAppDomain[] domains = runtime.AppDomains.ToArray();
        ClrThread[] threads = runtime.Threads.Where(t => t.IsAlive).ToArray();
        foreach (ClrModule module in runtime.EnumerateModules())
        {
            foreach ((ulong mt, int _) in module.EnumerateTypeDefToMethodTableMap())
            {
                if (mt == 0) continue;
                ClrType? type = runtime.GetTypeByMethodTable(mt);
                if (type is null) continue;
                TypesScanned++;
                try
                {
                    AddStatics(type, domains, threads);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    StaticsUnreadable++;  // a type ClrMD cannot read; its statics stay unnamed
                }
            }
        }
    }

    private void AddStatics(ClrType type, ClrAppDomain[] domains, ClrThread[] threads)
    {
        string holder = type.Name ?? $"<unknown_type_{type.MethodTable:x}>";
        foreach (ClrStaticField field in type.StaticFields)
        {
            foreach (ClrAppDomain domain in domains)
            {
                if (field.IsObjectReference)
                {
                    Seed(field.ReadObject(domain).Address, Static(holder, HopNamer.SourceName(field.Name)));
                }
                else if (field.IsValueType && field.Type is { ContainsPointers: true } structType)
                {
                    // A struct static: each reference field inside it, as Holder.field.inner.
                    ClrValueType value = field.ReadStruct(domain);
                    if (!value.IsValid) continue;
                    foreach (ClrInstanceField inner in structType.Fields.Where(f => f.IsObjectReference))
                        Seed(value.ReadObjectField(inner).Address, Static(holder, $"{HopNamer.SourceName(field.Name)}.{HopNamer.SourceName(inner.Name)}"));
                }
            }
        }
        foreach (ClrThreadStaticField field in type.ThreadStaticFields.Where(f => f.IsObjectReference))
        {
            foreach (ClrThread thread in threads)
                Seed(field.ReadObject(thread).Address,
                     new RootInfo("thread static", $"{holder}.{HopNamer.SourceName(field.Name)}", holder,
                                  HopNamer.SourceName(field.Name)));
        }
    }

    private static RootInfo Static(string holder, string field) => new("static", $"{holder}.{field}", holder, field);

    private void AddHeapRoots(ClrHeap heap)
    {
        foreach (ClrRoot root in heap.EnumerateRoots())
        {
            RootInfo info = root.RootKind switch
            {
                ClrRootKind.StrongHandle => new RootInfo("strong handle", ""),
                ClrRootKind.PinnedHandle => new RootInfo("pinned handle", ""),
                ClrRootKind.AsyncPinnedHandle => new RootInfo("async pinned handle", ""),
                ClrRootKind.RefCountedHandle => new RootInfo("ref counted handle", ""),
                ClrRootKind.SizedRefHandle => new RootInfo("sized ref handle", ""),
                ClrRootKind.FinalizerQueue => new RootInfo("finalizer queue", ""),
                ClrRootKind.StaticVar => new RootInfo("statics array", ""),
                ClrRootKind.ThreadStaticVar => new RootInfo("thread static", ""),
                ClrRootKind.Stack => StackRoot(root),
                _ => new RootInfo(root.RootKind.ToString(), ""),
            };
            Seed(root.Object.Address, info);
        }
    }

    // "thread 7464: Namespace.Type.Method(Args)", as gcroot names a stack root.
    private static RootInfo StackRoot(ClrRoot root)
    {
        ClrStackFrame? frame = (root as ClrStackRoot)?.StackFrame;
        string thread = frame?.Thread is { } t ? $"thread {t.OSThreadId}" : "thread ?";
        string where = frame?.Method?.Signature ?? frame?.FrameName ?? "?";
        return new RootInfo("thread stack", $"{thread}: {where}");
    }
}
