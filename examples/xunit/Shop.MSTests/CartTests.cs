using LeakGate.Testing;
using Microsoft.VisualStudio.TestTools.UnitTesting;

// Leak tests read the whole process's heap: nothing else may run in it meanwhile.
[assembly: DoNotParallelize]

namespace Shop.MSTests;

[TestClass]
public class CartTests
{
    // Fails: LeakyCart.Dispose does not unsubscribe from PriceFeed.PricesChanged.
    [TestMethod]
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
