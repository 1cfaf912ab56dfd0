namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>Waits that a cancellation merely ends early: stopping, or a lost connection, is not an error while waiting.</summary>
internal static class QuietDelay
{
    public static async Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
            return;
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
