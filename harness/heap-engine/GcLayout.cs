using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace LeakGate.HeapEngine;

// Where the references of an object are, from the GC descriptor the runtime stores just below each
// method table of a type with references (the runtime's gcdesc.h): a count N at mt-8, then
//  - N > 0: N series {size, offset} below it; series i holds the pointers in
//    [offset, offset + size + object size), so one layout fits every array length;
//  - N < 0 (arrays of structs with references): one start offset at mt-16 and -N items
//    {pointers: int32, skip: int32} from mt-24 downwards, repeated over the array's elements.
// Decoded once per method table; the walk reads an object's bytes from the block already in memory.
public sealed class GcLayout
{
    private const int MaxSeries = 1 << 16;  // more is not a descriptor: the walk falls back to ClrMD

    private readonly (long Size, long Offset)[] _series = [];
    private readonly long _start;
    private readonly (int Pointers, int Skip)[] _items = [];

    private GcLayout((long, long)[] series) => _series = series;

    private GcLayout(long start, (int, int)[] items)
    {
        _start = start;
        _items = items;
    }

    public static GcLayout? Read(IDataReader reader, ulong methodTable)
    {
        Span<byte> word = stackalloc byte[8];
        if (methodTable < 4096 || reader.Read(methodTable - 8, word) != 8) return null;
        long n = BinaryPrimitives.ReadInt64LittleEndian(word);
        if (n == 0 || n > MaxSeries || n < -MaxSeries) return null;
        if (n > 0)
        {
            byte[] raw = new byte[16 * n];
            if (reader.Read(methodTable - 8 - (ulong)raw.Length, raw) != raw.Length) return null;
            var series = new (long, long)[n];
            for (int i = 0; i < n; i++)
                series[i] = (BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(16 * i)),
                             BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(16 * i + 8)));
            return new GcLayout(series);
        }
        // Items i = 0, -1, ..., n+1 at mt-24 + 8i; the start offset at mt-16.
        int count = (int)-n;
        ulong low = methodTable - 24 - 8 * (ulong)(count - 1);
        byte[] block = new byte[(int)(methodTable - low)];
        if (reader.Read(low, block) != block.Length) return null;
        long start = BinaryPrimitives.ReadInt64LittleEndian(block.AsSpan(block.Length - 16));
        var items = new (int, int)[count];
        for (int i = 0; i < count; i++)
        {
            int at = block.Length - 24 - 8 * i;
            items[i] = (BinaryPrimitives.ReadInt32LittleEndian(block.AsSpan(at)),
                        BinaryPrimitives.ReadInt32LittleEndian(block.AsSpan(at + 4)));
        }
        return new GcLayout(start, items);
    }

    // The offsets of the references of an object of `size` bytes, for a type without components
    // (every instance the same size): the walk reads them without decoding the series again. Null
    // when the layout does not fit that size.
    public int[]? FixedSlots(uint size)
    {
        if (_series.Length == 0) return null;
        var slots = new List<int>();
        foreach ((long seriesSize, long offset) in _series)
        {
            long stop = offset + seriesSize + size;
            if (offset < 0 || stop > size) return null;
            for (long at = offset; at < stop; at += 8) slots.Add((int)at);
        }
        return slots.ToArray();
    }

    // At most how many references an object of `size` bytes has: exact for series that fit the
    // object (as References reads them), else its words (what ClrMD's enumeration can yield at most).
    public long ReferenceBound(ulong size)
    {
        long words = (long)(size / 8);
        if (_series.Length == 0) return words;
        long n = 0;
        foreach ((long seriesSize, long offset) in _series)
        {
            long stop = offset + seriesSize + (long)size;
            if (offset < 0 || stop > (long)size || (offset & 7) != 0) return words;
            n += ((stop + 7) >> 3) - (offset >> 3);
        }
        return n;
    }

    // For a layout of one series (an array of references): where its references are in an object
    // of `size` bytes, [From, To) from the object's start; null for any other layout or size.
    public (long From, long To)? OneRange(ulong size)
    {
        if (_series.Length != 1) return null;
        (long seriesSize, long offset) = _series[0];
        long stop = offset + seriesSize + (long)size;
        if (offset < 0 || stop > (long)size || (offset & 7) != 0 || (stop & 7) != 0) return null;
        return (offset, stop);
    }

    // Writes the non-null references of the object in `bytes` (its size is bytes.Length) to
    // `into`, which has room for one per pointer-sized word of the object, and returns how many;
    // -1 when the layout points outside the object (the caller asks ClrMD instead).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int References(ReadOnlySpan<byte> bytes, Span<ulong> into)
    {
        long size = bytes.Length;
        int n = 0;
        if (_series.Length > 0)
        {
            // The object as words (series are word-aligned: a reference's offset in an object).
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
            foreach ((long seriesSize, long offset) in _series)
            {
                long stop = offset + seriesSize + size;
                if (offset < 0 || stop > size || (offset & 7) != 0) return -1;
                foreach (ulong value in words[(int)(offset >> 3)..(int)((stop + 7) >> 3)])
                    if (value != 0) into[n++] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
            }
            return n;
        }
        long cursor = _start;
        if (cursor < 0) return -1;
        while (cursor < size - 8)
        {
            foreach ((int pointers, int skip) in _items)
            {
                // As the runtime's own walk: at least one pointer per item.
                long stop = cursor + 8L * Math.Max(pointers, 1);
                if (stop > size || skip < 0) return -1;
                for (; cursor < stop; cursor += 8)
                {
                    ulong value = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice((int)cursor, 8));
                    if (value != 0) into[n++] = value;
                }
                cursor += skip;
            }
        }
        return n;
    }
}
