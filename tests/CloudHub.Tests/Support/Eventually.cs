namespace EdgeMlops.CloudHub.Tests.Support;

internal static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds; fails naming <paramref name="what"/> when it does not in time.</summary>
    public static async Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            await Task.Delay(25);
        }
    }
}
