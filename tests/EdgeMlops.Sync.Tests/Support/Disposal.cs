using System.Runtime.ExceptionServices;

namespace EdgeMlops.Sync.Tests.Support;

/// <summary>Tear-down of a rig of processes and folders.</summary>
internal static class Disposal
{
    /// <summary>
    /// Disposes every item in order even when some throw, so a test leaves no process behind; then rethrows the
    /// failure (all of them together when several failed).
    /// </summary>
    public static void All(params IDisposable?[] items)
    {
        List<Exception>? failures = null;
        foreach (var item in items)
        {
            try
            {
                item?.Dispose();
            }
            catch (Exception e)
            {
                (failures ??= []).Add(e);
            }
        }
        if (failures is [var only])
            ExceptionDispatchInfo.Throw(only);
        if (failures is not null)
            throw new AggregateException(failures);
    }
}
