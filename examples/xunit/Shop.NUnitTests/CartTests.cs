using LeakGate.Testing;
using NUnit.Framework;

namespace Shop.NUnitTests;

// Leak tests read the whole process's heap: nothing else may run in it meanwhile.
[NonParallelizable]
public class CartTests
{
    // Fails: LeakyCart.Dispose does not unsubscribe from PriceFeed.PricesChanged.
    [Test]
    public void LeakyCartLeavesNothingBehind()
    {
        using var gate = Gate.Watch();
        gate.Iterate(warmup: 5, times: 20, () =>
        {
            using var cart = new LeakyCart();
            cart.Add("book");
            PriceFeed.Publish();
        });
        gate.AssertNoGrowth();
    }
}
