using LeakGate.Testing;
using Shop;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

// Leak tests read the whole process's heap: nothing else may run in it meanwhile.
[assembly: Parallelization(Mode = ParallelMode.None)]

namespace Shop.Tests;

public class CartTests
{
    [Fact]
    public void TidyCartLeavesNothingBehind()
    {
        using var gate = Gate.Watch();
        gate.Iterate(warmup: 5, times: 20, () =>
        {
            using var cart = new TidyCart();
            cart.Add("book");
            PriceFeed.Publish();
        });
        gate.AssertNoGrowth();
    }

    // Fails: LeakyCart.Dispose does not unsubscribe from PriceFeed.PricesChanged.
    [Fact]
    public void LeakyCartLeavesNothingBehind()
    {
        using var gate = Gate.Watch();
        gate.Iterate(warmup: 5, times: 20, ShopWithALeakyCart);
        gate.AssertNoGrowth();
    }

    // Passes: the same leak, listed in known-leaks.json (checked in beside the tests), is
    // reported as suppressed.
    [Fact]
    public void LeakyCartIsAKnownLeak()
    {
        using var gate = Gate.Watch(new WatchOptions { KnownLeaksFile = "known-leaks.json" });
        gate.Iterate(warmup: 5, times: 20, ShopWithALeakyCart);
        gate.AssertNoGrowth();
        Assert.Contains(gate.LastRun!.Suppressed, f => f.Type == "Shop.LeakyCart");
    }

    private static void ShopWithALeakyCart()
    {
        using var cart = new LeakyCart();
        cart.Add("book");
        PriceFeed.Publish();
    }
}
