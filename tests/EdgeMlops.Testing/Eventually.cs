using Xunit;

namespace EdgeMlops.Testing;

/// <summary>Polling for something that happens on another thread or in another process, with a deadline that fails the test.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>A token that gives up after <paramref name="after"/> (10 s by default), so a stop that never finishes fails the test instead of hanging it.</summary>
    public static CancellationToken Soon(TimeSpan? after = null) => new CancellationTokenSource(after ?? TimeSpan.FromSeconds(10)).Token;

    /// <summary>Waits until <paramref name="condition"/> holds; fails naming <paramref name="what"/> when it does not in time.</summary>
    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(condition, () => what, timeout);

    /// <summary>As above, with a description computed at failure time (e.g. a child process's output so far).</summary>
    public static async Task HoldsAsync(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what()}");
            await Task.Delay(25);
        }
    }
}
