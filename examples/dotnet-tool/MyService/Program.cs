// A service with one endpoint, GET /orders/{id}. Started with --leak, every request's context is
// kept in a static list that nothing empties: the kind of change a leak gate is there to stop.
using MyService;

bool leak = args.Contains("--leak");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--leak").ToArray());
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/orders/{id:int}", (int id) =>
{
    var context = new OrderContext(id, new byte[512]);
    if (leak) OrderAudit.Seen.Add(context);
    return Results.Ok(new { id, items = context.Payload.Length });
});
app.Run();

namespace MyService
{
    public sealed record OrderContext(int Id, byte[] Payload);

    public static class OrderAudit
    {
        public static readonly List<OrderContext> Seen = new();
    }
}
