using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PatternsApp;

/// <summary>One unit of work of a leak pattern; <c>leak</c> selects the faulty variant.</summary>
public interface IPattern
{
    void Work(int unit);
}

/// <summary>A static dictionary used as a cache, keyed by something unique per request: it only
/// ever grows. The correct twin removes the entry when the request is done.</summary>
public sealed class StaticCachePattern(bool leak) : IPattern
{
    private static readonly Dictionary<string, CachedResponse> Cache = new();

    public void Work(int unit)
    {
        var key = $"request-{unit}-{Guid.NewGuid():N}";
        Cache[key] = new CachedResponse(new byte[256]);
        if (!leak) Cache.Remove(key);
    }
}

public sealed class CachedResponse(byte[] body)
{
    public byte[] Body { get; } = body;
}

/// <summary>Data attached to strings through a ConditionalWeakTable lives as long as its key (a
/// dependent handle: nothing else references it), and a static list keeps every key. The correct
/// twin lets the key go when the work is done.</summary>
public sealed class WeakTablePattern(bool leak) : IPattern
{
    private static readonly List<string> Keys = new();
    private static readonly ConditionalWeakTable<string, SessionAttachment> Attachments = new();

    public void Work(int unit)
    {
        var key = $"session-{unit}-{Guid.NewGuid():N}";
        Keys.Add(key);
        Attachments.Add(key, new SessionAttachment(unit));
        if (!leak) Keys.Remove(key);
    }
}

public sealed class SessionAttachment(int id)
{
    private readonly byte[] _data = new byte[256];

    public int Id { get; } = id;

    public int Size => _data.Length;
}

/// <summary>A System.Threading.Timer that is never disposed: the runtime's timer queue keeps it,
/// and its callback keeps its owner. The correct twin disposes the timer.</summary>
public sealed class TimerPattern(bool leak) : IPattern
{
    public void Work(int unit)
    {
        var poller = new StatusPoller(unit);
        if (!leak) poller.Dispose();
    }
}

public sealed class StatusPoller : IDisposable
{
    private readonly Timer _timer;
    private readonly byte[] _state = new byte[512];

    public StatusPoller(int id)
    {
        Id = id;
        _timer = new Timer(_ => Poll(), null, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
    }

    public int Id { get; }

    private void Poll() => _state[0]++;

    public void Dispose() => _timer.Dispose();
}

/// <summary>A closure captured by a long-lived delegate (a static event) and never removed. The
/// correct twin unsubscribes.</summary>
public sealed class ClosurePattern(bool leak) : IPattern
{
    private static event Action? ConfigurationReloaded;

    /// <summary>What a configuration reload would do: refresh every subscribed view.</summary>
    public static void Reload() => ConfigurationReloaded?.Invoke();

    public void Work(int unit)
    {
        var view = new ReportView(unit);
        Action handler = () => view.Refresh();
        ConfigurationReloaded += handler;
        view.Render();
        if (!leak) ConfigurationReloaded -= handler;
    }
}

public sealed class ReportView(int id)
{
    private readonly List<string> _rows = Enumerable.Range(0, 8).Select(i => $"row {id}-{i}").ToList();

    public void Render() => _rows.Add("rendered");

    public void Refresh() => _rows.Clear();
}

/// <summary>CancellationToken.Register on an application-lifetime token without disposing the
/// registration: the token source keeps every callback and what it captures. The correct twin
/// disposes the registration.</summary>
public sealed class CancellationPattern(bool leak) : IPattern
{
    private static readonly CancellationTokenSource ApplicationStopping = new();

    public void Work(int unit)
    {
        var operation = new PendingOperation(unit);
        var registration = ApplicationStopping.Token.Register(operation.Cancel);
        operation.Run();
        if (!leak) registration.Dispose();
    }
}

public sealed class PendingOperation(int id)
{
    private readonly byte[] _buffer = new byte[128];

    public int Id { get; } = id;

    public void Run() => _buffer[0] = 1;

    public void Cancel() => _buffer[0] = 0;
}

/// <summary>Unmanaged memory from Marshal.AllocHGlobal that is never freed: SOS cannot see it,
/// only the memory summary (Heap) can. The correct twin frees it.</summary>
public sealed class UnmanagedPattern(bool leak) : IPattern
{
    private const int Bytes = 64 * 1024;
    private static readonly List<IntPtr> Kept = new();

    public void Work(int unit)
    {
        var block = Marshal.AllocHGlobal(Bytes);
        for (var i = 0; i < Bytes; i += 4096) Marshal.WriteByte(block, i, (byte)unit);
        if (leak) Kept.Add(block);
        else Marshal.FreeHGlobal(block);
    }
}

/// <summary>Objects that free a native resource in their finalizer, dropped without Dispose (the
/// finalizer cleans up). The leak: one finalizer in the process never returns (it waits on a lock
/// nobody releases), so the finalizer thread is stuck and every finalizable object after it stays
/// on the finalization queue, with everything it references.</summary>
public sealed class BlockedFinalizerPattern(bool leak) : IPattern
{
    private const int PerUnit = 4;

    public void Work(int unit)
    {
        if (leak && unit == 1) FinalizerBlocker.BlockTheFinalizerThread();
        for (var i = 0; i < PerUnit; i++) Drop(unit * PerUnit + i);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Drop(int id) => _ = new ThumbnailHandle(id);
}

/// <summary>Holds a native buffer and a managed cache; frees the buffer in its finalizer.</summary>
public sealed class ThumbnailHandle
{
    private readonly IntPtr _native;
    private readonly byte[] _preview = new byte[1024];

    public ThumbnailHandle(int id)
    {
        _native = Marshal.AllocHGlobal(256);
        _preview[0] = (byte)id;
    }

    public int Id => _preview[0];

    ~ThumbnailHandle() => Marshal.FreeHGlobal(_native);
}

/// <summary>A finalizer that never returns: it waits for a release that never comes.</summary>
public sealed class FinalizerBlocker
{
    private static readonly ManualResetEventSlim Entered = new();
    private static readonly ManualResetEventSlim Release = new();

    /// <summary>Drops a blocker and collects until its finalizer has started (and so blocks the
    /// finalizer thread from then on).</summary>
    public static void BlockTheFinalizerThread()
    {
        Drop();
        for (var attempt = 0; attempt < 100 && !Entered.IsSet; attempt++)
        {
            GC.Collect();
            Entered.Wait(TimeSpan.FromMilliseconds(100));
        }
        if (!Entered.IsSet) throw new InvalidOperationException("the blocking finalizer never ran");
    }

    /// <summary>Lets the blocked finalizer return (on quit: the runtime's shutdown waits for the
    /// finalizer thread).</summary>
    public static void Unblock() => Release.Set();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Drop() => _ = new FinalizerBlocker();

    ~FinalizerBlocker()
    {
        Entered.Set();
        Release.Wait();
    }
}

/// <summary>Not a leak: a bounded cache that fills during the first round trips and then stays
/// full (two entries per unit of work, 30 at most, oldest evicted).</summary>
public sealed class BoundedCachePattern : IPattern
{
    private const int Capacity = 30;
    private readonly LinkedList<CacheEntry> _entries = new();

    public void Work(int unit)
    {
        for (var i = 0; i < 2; i++)
        {
            _entries.AddLast(new CacheEntry(unit * 2 + i));
            if (_entries.Count > Capacity) _entries.RemoveFirst();
        }
    }
}

public sealed class CacheEntry(int key)
{
    public int Key { get; } = key;
    public byte[] Value { get; } = new byte[64];
}

/// <summary>Not a leak: an ArrayPool that warms up to its cap. Each unit rents one more buffer of
/// each size than the last (up to 10) and returns them all; the pool keeps what was returned.</summary>
public sealed class ArrayPoolPattern : IPattern
{
    private readonly ArrayPool<byte> _pool = ArrayPool<byte>.Create(maxArrayLength: 8192, maxArraysPerBucket: 10);
    private int _concurrency;

    public void Work(int unit)
    {
        _concurrency = Math.Min(_concurrency + 1, 10);
        var rented = new List<byte[]>();
        foreach (var size in new[] { 1024, 2048, 4096 })
            for (var i = 0; i < _concurrency; i++) rented.Add(_pool.Rent(size));
        foreach (var buffer in rented) _pool.Return(buffer);
    }
}
