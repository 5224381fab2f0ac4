using System.Buffers.Binary;
using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// The field of an object that holds a reference to another, as the source names it: "cache",
// "Instances" for an auto-property's "<Instances>k__BackingField", "[3]" for an array's element,
// "[3].value" for a field of a struct element, "inner.next" for a field of a struct field. Read
// from the object's bytes (where the reference is) and its type's fields (what is there): only the
// few objects of a path are named this way.
public sealed class HopNamer(ClrHeap heap, IDataReader reader)
{
    private const int PointerSize = 8;
    private const int MaxRead = 64 << 20;

    // The field of the object at `from` (of `size` bytes) that refers to `to`, or "?" when no
    // reference to it can be found there.
    public string Field(ulong from, long size, ulong to)
    {
        ClrType? type = heap.GetObjectType(from);
        if (type is null || size <= 0 || size > MaxRead) return "?";
        byte[] bytes = new byte[size];
        if (reader.Read(from, bytes) < bytes.Length) return "?";
        for (int at = PointerSize; at + PointerSize <= bytes.Length; at += PointerSize)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at)) != to) continue;
            string? name = type.IsArray ? ArrayElement(type, size, at) : InObject(type.Fields, at - PointerSize);
            if (name is not null) return name;
        }
        return "?";
    }

    private static string? ArrayElement(ClrType array, long size, int at)
    {
        int component = array.ComponentSize;
        if (component <= 0) return null;
        // The elements end where the object ends (header included in StaticSize before them).
        long data = array.StaticSize - PointerSize;
        if (at < data) return null;
        long index = (at - data) / component;
        int inner = (int)((at - data) % component);
        ClrType? element = array.ComponentType;
        if (element is null || !element.IsValueType) return inner == 0 ? $"[{index}]" : null;
        string? field = InObject(element.Fields, inner);
        return field is null ? $"[{index}]" : $"[{index}].{field}";
    }

    // The field at `offset` of a value's fields (offsets from the value's first byte), into
    // struct fields as deep as it goes.
    private static string? InObject(IReadOnlyList<ClrInstanceField> fields, int offset)
    {
        foreach (ClrInstanceField f in fields)
        {
            if (f.IsObjectReference && f.Offset == offset) return SourceName(f.Name);
            if (f.IsValueType && f.Type is { } inner && offset >= f.Offset && offset < f.Offset + f.Size)
            {
                string? deeper = InObject(inner.Fields, offset - f.Offset);
                if (deeper is not null) return $"{SourceName(f.Name)}.{deeper}";
            }
        }
        return null;
    }

    // "<Instances>k__BackingField" -> "Instances": the property as written in the source.
    public static string SourceName(string? name)
    {
        if (name is null) return "?";
        const string backing = ">k__BackingField";
        if (name.StartsWith('<') && name.EndsWith(backing, StringComparison.Ordinal))
            return name[1..^backing.Length];
        return name;
    }
}
