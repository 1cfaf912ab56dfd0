using EdgeMlops.Contracts;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// The latest desired state the hub sent this device, for the capabilities that act on it (the rollout owns
/// <c>"model"</c>). Only newer revisions get in; readers either look at <see cref="Current"/> or wait for a change.
/// Thread-safe.
/// </summary>
public sealed class DesiredStateStore
{
    private readonly Lock _lock = new();
    private DesiredState? _current;
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>The newest desired state received; null until the first one arrives.</summary>
    public DesiredState? Current
    {
        get
        {
            lock (_lock)
                return _current;
        }
    }

    /// <summary>
    /// The first desired state with a revision above <paramref name="afterRevision"/>: at once if there is one,
    /// otherwise when it arrives. Pass -1 to get whatever is current or the first one.
    /// </summary>
    public async Task<DesiredState> WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_current is { } current && current.Revision > afterRevision)
                    return current;
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes <paramref name="state"/> if its revision is newer than the current one; false (and the reason) otherwise.</summary>
    internal bool TryAccept(DesiredState state, out string? refusal)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (_current is { } current && state.Revision <= current.Revision)
            {
                refusal = state.Revision == current.Revision
                    ? $"revision {state.Revision} is the one already held"
                    : $"revision {state.Revision} is older than revision {current.Revision} already held";
                return false;
            }
            _current = state;
            changed = _changed;
            _changed = NewSignal();
        }
        refusal = null;
        changed.SetResult();
        return true;
    }

    // Continuations run off the thread that accepted the state: that is the MQTT client's receive loop.
    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
