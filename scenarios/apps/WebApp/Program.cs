// An ASP.NET Core minimal-API service that knows nothing of leakgate: it is driven over HTTP only,
// with the Server GC the Web SDK turns on by default (DATAS on .NET 9 and later).
//   dotnet WebApp.dll --urls http://127.0.0.1:PORT
//     [--variant correct|leak|native-leak|controller-leak|three-leaks|items]
// GET /orders/{id} builds an order view for the request. The leak variant also keeps every request's
// context in a static audit list (a managed per-request leak); the native-leak variant keeps a
// 64 KiB native buffer per request (Marshal.AllocHGlobal, written, never freed: memory SOS cannot see).
// GET /report/{mb} builds a report of that many MiB in short-lived buffers and lets it go (a spike, not
// a leak). GET /burst/{n} fans out n blocking calls to the service itself (thread pool and HTTP
// connection pool grow, then idle: not a leak). The controller-leak variant adds an MVC controller
// (GET /api/orders/{id}) that caches a snapshot of every request under a new key in a static field
// of the controller: on .NET 9 and later that field lives in the runtime's statics array. The
// three-leaks variant has three causes at once: the audit list of the leak variant, the
// controller's cache, and GET /quotes/{id}, whose view subscribes to a static price feed's event
// and never unsubscribes.
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Mvc;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole();
var variant = builder.Configuration["variant"] ?? "correct";
var controllers = variant is "controller-leak" or "three-leaks";
if (controllers) builder.Services.AddControllers();
var app = builder.Build();
if (controllers) app.MapControllers();
var self = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

app.MapGet("/orders/{id:int}", (int id, HttpContext http) =>
{
    var context = new RequestContext(id, http.TraceIdentifier, new byte[512]);
    if (variant is "leak" or "three-leaks") RequestAudit.Keep(context);
    if (variant == "native-leak") NativeAudit.Keep(64 * 1024);
    return Results.Ok(new { id, lines = context.Lines, trace = context.TraceId });
});
app.MapGet("/health", () => Results.Ok("ok"));
// Only where it leaks: another endpoint changes every variant's start-up footprint (the route's
// delegates and method handles), which their baselines hold.
if (variant == "three-leaks")
{
    app.MapGet("/quotes/{id:int}", (int id) =>
    {
        var view = new QuoteView(id, forgetsToUnsubscribe: true);
        PriceFeed.Publish(id);
        view.Close();
        return Results.Ok(new { id, last = view.Last });
    });
}
// Only in the items variant (see above): a store of items by id, as a CRUD API is. PUT creates an
// item and refuses an id it holds (409), GET reads it, DELETE removes it: driven with a new id per
// round trip and deleted again, it holds nothing between round trips.
if (variant == "items")
{
    var items = new ConcurrentDictionary<int, Item>();
    app.MapPut("/items/{id:int}", (int id) =>
        items.TryAdd(id, new Item(id, $"item {id}")) ? Results.Created($"/items/{id}", items[id])
                                                      : Results.Conflict(new { id, error = "exists" }));
    app.MapGet("/items/{id:int}", (int id) =>
        items.TryGetValue(id, out var item) ? Results.Ok(item) : Results.NotFound());
    app.MapDelete("/items/{id:int}", (int id) =>
        items.TryRemove(id, out _) ? Results.NoContent() : Results.NotFound());
}
app.MapGet("/report/{mb:int}", (int mb) => Results.Ok(new { mb, checksum = Spike.Build(mb) }));
app.MapGet("/slow", () =>
{
    // Blocks a thread-pool thread: a burst of these makes the pool inject threads.
    Thread.Sleep(200);
    return Results.Ok("slow");
});
app.MapGet("/burst/{n:int}", async (int n, HttpContext http) =>
{
    var origin = $"{http.Request.Scheme}://{http.Request.Host}";
    var calls = Enumerable.Range(0, Math.Clamp(n, 1, 256))
        .Select(_ => self.GetStringAsync(origin + "/slow"));
    var replies = await Task.WhenAll(calls);
    return Results.Ok(new { calls = replies.Length, threads = ThreadPool.ThreadCount });
});

app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("WebApp: listening"));
app.Run();

/// <summary>An item of the items variant's store.</summary>
public sealed record Item(int Id, string Name);

/// <summary>What a request builds: its id, trace id and a buffer.</summary>
public sealed class RequestContext(int orderId, string traceId, byte[] buffer)
{
    public int OrderId { get; } = orderId;
    public string TraceId { get; } = traceId;
    public int Lines => buffer.Length / 64;
}

/// <summary>The leak: an audit list nobody trims.</summary>
public static class RequestAudit
{
    private static readonly List<RequestContext> Kept = new();

    public static void Keep(RequestContext context)
    {
        lock (Kept) Kept.Add(context);
    }
}

/// <summary>The native leak: buffers from the native heap, written and never freed. Only their
/// addresses are kept, in a list that grows by 8 bytes per request: the managed heap hardly
/// moves.</summary>
public static class NativeAudit
{
    private static readonly List<nint> Kept = new();
    private static readonly byte[] Pattern = Enumerable.Repeat((byte)0x5a, 64 * 1024).ToArray();

    public static void Keep(int bytes)
    {
        var p = Marshal.AllocHGlobal(bytes);
        for (var done = 0; done < bytes; done += Pattern.Length)
        {
            Marshal.Copy(Pattern, 0, p + done, Math.Min(Pattern.Length, bytes - done));
        }
        lock (Kept) Kept.Add(p);
    }
}

/// <summary>The spike: a report built in 1 MiB chunks that are all alive at once, then dropped.
/// Large-object-heap buffers, as a service that renders a big export would use.</summary>
public static class Spike
{
    public static long Build(int mb)
    {
        var chunks = new List<byte[]>(mb);
        for (var i = 0; i < mb; i++)
        {
            var chunk = new byte[1 << 20];
            Array.Fill(chunk, (byte)i);
            chunks.Add(chunk);
        }
        long sum = 0;
        foreach (var c in chunks) sum += c[^1];
        return sum;
    }
}

/// <summary>The controller of the controller-leak variant: a cache in a static field, keyed by a
/// number that is new on every request, so it only grows.</summary>
[ApiController]
[Route("api/orders")]
public sealed class OrdersController : ControllerBase
{
    private static readonly ConcurrentDictionary<long, OrderSnapshot> SnapshotCache = new();
    private static long _requests;

    [HttpGet("{id:int}")]
    public IActionResult Get(int id)
    {
        var snapshot = new OrderSnapshot(id, HttpContext.TraceIdentifier, new byte[256]);
        SnapshotCache[Interlocked.Increment(ref _requests)] = snapshot;
        return Ok(new { id, cached = SnapshotCache.Count });
    }
}

/// <summary>What the controller caches per request.</summary>
public sealed class OrderSnapshot(int orderId, string traceId, byte[] payload)
{
    public int OrderId { get; } = orderId;
    public string TraceId { get; } = traceId;
    public int Size => payload.Length;
}

/// <summary>A feed every quote view listens to while it is open.</summary>
public static class PriceFeed
{
    public static event EventHandler<decimal>? PriceChanged;

    public static void Publish(int id) => PriceChanged?.Invoke(null, id / 100m);
}

/// <summary>A view of one quote: subscribes to the feed when opened; the three-leaks variant
/// forgets to unsubscribe when it is closed, so the feed keeps every view.</summary>
public sealed class QuoteView
{
    private readonly bool _forgetsToUnsubscribe;
    private readonly byte[] _chart = new byte[1024];  // what a view draws with

    public QuoteView(int id, bool forgetsToUnsubscribe)
    {
        Id = id;
        _forgetsToUnsubscribe = forgetsToUnsubscribe;
        PriceFeed.PriceChanged += OnPriceChanged;
    }

    public int Id { get; }
    public decimal Last { get; private set; }

    public void Close()
    {
        if (!_forgetsToUnsubscribe) PriceFeed.PriceChanged -= OnPriceChanged;
    }

    private void OnPriceChanged(object? sender, decimal price)
    {
        Last = price;
        _chart[Id % _chart.Length] = (byte)price;
    }
}
