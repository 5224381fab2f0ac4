// An ASP.NET Core minimal-API service that knows nothing of leakgate: it is driven over HTTP only.
//   dotnet WebApp.dll --urls http://127.0.0.1:PORT [--variant correct|leak]
// GET /orders/{id} builds an order view for the request. The leak variant also keeps every request's
// context in a static audit list (a per-request leak).

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole();
var leak = builder.Configuration["variant"] == "leak";
var app = builder.Build();

app.MapGet("/orders/{id:int}", (int id, HttpContext http) =>
{
    var context = new RequestContext(id, http.TraceIdentifier, new byte[512]);
    if (leak) RequestAudit.Keep(context);
    return Results.Ok(new { id, lines = context.Lines, trace = context.TraceId });
});
app.MapGet("/health", () => Results.Ok("ok"));

app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("WebApp: listening"));
app.Run();

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
