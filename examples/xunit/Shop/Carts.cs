namespace Shop;

/// <summary>Prices, published to every open cart.</summary>
public static class PriceFeed
{
    public static event EventHandler? PricesChanged;

    public static void Publish() => PricesChanged?.Invoke(null, EventArgs.Empty);
}

/// <summary>A cart that follows the prices while it is open, and stops when it is disposed.</summary>
public sealed class TidyCart : IDisposable
{
    private readonly List<string> _items = new();

    public TidyCart() => PriceFeed.PricesChanged += OnPricesChanged;

    public int Repriced { get; private set; }

    public void Add(string item) => _items.Add(item);

    public void Dispose() => PriceFeed.PricesChanged -= OnPricesChanged;

    private void OnPricesChanged(object? sender, EventArgs e) => Repriced++;
}

/// <summary>The same cart, but Dispose forgets to unsubscribe: the feed's static event keeps
/// every cart ever opened.</summary>
public sealed class LeakyCart : IDisposable
{
    private readonly List<string> _items = new();

    public LeakyCart() => PriceFeed.PricesChanged += OnPricesChanged;

    public int Repriced { get; private set; }

    public void Add(string item) => _items.Add(item);

    public void Dispose() => _items.Clear();

    private void OnPricesChanged(object? sender, EventArgs e) => Repriced++;
}
