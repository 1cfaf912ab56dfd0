namespace EdgeMlops.EdgeAgent.Tests.Support;

internal static class Poll
{
    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="what"/> when it does not in time.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what()}");
            await Task.Delay(25);
        }
    }
}
