// HeapBench --objects N --bytes B: builds a managed heap of about B bytes in N objects, half of
// them HeapBench.Record instances (the type scripts/bench-engine.sh asks `roots` about), each
// holding a byte[] that makes up the size, all held by the static Store.Records; then prints
// "ready <pid> <objects> <bytes>" and waits until stdin closes.
using System.Runtime;

long objects = 10_000_000;
long bytes = 1L << 30;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--objects") objects = long.Parse(args[i + 1]);
    else if (args[i] == "--bytes") bytes = long.Parse(args[i + 1]);
    else throw new ArgumentException($"unknown argument {args[i]}");
}
int records = (int)Math.Max(1, objects / 2);
// A Record is 32 bytes; a byte[] of n bytes is 24 + n (8-byte aligned).
long perPayload = Math.Max(0, bytes / records - 32 - 24);
Store.Records = new List<HeapBench.Record>(records);
for (int i = 0; i < records; i++)
    Store.Records.Add(new HeapBench.Record(i, new byte[perPayload]));
GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
GC.WaitForPendingFinalizers();
Console.WriteLine($"ready {Environment.ProcessId} {records * 2L} {GC.GetTotalMemory(false)}");
Console.Out.Flush();
while (Console.In.ReadLine() is not null) { }
GC.KeepAlive(Store.Records);

static class Store
{
    public static List<HeapBench.Record>? Records;
}

namespace HeapBench
{
    public sealed record Record(int Id, byte[] Payload);
}
