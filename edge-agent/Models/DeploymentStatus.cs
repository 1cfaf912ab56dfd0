using EdgeMlops.Contracts;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// The box's latest deployment and shadow reports, for the reported state. Every change completes a signal, so the
/// sync publishes the reported state at once instead of at its next interval: the hub sees each step as it happens.
/// Thread-safe.
/// </summary>
public sealed class DeploymentStatus
{
    private readonly Lock _lock = new();
    private ModelDeploymentReport? _deployment;
    private ShadowReport? _shadow;
    private TaskCompletionSource _changed = NewSignal();

    public ModelDeploymentReport? Deployment
    {
        get { lock (_lock) return _deployment; }
    }

    public ShadowReport? Shadow
    {
        get { lock (_lock) return _shadow; }
    }

    /// <summary>Completes at the next change of either report.</summary>
    public Task NextChange
    {
        get { lock (_lock) return _changed.Task; }
    }

    /// <summary>How many changes there were so far; 0 before the first.</summary>
    public long Changes
    {
        get { lock (_lock) return _changes; }
    }

    private long _changes;

    /// <summary>Completes once there were more than <paramref name="afterChanges"/> changes (at once if there already were).</summary>
    public async Task WaitForChangeAsync(long afterChanges, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_changes > afterChanges) return;
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Report(ModelDeploymentReport deployment) => Change(() => _deployment = deployment);

    /// <summary>The shadow statistics of the window just ended; null once no challenger runs.</summary>
    public void Report(ShadowReport? shadow) => Change(() => _shadow = shadow);

    private void Change(Action update)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            update();
            _changes++;
            changed = _changed;
            _changed = NewSignal();
        }
        changed.SetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
